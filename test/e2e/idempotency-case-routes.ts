import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import type { CreatingRequest, Fixture } from './idempotency-routes';

const http = (app: INestApplication) => request(app.getHttpServer());
const ITEM = {
  category: 'time',
  boundary: 'No phone calls after 10 pm.',
  expectation: 'Text instead, unless it is an emergency.',
  responseIfCrossed: 'The call goes unanswered; we talk about it at the next session.',
};

/** A family case holding the client and their mother as persons; its path and both parties. */
async function caseOfTwo(f: Fixture): Promise<{ path: string; parties: object[] }> {
  const opened = await http(f.testApp.app)
    .post('/api/v1/cases')
    .set('Authorization', f.auth.counselor)
    .send({ type: 'family', label: 'Family case' })
    .expect(201);
  const caseId = opened.body.id as string;
  await http(f.testApp.app)
    .post(`/api/v1/cases/${caseId}/members`)
    .set('Authorization', f.auth.counselor)
    .send({ familyMemberId: f.mother, role: 'parent' })
    .expect(201);
  await http(f.testApp.app)
    .post(`/api/v1/cases/${caseId}/members`)
    .set('Authorization', f.auth.counselor)
    .send({ clientId: f.client.id, role: 'identified_client' })
    .expect(201);
  const [client] = await f.testApp.dataSource.query<{ person_id: string }[]>(
    `SELECT person_id FROM clients WHERE id = $1`,
    [f.client.id],
  );
  return {
    path: `/api/v1/cases/${caseId}`,
    parties: [
      { party: 'person', personId: client!.person_id },
      { party: 'person', personId: f.mother },
    ],
  };
}

async function caseGoal(f: Fixture): Promise<{ path: string; parties: object[] }> {
  const held = await caseOfTwo(f);
  const created = await http(f.testApp.app)
    .post(`${held.path}/trust-goals`)
    .set('Authorization', f.auth.counselor)
    .send({
      parties: held.parties,
      strategy: 'consistency_and_reliability',
      description: 'Both keep the Sunday call.',
      baselineRating: 3,
      targetRating: 7,
      lifecycleStatus: 'active',
    })
    .expect(201);
  return { path: `${held.path}/trust-goals/${created.body.id}`, parties: held.parties };
}

/** The creating routes of the agreements and goals a family case holds. */
export const CASE_RECORD_ROUTES: Record<
  string,
  (f: Fixture) => CreatingRequest | Promise<CreatingRequest>
> = {
  'POST /cases/:caseId/boundary-agreements': async (f) => {
    const held = await caseOfTwo(f);
    return {
      path: `${held.path}/boundary-agreements`,
      auth: f.auth.counselor,
      body: { title: 'Evenings', parties: held.parties },
      other: { title: 'Mornings', parties: held.parties },
    };
  },
  'POST /cases/:caseId/boundary-agreements/:agreementId/acknowledgments': async (f) => {
    const held = await caseOfTwo(f);
    const app = f.testApp.app;
    const created = await http(app)
      .post(`${held.path}/boundary-agreements`)
      .set('Authorization', f.auth.counselor)
      .send({
        title: 'Evenings',
        parties: held.parties,
        items: [{ ...ITEM, setBy: held.parties[0] }],
      })
      .expect(201);
    const url = `${held.path}/boundary-agreements/${created.body.id}`;
    await http(app)
      .post(`${url}/status`)
      .set('Authorization', f.auth.counselor)
      .send({ status: 'proposed' })
      .expect(200);
    return {
      path: `${url}/acknowledgments`,
      auth: f.auth.counselor,
      body: { party: held.parties[0], method: 'in_session' },
      other: { party: held.parties[1], method: 'in_session' },
    };
  },
  'POST /cases/:caseId/trust-goals': async (f) => {
    const held = await caseOfTwo(f);
    const body = {
      parties: held.parties,
      strategy: 'consistency_and_reliability',
      baselineRating: 3,
      targetRating: 7,
    };
    return {
      path: `${held.path}/trust-goals`,
      auth: f.auth.counselor,
      body: { ...body, description: 'Both keep the Sunday call.' },
      other: { ...body, description: 'Another goal.' },
    };
  },
  'POST /cases/:caseId/trust-goals/:goalId/check-ins': async (f) => {
    const goal = await caseGoal(f);
    const rating = (value: number) => [{ ...goal.parties[0], rating: value }];
    return {
      path: `${goal.path}/check-ins`,
      auth: f.auth.counselor,
      body: { occurredAt: '2026-11-30T18:00:00Z', ratings: rating(5) },
      other: { occurredAt: '2026-11-30T18:00:00Z', ratings: rating(6) },
    };
  },
  'POST /cases/:caseId/trust-goals/:goalId/commitments': async (f) => {
    const goal = await caseGoal(f);
    const body = { owner: goal.parties[0], cadence: 'weekly' };
    return {
      path: `${goal.path}/commitments`,
      auth: f.auth.counselor,
      body: { ...body, description: 'Call every Sunday' },
      other: { ...body, description: 'Call every Monday' },
    };
  },
  'POST /cases/:caseId/trust-goals/:goalId/milestones': async (f) => ({
    path: `${(await caseGoal(f)).path}/milestones`,
    auth: f.auth.counselor,
    body: { title: 'Four Sunday calls in a row' },
    other: { title: 'Five Sunday calls in a row' },
  }),
  'POST /cases/:caseId/trust-goals/:goalId/setbacks': async (f) => {
    const body = {
      kind: 'relapse',
      occurredAt: '2026-11-28T22:00:00Z',
      description: 'Missed the Sunday call.',
      responsePlan: 'Daily meetings for 30 days.',
    };
    return {
      path: `${(await caseGoal(f)).path}/setbacks`,
      auth: f.auth.counselor,
      body: { ...body, severity: 'major' },
      other: { ...body, severity: 'minor' },
    };
  },
  'POST /cases/:caseId/boundary-agreements/:agreementId/violations': async (f) => {
    const held = await caseOfTwo(f);
    const app = f.testApp.app;
    const created = await http(app)
      .post(`${held.path}/boundary-agreements`)
      .set('Authorization', f.auth.counselor)
      .send({
        title: 'Evenings',
        parties: held.parties,
        items: [{ ...ITEM, setBy: held.parties[0] }],
      })
      .expect(201);
    const url = `${held.path}/boundary-agreements/${created.body.id}`;
    await http(app)
      .post(`${url}/status`)
      .set('Authorization', f.auth.counselor)
      .send({ status: 'proposed' })
      .expect(200);
    for (const party of held.parties) {
      await http(app)
        .post(`${url}/acknowledgments`)
        .set('Authorization', f.auth.counselor)
        .send({ party, method: 'in_session' })
        .expect(201);
    }
    await http(app)
      .post(`${url}/status`)
      .set('Authorization', f.auth.counselor)
      .send({ status: 'active' })
      .expect(200);
    return {
      path: `${url}/violations`,
      auth: f.auth.counselor,
      body: {
        itemId: created.body.items[0].id,
        reportedBy: held.parties[1],
        occurredAt: '2026-11-30T21:30:00Z',
        severity: 'minor',
        description: 'Called late after a hard day.',
      },
    };
  },
};
