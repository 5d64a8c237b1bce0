import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { addFamilyMember, createClient, type TestClient } from '../factories/client.factory';
import { createSession } from '../factories/session.factory';
import { createGoal } from '../factories/trust-goal.factory';
import { createTeam } from '../factories/staff.factory';
import { bearer, tokenFor } from '../setup/auth';
import type { TestApp } from '../setup/test-app';
import { CASE_RECORD_ROUTES } from './idempotency-case-routes';
import { form } from './intake-fixture';

/** One creating request, ready to send twice. */
export interface CreatingRequest {
  path: string;
  body: Record<string, unknown>;
  /** Authorization header; none for a public route. */
  auth?: string;
  /** Another valid body for the same route, for routes whose use case rejects unknown fields first. */
  other?: Record<string, unknown>;
}

export type Fixture = Awaited<ReturnType<typeof idempotencyFixture>>;

/** A practice, a client with a mother, and tokens: what every creating route needs. */
export async function idempotencyFixture(testApp: TestApp) {
  const team = await createTeam(testApp.dataSource);
  const client = await createClient(testApp.dataSource, {
    practiceId: team.practice.id,
    primaryCounselorId: team.counselor.id,
  });
  const mother = await addFamilyMember(testApp.dataSource, client, 'mother', 'Grace');
  const auth = {
    counselor: bearer(await tokenFor(testApp.app, team.counselor)),
    admin: bearer(await tokenFor(testApp.app, team.admin)),
    intake: bearer(await tokenFor(testApp.app, team.intake)),
  };
  return { testApp, team, client, mother, auth };
}

const http = (app: INestApplication) => request(app.getHttpServer());
const clientPath = (client: TestClient) => `/api/v1/clients/${client.id}`;
const parties = (mother: string) => [
  { party: 'client' },
  { party: 'family_member', familyMemberId: mother },
];
const ITEM = {
  category: 'time',
  setBy: { party: 'client' },
  boundary: 'No phone calls after 10 pm.',
  expectation: 'Text instead, unless it is an emergency.',
  responseIfCrossed: 'The call goes unanswered; we talk about it at the next session.',
};
let minutes = 0;
/** A distinct hour per request, so no two bookings of the spec collide. */
const nextSlot = () => {
  minutes += 120;
  const start = Date.UTC(2027, 2, 1, 8) + minutes * 60_000;
  return {
    startsAt: new Date(start).toISOString(),
    endsAt: new Date(start + 50 * 60_000).toISOString(),
  };
};

async function agreement(
  f: Fixture,
  status?: 'proposed' | 'active',
): Promise<{ url: string; itemId: string }> {
  const base = `${clientPath(f.client)}/boundary-agreements`;
  const created = await http(f.testApp.app)
    .post(base)
    .set('Authorization', f.auth.counselor)
    .send({ title: 'Evenings', parties: parties(f.mother), items: [ITEM] })
    .expect(201);
  const url = `${base}/${created.body.id}`;
  if (status) {
    await http(f.testApp.app)
      .post(`${url}/status`)
      .set('Authorization', f.auth.counselor)
      .send({ status: 'proposed' })
      .expect(200);
  }
  // An agreement may become active only once every party has acknowledged it.
  for (const party of status === 'active' ? parties(f.mother) : []) {
    await http(f.testApp.app)
      .post(`${url}/acknowledgments`)
      .set('Authorization', f.auth.counselor)
      .send({ party, method: 'in_session' })
      .expect(201);
  }
  if (status === 'active') {
    await http(f.testApp.app)
      .post(`${url}/status`)
      .set('Authorization', f.auth.counselor)
      .send({ status: 'active' })
      .expect(200);
  }
  return { url, itemId: (created.body.items as { id: string }[])[0]!.id };
}

async function completedSession(f: Fixture): Promise<string> {
  return createSession(f.testApp.dataSource, f.client, f.team.counselor.id, {
    startsAt: nextSlot().startsAt,
    status: 'completed',
  });
}

async function goal(f: Fixture): Promise<string> {
  const created = await createGoal(f.testApp.dataSource, f.client, f.mother);
  return `${clientPath(f.client)}/trust-goals/${created.id}`;
}

/**
 * Every route that answers 201 and takes `Idempotency-Key`, keyed `METHOD path` as the router
 * declares it. A creating route added without an entry here fails the enumeration test.
 */
