import type { Clinician, Fixture } from './fixture';
import type { BenchRequest, Context, Steps } from './measure';
import { SEARCH_TERM, SUPERVISOR_EVERY, seedSize } from './seed';

export interface Workload extends Steps {
  name: string;
  /** `floor`: run against the floor server instead of the API. */
  server: 'api' | 'floor';
  /** The API workload whose ratio to this floor one is reported. */
  floorOf?: string;
  /** Connections of its own (1: a lone caller's latency, what a user waits for on an idle server). */
  connections?: number;
}

const pick = <T>(items: readonly T[]): T => items[Math.floor(Math.random() * items.length)]!;
const one = (next: (context: Context) => BenchRequest): Steps['steps'] => [{ next }];

/** Clinicians with clients, so every pick can reach one. */
const withCaseload = (people: Clinician[]) => people.filter((person) => person.caseload.length);

let slot = 0;
const HOUR = 3_600_000;
/**
 * A one-hour slot no other booking uses: two years ahead, after every session already booked
 * (a kept database holds the bookings of earlier runs, which would otherwise refuse these).
 */
function nextSlot(fixture: Fixture): { startsAt: string; endsAt: string } {
  const first = Math.max(
    Date.UTC(new Date().getUTCFullYear() + 2, 0, 4, 0, 0),
    (Math.floor(fixture.latestSessionEnd / HOUR) + 1) * HOUR,
  );
  const start = first + slot++ * HOUR;
  return {
    startsAt: new Date(start).toISOString(),
    endsAt: new Date(start + 50 * 60_000).toISOString(),
  };
}

let serial = 0;
const newClient = () => {
  serial += 1;
  return {
    firstName: 'Bench',
    lastName: `Created${serial}`,
    dateOfBirth: '1990-05-17',
    presentingConcerns: ['communication'],
  };
};
const FAMILY = [
  { firstName: 'Parent', relationship: 'mother', participation: 'participating' },
  { firstName: 'Sibling', relationship: 'sibling', participation: 'participating' },
];

const readOne = (fixture: Fixture) => (): BenchRequest => {
  const clinician = pick(withCaseload(fixture.counselors));
  return {
    method: 'GET',
    path: `/api/v1/clients/${pick(clinician.caseload).id}`,
    token: clinician.token,
  };
};

const book = (fixture: Fixture, clinician: Clinician): BenchRequest => ({
  method: 'POST',
  path: '/api/v1/therapy-sessions',
  token: clinician.token,
  body: {
    clientId: pick(clinician.caseload).id,
    ...nextSlot(fixture),
    modality: 'individual',
    setting: 'in_person',
  },
});

const checkIn = (clinician: Clinician): BenchRequest => {
  const client = pick(clinician.caseload.filter((c) => c.goalId));
  return {
    method: 'POST',
    path: `/api/v1/clients/${client.id}/trust-goals/${client.goalId}/check-ins`,
    token: clinician.token,
    body: {
      occurredAt: new Date().toISOString(),
      ratings: [
        { party: 'client', rating: 6 },
        { party: 'family_member', familyMemberId: client.familyMemberIds[0], rating: 5 },
      ],
      commitmentsKept: 1,
    },
  };
};

/**
 * Client with two family members: in one call where the API offers one (a POST whose body takes
 * `familyMembers`), else as the three calls a client makes today, counted as one operation.
 */
function createWithFamily(fixture: Fixture, oneCallPath: string | undefined): Workload {
  const counselors = fixture.counselors;
  if (oneCallPath) {
    return {
      name: 'create client + 2 family (one call)',
      server: 'api',
      steps: one(() => ({
        method: 'POST',
        path: oneCallPath,
        token: pick(counselors).token,
        body: { ...newClient(), familyMembers: FAMILY },
      })),
    };
  }
  return {
    name: 'create client + 2 family (3 calls)',
    server: 'api',
    steps: [
      {
        next: (context) => {
          context.clinician = pick(counselors);
          return {
            method: 'POST',
            path: '/api/v1/clients',
            token: (context.clinician as Clinician).token,
            body: newClient(),
          };
        },
        onResponse: (_status, body, context) => {
          context.clientId = (JSON.parse(body) as { id?: string }).id;
        },
      },
      ...FAMILY.map((member) => ({
        next: (context: Context): BenchRequest => ({
          method: 'POST',
          path: `/api/v1/clients/${String(context.clientId)}/family-members`,
          token: (context.clinician as Clinician).token,
          body: member,
        }),
      })),
    ],
  };
}

/** The deepest page the search workloads read, where the caller's list reaches that far. */
export const DEEP_PAGE = 50;

/** The searches' page-50 cursors, walked once before measuring (see `findSearchPages`). */
export type SearchPages = Record<
  'admin' | 'supervisor' | 'counselor',
  { cursor?: string; page: number }
>;

/** Clients per search page. */
export const SEARCH_PAGE_SIZE = 20;

export function searchPath(cursor?: string): string {
  const query = new URLSearchParams({ search: SEARCH_TERM, limit: String(SEARCH_PAGE_SIZE) });
  if (cursor) query.set('cursor', cursor);
  return `/api/v1/clients?${query.toString()}`;
}

/** Who searches as which role: the admin, the first supervisor, the first counselor. */
export function searchers(fixture: Fixture): Record<keyof SearchPages, Clinician> {
  return {
    admin: fixture.admin,
    supervisor: withCaseload(fixture.supervisors)[0]!,
    counselor: withCaseload(fixture.counselors)[0]!,
  };
}

