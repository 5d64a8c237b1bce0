import { createHash } from 'node:crypto';
import request from 'supertest';
import { createTeam } from '../factories/staff.factory';
import { bearer, tokenFor } from '../setup/auth';
import { startTestApp, type TestApp } from '../setup/test-app';

export type Team = Awaited<ReturnType<typeof createTeam>>;

export const CONSENTS = [
  { key: 'treatment', version: '2026-01' },
  { key: 'privacy', version: '2026-01' },
  { key: 'telehealth', version: '2026-01' },
];

/** A complete, valid intake form; `client` fields can be overridden. */
export function form(client: Record<string, unknown> = {}, rest: Record<string, unknown> = {}) {
  return {
    client: {
      firstName: 'Maya',
      lastName: "O'Brien-Núñez",
      preferredName: 'May',
      dateOfBirth: '1998-04-02',
      pronouns: 'she/her',
      email: ' Maya.OBrien@Example.ORG ',
      phone: '+1 (555) 010-4477',
      ...client,
    },
    presentingConcerns: ['estrangement', 'trust_after_betrayal'],
    trustIndicators: ['difficulty_opening_up'],
    familyMembers: [
      { firstName: 'Grace', lastName: 'Núñez', relationship: 'mother', shouldTakePart: true },
      {
        firstName: 'Leo',
        relationship: 'sibling',
        email: 'leo@example.org',
        shouldTakePart: false,
      },
    ],
    preferredModality: 'family',
    availability: 'Weekday evenings after 6.\nSaturday mornings.',
    reasonForSeekingHelp: 'My mother and I have not spoken for two years; we want to try again.',
    emergencyContact: { name: 'Ruth Okafor', phone: '+1 555 0199', relationship: 'friend_support' },
    consents: CONSENTS,
    ...rest,
  };
}

/** What must read the same for every refused link (instance and requestId differ per request). */
export const refusal = (body: Record<string, unknown>) => ({
  type: body.type,
  title: body.title,
  status: body.status,
  detail: body.detail,
});

export const sha256 = (token: string) => createHash('sha256').update(token, 'utf8').digest();

/**
 * What the intake specs share: one app per spec file (started and closed around it), a practice of
 * its own per test, and the requests they repeat.
 */
export function intakeFixture() {
  let testApp: TestApp;
  beforeAll(async () => {
    testApp = await startTestApp();
  });
  afterAll(() => testApp.close());

  const http = () => request(testApp.app.getHttpServer());
  const db = () => testApp.dataSource;
  /** A GET that must answer 200. */
  const get = (path: string, auth: string) =>
    http().get(path).set('Authorization', auth).expect(200);

  async function setup() {
    const team = await createTeam(db());
    const auth = {
      intake: bearer(await tokenFor(testApp.app, team.intake)),
      counselor: bearer(await tokenFor(testApp.app, team.counselor)),
      supervisor: bearer(await tokenFor(testApp.app, team.supervisor)),
      admin: bearer(await tokenFor(testApp.app, team.admin)),
    };
    return { team, auth };
  }

  async function invite(auth: string, body: object = {}) {
    const response = await http()
      .post('/api/v1/intake-invitations')
      .set('Authorization', auth)
      .send(body)
      .expect(201);
    return response.body as { id: string; token: string; url: string; expiresAt: string };
  }

  async function staffEntry(auth: string, body: object = form()) {
    const response = await http()
      .post('/api/v1/intake-submissions')
      .set('Authorization', auth)
      .send(body)
      .expect(201);
    return response.body.id as string;
  }

  async function submissionCount(team: Team): Promise<number> {
    const [row] = await db().query<{ n: number }[]>(
      `SELECT count(*)::int AS n FROM intake_submissions WHERE practice_id = $1`,
      [team.practice.id],
    );
    return row!.n;
  }

  return {
    get testApp() {
      return testApp;
    },
    http,
    get,
    db,
    setup,
    invite,
    staffEntry,
    submissionCount,
  };
}
