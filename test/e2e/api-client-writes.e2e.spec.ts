import request from 'supertest';
import { createClient, type TestClient } from '../factories/client.factory';
import { createSession } from '../factories/session.factory';
import { createStaff, createTeam, type TestStaff } from '../factories/staff.factory';
import { createApiClient, EVERY_SCOPE } from '../setup/api-keys';
import { bearer, tokenFor } from '../setup/auth';
import { startTestApp, type TestApp } from '../setup/test-app';

const hoursFromNow = (hours: number) => new Date(Date.now() + hours * 3_600_000).toISOString();

/** What practice software may write: bookings and client records, never a clinician's own acts. */
describe('API client writes', () => {
  let testApp: TestApp;
  let team: Awaited<ReturnType<typeof createTeam>>;
  let otherCounselor: TestStaff;
  let mine: TestClient;
  let admin: string;
  let booking: { id: string; key: string };

  beforeAll(async () => {
    testApp = await startTestApp();
    team = await createTeam(testApp.dataSource);
    otherCounselor = await createStaff(testApp.dataSource, {
      practiceId: team.practice.id,
      role: 'counselor',
    });
    mine = await createClient(testApp.dataSource, {
      practiceId: team.practice.id,
      primaryCounselorId: team.counselor.id,
    });
    admin = bearer(await tokenFor(testApp.app, team.admin));
    booking = await createApiClient(testApp.app, admin, {
      scopes: ['sessions:read', 'sessions:write', 'clients:write'],
      caseloadStaffIds: [team.counselor.id],
    });
  });
  afterAll(() => testApp.close());

  const post = (path: string, key: string, body: object = {}) =>
    request(testApp.app.getHttpServer())
      .post(`/api/v1${path}`)
      .set('Authorization', bearer(key))
      .send(body);
  const session = (counselorId: string, startHours: number) => ({
    clientId: mine.id,
    counselorId,
    startsAt: hoursFromNow(startHours),
    endsAt: hoursFromNow(startHours + 1),
    modality: 'family',
    setting: 'telehealth',
  });

  it('books, reschedules and cancels a session for a counselor of its caseload', async () => {
    const booked = await post(
      '/therapy-sessions',
      booking.key,
      session(team.counselor.id, 48),
    ).expect(201);
    const sessionId = booked.body.id as string;
    expect(booked.body).toMatchObject({ counselorId: team.counselor.id, status: 'scheduled' });
    const [row] = await testApp.dataSource.query<{ created_by: string }[]>(
      `SELECT created_by FROM therapy_sessions WHERE practice_id = $1 AND id = $2`,
      [team.practice.id, sessionId],
    );
    // The stored author is the admin answerable for the API client; the audit names the client.
    expect(row!.created_by).toBe(team.admin.id);

    await post(`/therapy-sessions/${sessionId}/reschedule`, booking.key, {
      startsAt: hoursFromNow(72),
      endsAt: hoursFromNow(73),
    }).expect(200);
    const cancelled = await post(`/therapy-sessions/${sessionId}/cancel`, booking.key, {
      reason: 'Family asked to move it',
    }).expect(200);
    expect(cancelled.body.status).toBe('cancelled');

    const events = await testApp.dataSource.query<{ action: string }[]>(
      `SELECT action FROM audit_events
        WHERE practice_id = $1 AND actor_type = 'api_client' AND actor_id = $2
          AND resource_type = 'therapy_session' AND resource_id = $3
        ORDER BY occurred_at, id`,
      [team.practice.id, booking.id, sessionId],
    );
    expect(events.map((e) => e.action)).toEqual(['create', 'update', 'status_change']);
  });

  it('refuses a counselor outside its caseload (422 naming counselorId)', async () => {
    const response = await post(
      '/therapy-sessions',
      booking.key,
      session(otherCounselor.id, 96),
    ).expect(422);
    expect(response.body).toMatchObject({
      type: 'urn:family-therapy:problem:counselor-outside-caseload',
      errors: [expect.objectContaining({ field: 'counselorId' })],
    });
  });

  it('refuses booking to a key without sessions:write', async () => {
    const reader = await createApiClient(testApp.app, admin, { scopes: ['sessions:read'] });
    const response = await post(
      '/therapy-sessions',
      reader.key,
      session(team.counselor.id, 120),
    ).expect(403);
    expect(response.body).toMatchObject({ requiredScope: 'sessions:write' });
  });

  it('opens a client under a primary counselor of its caseload, and only so', async () => {
    const body = { firstName: 'Noor', lastName: 'Haddad', dateOfBirth: '1991-04-12' };
    const refused = await post('/clients', booking.key, body).expect(422);
    expect(refused.body.type).toBe('urn:family-therapy:problem:primary-counselor-outside-caseload');
    const created = await post('/clients', booking.key, {
      ...body,
      primaryCounselorId: team.counselor.id,
    }).expect(201);
    const [row] = await testApp.dataSource.query<{ created_by: string }[]>(
      `SELECT created_by FROM clients WHERE practice_id = $1 AND id = $2`,
      [team.practice.id, created.body.id],
    );
    expect(row!.created_by).toBe(team.admin.id);
  });

  it('never signs, writes or completes with a key, whatever its scopes (403 staff-author-required)', async () => {
    const everything = await createApiClient(testApp.app, admin, { scopes: EVERY_SCOPE });
    const past = await createSession(testApp.dataSource, mine, team.counselor.id, {
      startsAt: new Date(Date.now() - 2 * 3_600_000),
      status: 'completed',
    });
    const attempts = [
      `/therapy-sessions/${past}/note/sign`,
      `/therapy-sessions/${past}/note/cosign`,
      `/therapy-sessions/${past}/note`,
      `/therapy-sessions/${past}/complete`,
    ];
    for (const path of attempts) {
      const response = await post(path, everything.key).expect(403);
      expect(response.body).toMatchObject({
        type: 'urn:family-therapy:problem:staff-author-required',
        status: 403,
      });
    }
    const [denied] = await testApp.dataSource.query<{ n: number }[]>(
      `SELECT count(*)::int AS n FROM audit_events
        WHERE actor_type = 'api_client' AND actor_id = $1 AND action = 'access_denied'
          AND metadata ->> 'staffAuthorRequired' = 'true'`,
      [everything.id],
    );
    expect(denied!.n).toBe(attempts.length);
  });
});
