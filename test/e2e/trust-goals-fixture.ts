import request from 'supertest';
import {
  addBoundaryItem,
  createAgreement,
  reportViolation,
} from '../factories/boundary-agreement.factory';
import { addFamilyMember, createClient, type TestClient } from '../factories/client.factory';
import { createTeam } from '../factories/staff.factory';
import { bearer, tokenFor } from '../setup/auth';
import { startTestApp, type TestApp } from '../setup/test-app';

export const DAY_MS = 86_400_000;
export const daysAgo = (days: number, hours = 0) =>
  new Date(Date.now() - days * DAY_MS - hours * 3_600_000).toISOString();

/**
 * What the trust-goal specs share: one app per spec file (started and closed around it), a
 * practice of its own per test, and the requests and reads they repeat.
 */
export function trustGoalsFixture() {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(() => app.close());

  const http = () => request(app.app.getHttpServer());
  /** A GET that must answer 200. */
  const get = (path: string, auth: string) =>
    http().get(path).set('Authorization', auth).expect(200);
  const sql = <T>(text: string, params: unknown[] = []) => app.dataSource.query<T>(text, params);

  /** A practice of its own: a team, a client of the counselor's with a mother and a father. */
  async function setup() {
    const team = await createTeam(app.dataSource);
    const client = await createClient(app.dataSource, {
      practiceId: team.practice.id,
      primaryCounselorId: team.counselor.id,
      firstName: 'Maya',
    });
    const mother = await addFamilyMember(app.dataSource, client, 'mother', 'Grace');
    const father = await addFamilyMember(app.dataSource, client, 'father', 'Daniel');
    const auth = bearer(await tokenFor(app.app, team.counselor));
    const goals = `/api/v1/clients/${client.id}/trust-goals`;
    return { team, client, mother, father, auth, goals };
  }
  type Setup = Awaited<ReturnType<typeof setup>>;

  const goalBody = (mother: string, extra: Record<string, unknown> = {}) => ({
    parties: [{ party: 'client' }, { party: 'family_member', familyMemberId: mother }],
    strategy: 'consistency_and_reliability',
    description: 'Grace can count on Maya’s word again.',
    baselineRating: 3,
    targetRating: 7,
    startDate: daysAgo(60).slice(0, 10),
    ...extra,
  });

  /** An active goal between the client and the mother. */
  async function activeGoal(s: Setup, extra: Record<string, unknown> = {}): Promise<string> {
    const created = await http()
      .post(s.goals)
      .set('Authorization', s.auth)
      .send(goalBody(s.mother, { lifecycleStatus: 'active', ...extra }))
      .expect(201);
    return created.body.id as string;
  }

  const checkIn = (s: Setup, goalId: string, body: Record<string, unknown>) =>
    http().post(`${s.goals}/${goalId}/check-ins`).set('Authorization', s.auth).send(body);

  const ratings = (s: Setup, client: number, mother: number) => [
    { party: 'client', rating: client },
    { party: 'family_member', familyMemberId: s.mother, rating: mother },
  ];

  /** A minor violation, three days ago, of an active agreement's one item. */
  async function boundaryViolation(client: TestClient, counselorId: string): Promise<string> {
    const agreement = await createAgreement(app.dataSource, client, counselorId);
    const item = await addBoundaryItem(app.dataSource, agreement);
    return reportViolation(app.dataSource, agreement, item);
  }

  const auditOf = (clientId: string) =>
    sql<
      {
        action: string;
        resource_type: string;
        resource_id: string | null;
        actor_id: string | null;
        changed_fields: string[];
        metadata: Record<string, unknown>;
      }[]
    >(
      `SELECT action, resource_type, resource_id, actor_id, changed_fields, metadata FROM audit_events
        WHERE client_id = $1 AND resource_type LIKE '%goal%' ORDER BY occurred_at, id`,
      [clientId],
    );

  return {
    get testApp() {
      return app;
    },
    http,
    get,
    sql,
    setup,
    goalBody,
    activeGoal,
    checkIn,
    ratings,
    boundaryViolation,
    auditOf,
  };
}