/** A family case opened through the API by `auth`, with the client's mother as a member if asked. */
async function familyCase(f: Fixture, auth: string, withMother = false): Promise<string> {
  const opened = await http(f.testApp.app)
    .post('/api/v1/cases')
    .set('Authorization', auth)
    .send({ type: 'family', label: 'Family case' })
    .expect(201);
  const caseId = opened.body.id as string;
  if (withMother) {
    await http(f.testApp.app)
      .post(`/api/v1/cases/${caseId}/members`)
      .set('Authorization', auth)
      .send({ familyMemberId: f.mother, role: 'parent' })
      .expect(201);
  }
  return caseId;
}

export const CREATING_ROUTES: Record<
  string,
  (f: Fixture) => CreatingRequest | Promise<CreatingRequest>
> = {
  'POST /cases': (f) => ({
    path: '/api/v1/cases',
    auth: f.auth.counselor,
    body: { type: 'family', label: 'Okafor family' },
    other: { type: 'couple', label: 'Another case' },
  }),
  'POST /cases/:id/care-team': async (f) => ({
    path: `/api/v1/cases/${await familyCase(f, f.auth.counselor)}/care-team`,
    auth: f.auth.counselor,
    body: { staffId: f.team.supervisor.id, role: 'supervisor' },
    other: { staffId: f.team.trainee.id, role: 'co_therapist' },
  }),
  'POST /cases/:id/members': async (f) => ({
    path: `/api/v1/cases/${await familyCase(f, f.auth.counselor)}/members`,
    auth: f.auth.counselor,
    body: { familyMemberId: f.mother, role: 'parent' },
    other: { newPerson: { firstName: 'Ada' }, role: 'sibling' },
  }),
  'POST /cases/:id/members/:personId/client': async (f) => ({
    path: `/api/v1/cases/${await familyCase(f, f.auth.counselor, true)}/members/${f.mother}/client`,
    auth: f.auth.counselor,
    body: { dateOfBirth: '1961-04-02' },
    other: { dateOfBirth: '1961-04-03' },
  }),
  ...CASE_RECORD_ROUTES,
  'POST /cases/:caseId/emergency-access': async (f) => ({
    path: `/api/v1/cases/${await familyCase(f, f.auth.admin)}/emergency-access`,
    auth: f.auth.counselor,
    body: { reason: 'The family called in crisis; its counselor cannot be reached.' },
  }),
  'POST /clients': (f) => ({
    path: '/api/v1/clients',
    auth: f.auth.counselor,
    body: { firstName: 'Maya', lastName: 'Okafor', dateOfBirth: '2001-04-02' },
    other: { firstName: 'Maya', lastName: 'Okafor', dateOfBirth: '2001-04-03' },
  }),
  'POST /clients/:clientId/family-members': (f) => ({
    path: `${clientPath(f.client)}/family-members`,
    auth: f.auth.counselor,
    body: { firstName: 'Ruth', relationship: 'grandparent' },
    other: { firstName: 'Ruth', relationship: 'other_family' },
  }),
  'POST /clients/:clientId/care-team': (f) => ({
    path: `${clientPath(f.client)}/care-team`,
    auth: f.auth.admin,
    body: { staffId: f.team.supervisor.id, role: 'supervisor' },
  }),
  'POST /clients/:clientId/emergency-access': async (f) => ({
    path: `${clientPath(await createClient(f.testApp.dataSource, { practiceId: f.team.practice.id }))}/emergency-access`,
    auth: f.auth.counselor,
    body: { reason: 'Client called in crisis; the primary counselor cannot be reached.' },
  }),
  'POST /clients/:clientId/psychotherapy-notes': (f) => ({
    path: `${clientPath(f.client)}/psychotherapy-notes`,
    auth: f.auth.counselor,
    body: { text: 'Process note: my own reaction to the family’s silence.' },
    other: { text: 'Another process note.' },
  }),
  'POST /clients/:clientId/boundary-agreements': (f) => ({
    path: `${clientPath(f.client)}/boundary-agreements`,
    auth: f.auth.counselor,
    body: { title: 'Evenings', parties: parties(f.mother), items: [ITEM] },
  }),
  'POST /clients/:clientId/boundary-agreements/:agreementId/acknowledgments': async (f) => ({
    path: `${(await agreement(f, 'proposed')).url}/acknowledgments`,
    auth: f.auth.counselor,
    body: { party: { party: 'client' }, method: 'in_session' },
  }),
  'POST /clients/:clientId/boundary-agreements/:agreementId/violations': async (f) => {
    const { url, itemId } = await agreement(f, 'active');
    return {
      path: `${url}/violations`,
      auth: f.auth.counselor,
      body: {
        itemId,
        reportedBy: { party: 'family_member', familyMemberId: f.mother },
        occurredAt: '2026-11-30T21:30:00Z',
        severity: 'minor',
        description: 'Called late after a hard day.',
      },
    };
  },
  'POST /clients/:clientId/trust-goals': (f) => ({
    path: `${clientPath(f.client)}/trust-goals`,
    auth: f.auth.counselor,
    body: {
      parties: parties(f.mother),
      strategy: 'consistency_and_reliability',
      description: 'Grace can count on Maya’s word again.',
      baselineRating: 3,
      targetRating: 7,
      startDate: '2026-10-01',
    },
    other: {
      parties: parties(f.mother),
      strategy: 'consistency_and_reliability',
      description: 'Another goal.',
      baselineRating: 2,
      targetRating: 7,
      startDate: '2026-10-01',
    },
  }),
  'POST /clients/:clientId/trust-goals/:goalId/commitments': async (f) => ({
    path: `${await goal(f)}/commitments`,
    auth: f.auth.counselor,
    body: { owner: { party: 'client' }, description: 'Call every Sunday', cadence: 'weekly' },
    other: { owner: { party: 'client' }, description: 'Call every Monday', cadence: 'weekly' },
  }),
  'POST /clients/:clientId/trust-goals/:goalId/check-ins': async (f) => ({
    path: `${await goal(f)}/check-ins`,
    auth: f.auth.counselor,
    body: { occurredAt: '2026-11-30T18:00:00Z', ratings: [{ party: 'client', rating: 5 }] },
    other: { occurredAt: '2026-11-30T18:00:00Z', ratings: [{ party: 'client', rating: 6 }] },
  }),
  'POST /clients/:clientId/trust-goals/:goalId/milestones': async (f) => ({
    path: `${await goal(f)}/milestones`,
    auth: f.auth.counselor,
    body: { title: 'Four Sunday calls in a row', targetDate: '2027-01-10' },
    other: { title: 'Five Sunday calls in a row', targetDate: '2027-01-10' },
  }),
  'POST /clients/:clientId/trust-goals/:goalId/setbacks': async (f) => ({
    path: `${await goal(f)}/setbacks`,
    auth: f.auth.counselor,
    body: {
      kind: 'relapse',
      severity: 'major',
      occurredAt: '2026-11-28T22:00:00Z',
      description: 'Drank at a party and missed the Sunday call.',
      responsePlan: 'Daily meetings for 30 days.',
    },
    other: {
      kind: 'relapse',
      severity: 'minor',
      occurredAt: '2026-11-28T22:00:00Z',
      description: 'Drank at a party and missed the Sunday call.',
      responsePlan: 'Daily meetings for 30 days.',
    },
  }),
  'POST /therapy-sessions': (f) => ({
    path: '/api/v1/therapy-sessions',
    auth: f.auth.counselor,
    body: { clientId: f.client.id, ...nextSlot(), modality: 'family', setting: 'in_person' },
  }),
  'POST /therapy-sessions/series': (f) => ({
    path: '/api/v1/therapy-sessions/series',
    auth: f.auth.counselor,
    body: {
      clientId: f.client.id,
      ...nextSlot(),
      modality: 'family',
      setting: 'telehealth',
      recurrence: { frequency: 'weekly', count: 2 },
    },
  }),
  'POST /therapy-sessions/:sessionId/note': async (f) => ({
    path: `/api/v1/therapy-sessions/${await completedSession(f)}/note`,
    auth: f.auth.counselor,
    body: { format: 'soap', content: { subjective: 'Reports three weeks sober.' } },
  }),
  'POST /therapy-sessions/:sessionId/note/addenda': async (f) => {
    const note = `/api/v1/therapy-sessions/${await completedSession(f)}/note`;
    const app = f.testApp.app;
    await http(app)
      .post(note)
      .set('Authorization', f.auth.counselor)
      .send({ format: 'free', content: { text: 'Seen with her mother.' }, riskLevel: 'low' })
      .expect(201);
    await http(app).post(`${note}/sign`).set('Authorization', f.auth.counselor).expect(200);
    return {
      path: `${note}/addenda`,
      auth: f.auth.counselor,
      body: { text: 'Mother called: the plan held over the weekend.' },
    };
  },
  'POST /intake-submissions': (f) => ({
    path: '/api/v1/intake-submissions',
    auth: f.auth.intake,
    body: form(),
    other: form({ firstName: 'Other' }),
  }),
  'POST /intake/:token': async (f) => {
    const invitation = await http(f.testApp.app)
      .post('/api/v1/intake-invitations')
      .set('Authorization', f.auth.intake)
      .send({})
      .expect(201);
    return {
      path: `/api/v1/intake/${invitation.body.token}`,
      body: form(),
      other: form({ firstName: 'Other' }),
    };
  },
};
