import request from 'supertest';
import { addFamilyMember, createClient } from '../factories/client.factory';
import { createSession } from '../factories/session.factory';
import { createGoal } from '../factories/trust-goal.factory';
import { form } from './intake-fixture';
import { createTeam } from '../factories/staff.factory';
import { bearer, tokenFor } from '../setup/auth';
import { startTestApp, type TestApp } from '../setup/test-app';
import { WEBHOOK_EVENT_TYPES } from '../../src/webhooks/webhook-event-types';

const ID_KEYS = [
  'practiceId',
  'clientId',
  'sessionId',
  'noteId',
  'goalId',
  'checkInId',
  'submissionId',
];

/** Which use cases write which events to the outbox (the delivery worker is off here). */
describe('webhook events', () => {
  let testApp: TestApp;

  beforeAll(async () => {
    testApp = await startTestApp();
  });
  afterAll(() => testApp?.close());

  const http = () => request(testApp.app.getHttpServer());

  it('emits client and session events with ids only, in the order of the changes', async () => {
    const { practice, admin, counselor } = await createTeam(testApp.dataSource);
    await http()
      .post('/api/v1/webhook-endpoints')
      .set('Authorization', bearer(await tokenFor(testApp.app, admin)))
      // A public address: registering never connects, and no worker runs in this app.
      .send({ url: 'https://93.184.215.14/hook', eventTypes: [...WEBHOOK_EVENT_TYPES] })
      .expect(201);
    const auth = bearer(await tokenFor(testApp.app, counselor));

    const client = await http()
      .post('/api/v1/clients')
      .set('Authorization', auth)
      .send({ firstName: 'Imani', lastName: 'Eventson', dateOfBirth: '1985-07-09' })
      .expect(201);
    const clientId = client.body.id as string;
    await http()
      .patch(`/api/v1/clients/${clientId}`)
      .set('Authorization', auth)
      .send({ pronouns: 'she/her' })
      .expect(200);
    await http()
      .post(`/api/v1/clients/${clientId}/status`)
      .set('Authorization', auth)
      .send({ status: 'active' })
      .expect(200);
    const slot = { startsAt: '2027-03-01T15:00:00Z', endsAt: '2027-03-01T15:50:00Z' };
    const session = await http()
      .post('/api/v1/therapy-sessions')
      .set('Authorization', auth)
      .send({ clientId, ...slot, modality: 'family', setting: 'in_person' })
      .expect(201);
    await http()
      .post(`/api/v1/therapy-sessions/${session.body.id}/reschedule`)
      .set('Authorization', auth)
      .send({ startsAt: '2027-03-02T15:00:00Z', endsAt: '2027-03-02T15:50:00Z' })
      .expect(200);
    await http()
      .post(`/api/v1/therapy-sessions/${session.body.id}/cancel`)
      .set('Authorization', auth)
      .send({ reason: 'Family emergency' })
      .expect(200);
    const past = await createSession(
      testApp.dataSource,
      { id: clientId, practiceId: practice.id, clientNumber: 0 },
      counselor.id,
    );
    await http()
      .post(`/api/v1/therapy-sessions/${past}/complete`)
      .set('Authorization', auth)
      .send({ attendees: [{ party: 'client' }] })
      .expect(200);

    const events = await testApp.dataSource.query<{ type: string; payload: { data: object } }[]>(
      `SELECT ev.type, ev.payload FROM webhook_events ev
         JOIN webhook_deliveries d ON d.practice_id = ev.practice_id AND d.event_id = ev.id
        WHERE ev.practice_id = $1 ORDER BY ev.created_at, d.created_at`,
      [practice.id],
    );
    expect(events.map((event) => event.type)).toEqual([
      'client.created',
      'client.updated',
      'client.status_changed',
      'session.scheduled',
      'session.rescheduled',
      'session.cancelled',
      'session.completed',
    ]);
    for (const { payload } of events) {
      expect(ID_KEYS).toEqual(expect.arrayContaining(Object.keys(payload.data)));
      expect(JSON.stringify(payload)).not.toMatch(/Imani|Eventson|1985|she\/her|emergency/i);
    }
    expect(events[6]!.payload.data).toEqual({ practiceId: practice.id, clientId, sessionId: past });
  });

  it('emits note, goal, check-in and intake events', async () => {
    const { practice, admin, counselor, intake } = await createTeam(testApp.dataSource);
    await http()
      .post('/api/v1/webhook-endpoints')
      .set('Authorization', bearer(await tokenFor(testApp.app, admin)))
      .send({ url: 'https://93.184.215.14/hook', eventTypes: [...WEBHOOK_EVENT_TYPES] })
      .expect(201);
    const auth = bearer(await tokenFor(testApp.app, counselor));
    const client = await createClient(testApp.dataSource, {
      practiceId: practice.id,
      primaryCounselorId: counselor.id,
    });
    const mother = await addFamilyMember(testApp.dataSource, client);

    const sessionId = await createSession(testApp.dataSource, client, counselor.id, {
      startsAt: new Date(Date.now() - 7_200_000),
      status: 'completed',
    });
    const note = `/api/v1/therapy-sessions/${sessionId}/note`;
    await http()
      .post(note)
      .set('Authorization', auth)
      .send({
        format: 'soap',
        content: { subjective: 'S', objective: 'O', assessment: 'A', plan: 'P' },
        riskLevel: 'none',
      })
      .expect(201);
    await http().post(`${note}/sign`).set('Authorization', auth).expect(200);

    const goal = await createGoal(testApp.dataSource, client, mother);
    const goalPath = `/api/v1/clients/${client.id}/trust-goals/${goal.id}`;
    const checkIn = await http()
      .post(`${goalPath}/check-ins`)
      .set('Authorization', auth)
      .send({
        occurredAt: new Date(Date.now() - 3_600_000).toISOString(),
        ratings: [
          { party: 'client', rating: 5 },
          { party: 'family_member', familyMemberId: mother, rating: 6 },
        ],
      })
      .expect(201);
    await http()
      .post(`${goalPath}/status`)
      .set('Authorization', auth)
      .send({ achievementStatus: 'improving' })
      .expect(200);

    const intakeAuth = bearer(await tokenFor(testApp.app, intake));
    const submission = await http()
      .post('/api/v1/intake-submissions')
      .set('Authorization', intakeAuth)
      .send(form())
      .expect(201);
    const accepted = await http()
      .post(`/api/v1/intake-submissions/${submission.body.id}/accept`)
      .set('Authorization', intakeAuth)
      .send({ primaryCounselorId: counselor.id })
      .expect(200);

    const events = await testApp.dataSource.query<{ type: string; data: object }[]>(
      `SELECT type, payload -> 'data' AS data FROM webhook_events
        WHERE practice_id = $1 ORDER BY created_at, id`,
      [practice.id],
    );
    const ids = { practiceId: practice.id };
    const newClientId = accepted.body.clientId as string;
    expect(events.slice(0, 4)).toEqual([
      {
        type: 'note.signed',
        data: { ...ids, clientId: client.id, sessionId, noteId: expect.any(String) },
      },
      {
        type: 'checkin.recorded',
        data: { ...ids, clientId: client.id, goalId: goal.id, checkInId: checkIn.body.id },
      },
      { type: 'goal.status_changed', data: { ...ids, clientId: client.id, goalId: goal.id } },
      { type: 'intake.submitted', data: { ...ids, submissionId: submission.body.id } },
    ]);
    // Acceptance emits both in one transaction (one created_at), so their order is not defined.
    expect(events.slice(4)).toHaveLength(2);
    expect(events.slice(4)).toEqual(
      expect.arrayContaining([
        { type: 'client.created', data: { ...ids, clientId: newClientId } },
        {
          type: 'intake.accepted',
          data: { ...ids, clientId: newClientId, submissionId: submission.body.id },
        },
      ]),
    );
  });

  it('writes nothing to the outbox of a practice without endpoints', async () => {
    const { practice, counselor } = await createTeam(testApp.dataSource);
    await http()
      .post('/api/v1/clients')
      .set('Authorization', bearer(await tokenFor(testApp.app, counselor)))
      .send({ firstName: 'Quiet', lastName: 'Practice', dateOfBirth: '1985-07-09' })
      .expect(201);
    const [row] = await testApp.dataSource.query<{ count: number }[]>(
      `SELECT count(*)::int AS count FROM webhook_events WHERE practice_id = $1`,
      [practice.id],
    );
    expect(row?.count).toBe(0);
  });
});