export function workloads(
  fixture: Fixture,
  oneCallPath: string | undefined,
  pages: SearchPages,
): Workload[] {
  const counselors = withCaseload(fixture.counselors);
  const supervisors = withCaseload(fixture.supervisors);
  const who = searchers(fixture);
  const search = (role: keyof SearchPages, deep: boolean): Workload => ({
    // A caseload too short for page 50 reads its deepest full page, and the name says so.
    name: !deep
      ? `search "${SEARCH_TERM}" p1 (${role})`
      : pages[role].page === DEEP_PAGE
        ? `search "${SEARCH_TERM}" p${DEEP_PAGE} (${role})`
        : `search "${SEARCH_TERM}" p${DEEP_PAGE}: deepest full is p${pages[role].page} (${role})`,
    server: 'api',
    steps: one(() => ({
      method: 'GET',
      path: searchPath(deep ? pages[role].cursor : undefined),
      token: who[role].token,
    })),
  });
  return [
    { name: 'read client', server: 'api', steps: one(readOne(fixture)) },
    {
      name: 'read client (floor)',
      server: 'floor',
      floorOf: 'read client',
      steps: one(readOne(fixture)),
    },
    {
      name: 'create client',
      server: 'api',
      steps: one(() => ({
        method: 'POST',
        path: '/api/v1/clients',
        token: pick(counselors).token,
        body: newClient(),
      })),
    },
    createWithFamily(fixture, oneCallPath),
    ...(['admin', 'supervisor', 'counselor'] as const).flatMap((role) => [
      search(role, false),
      search(role, true),
    ]),
    { name: 'book session', server: 'api', steps: one(() => book(fixture, pick(counselors))) },
    {
      name: 'create trust goal',
      server: 'api',
      steps: one(() => {
        const clinician = pick(counselors);
        const client = pick(clinician.caseload);
        return {
          method: 'POST',
          path: `/api/v1/clients/${client.id}/trust-goals`,
          token: clinician.token,
          body: {
            parties: [
              { party: 'client' },
              { party: 'family_member', familyMemberId: client.familyMemberIds[1] },
            ],
            strategy: 'consistency_and_reliability',
            description: 'Calls happen when promised.',
            baselineRating: 3,
            targetRating: 8,
          },
        };
      }),
    },
    ...(
      [
        ['counselor', counselors],
        ['supervisor', supervisors],
      ] as const
    ).map(([role, people]) => ({
      name: `${role} dashboard`,
      server: 'api' as const,
      steps: one(() => ({ method: 'GET', path: '/api/v1/dashboard', token: pick(people).token })),
    })),
    ...lone(counselors, supervisors),
  ];
}

/**
 * The reads whose cost should follow the caseload, not the practice's history, each by a single
 * caller: the latency one user waits for, which is what compares across BENCH_SCALE (issue 19).
 * The callers are drawn from the clinicians a scale-1 practice has (the first 240 counselors and
 * 10 supervisors the seed made) at every scale: so many callers touch as much data at scale 10 as
 * at scale 1, and what differs is the history around it, not how much of it a run reads cold.
 */
function lone(allCounselors: Clinician[], allSupervisors: Clinician[]): Workload[] {
  const scaleOne = seedSize(1).clinicians;
  const supervisors = allSupervisors.slice(0, Math.ceil(scaleOne / SUPERVISOR_EVERY));
  const counselors = allCounselors.slice(0, scaleOne - supervisors.length);
  const get = (name: string, request: () => BenchRequest): Workload => ({
    name: `${name} (lone)`,
    server: 'api',
    connections: 1,
    steps: one(request),
  });
  return [
    get('counselor dashboard', () => {
      const me = pick(counselors);
      return { method: 'GET', path: '/api/v1/dashboard', token: me.token };
    }),
    get('supervisor dashboard', () => {
      const me = pick(supervisors);
      return { method: 'GET', path: '/api/v1/dashboard', token: me.token };
    }),
    get('team dashboard', () => {
      const me = pick(supervisors);
      return { method: 'GET', path: '/api/v1/dashboard/team', token: me.token };
    }),
    get('client summary', () => {
      const me = pick(counselors);
      return {
        method: 'GET',
        path: `/api/v1/clients/${pick(me.caseload).id}/summary`,
        token: me.token,
      };
    }),
  ];
}

/**
 * The 200-counselor mix: each connection is one counselor (the first `count`), who in turn opens
 * the dashboard, reads one of their clients, books a session or records a check-in.
 */
export function counselorMix(fixture: Fixture, count: number): Workload {
  const people = withCaseload(fixture.counselors).slice(0, count);
  let connections = 0;
  return {
    name: `${people.length} counselors, mixed`,
    server: 'api',
    steps: one((context) => {
      context.counselor ??= people[connections++ % people.length];
      const me = context.counselor as Clinician;
      switch (Math.floor(Math.random() * 4)) {
        case 0:
          return { method: 'GET', path: '/api/v1/dashboard', token: me.token };
        case 1:
          return {
            method: 'GET',
            path: `/api/v1/clients/${pick(me.caseload).id}`,
            token: me.token,
          };
        case 2:
          return book(fixture, me);
        default:
          return checkIn(me);
      }
    }),
  };
}
