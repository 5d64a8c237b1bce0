import request from 'supertest';
import { createClient, type TestClient } from '../factories/client.factory';
import { createSession } from '../factories/session.factory';
import { createStaff, createTeam, type TestStaff } from '../factories/staff.factory';
import { createApiClient, EVERY_SCOPE } from '../setup/api-keys';
import { bearer, tokenFor } from '../setup/auth';
import { startTestApp, type TestApp } from '../setup/test-app';

/** What practice software reaches with an API key: its scopes, its caseload, never process notes. */
describe('API client access', () => {
  let testApp: TestApp;
  let team: Awaited<ReturnType<typeof createTeam>>;
  let otherCounselor: TestStaff;
  let mine: TestClient;
  let theirs: TestClient;
  let admin: string;
  let counselor: string;

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
    theirs = await createClient(testApp.dataSource, {
      practiceId: team.practice.id,
      primaryCounselorId: otherCounselor.id,
    });
    admin = bearer(await tokenFor(testApp.app, team.admin));
    counselor = bearer(await tokenFor(testApp.app, team.counselor));
  });
  afterAll(() => testApp.close());

  const get = (path: string, authorization: string) =>
    request(testApp.app.getHttpServer()).get(`/api/v1${path}`).set('Authorization', authorization);

  describe('scopes', () => {
    it('refuses a route whose scope the key lacks with 403 naming the scope, and audits it', async () => {
      const { id, key } = await createApiClient(testApp.app, admin, { scopes: ['sessions:read'] });
      const response = await get('/clients', bearer(key)).expect(403);
      expect(response.body).toMatchObject({
        type: 'urn:family-therapy:problem:insufficient-scope',
        requiredScope: 'clients:read',
      });
      await get('/therapy-sessions', bearer(key)).expect(200);
      const [denied] = await testApp.dataSource.query<{ n: number }[]>(
        `SELECT count(*)::int AS n FROM audit_events
          WHERE actor_type = 'api_client' AND actor_id = $1 AND action = 'access_denied'
            AND resource_id = 'GET /api/v1/clients'`,
        [id],
      );
      expect(denied!.n).toBe(1);
    });

    it('refuses routes mapped to no scope, whatever the key holds (default deny)', async () => {
      const { key } = await createApiClient(testApp.app, admin, { scopes: EVERY_SCOPE });
      for (const path of ['/staff', '/dashboard', '/api-clients', '/me']) {
        const response = await get(path, bearer(key)).expect(403);
        expect(response.body).toMatchObject({ requiredScope: null });
      }
    });

    it('leaves staff as they were on a route open to API keys', async () => {
      await get('/clients', counselor).expect(200);
      await get(`/clients/${theirs.id}`, counselor).expect(404);
    });
  });

  describe('session notes', () => {
    it('are read with notes:read, only within the caseload', async () => {
      const note = (sessionId: string) => `/therapy-sessions/${sessionId}/note`;
      const write = async (of: TestClient, counselorId: string, authorization: string) => {
        const sessionId = await createSession(testApp.dataSource, of, counselorId, {
          startsAt: new Date(Date.now() - 7_200_000),
          status: 'completed',
        });
        await request(testApp.app.getHttpServer())
          .post(`/api/v1${note(sessionId)}`)
          .set('Authorization', authorization)
          .send({ format: 'soap', content: { subjective: 'Reports calmer Sunday calls.' } })
          .expect(201);
        return sessionId;
      };
      const mySession = await write(mine, team.counselor.id, counselor);
      const theirSession = await write(
        theirs,
        otherCounselor.id,
        bearer(await tokenFor(testApp.app, otherCounselor)),
      );
      const reader = await createApiClient(testApp.app, admin, {
        scopes: ['notes:read'],
        caseloadStaffIds: [team.counselor.id],
      });
      const sessionsOnly = await createApiClient(testApp.app, admin, { scopes: ['sessions:read'] });

      const read = await get(note(mySession), bearer(reader.key)).expect(200);
      expect(read.body).toMatchObject({ sessionId: mySession, format: 'soap' });
      await get(note(theirSession), bearer(reader.key)).expect(404);
      const refused = await get(note(mySession), bearer(sessionsOnly.key)).expect(403);
      expect(refused.body.requiredScope).toBe('notes:read');
    });
  });

  describe('sessions:write', () => {
    it('reschedules a session of the caseload, audited as the API client', async () => {
      const { id, key } = await createApiClient(testApp.app, admin, {
        scopes: ['sessions:write'],
        caseloadStaffIds: [team.counselor.id],
      });
      const startsAt = new Date(Date.now() + 30 * 86_400_000);
      const sessionId = await createSession(testApp.dataSource, mine, team.counselor.id, {
        startsAt,
      });
      const theirSession = await createSession(testApp.dataSource, theirs, otherCounselor.id, {
        startsAt,
      });
      const moved = {
        startsAt: new Date(startsAt.getTime() + 86_400_000).toISOString(),
        endsAt: new Date(startsAt.getTime() + 86_400_000 + 3_000_000).toISOString(),
      };
      const reschedule = (session: string) =>
        request(testApp.app.getHttpServer())
          .post(`/api/v1/therapy-sessions/${session}/reschedule`)
          .set('Authorization', bearer(key))
          .send(moved);
      await reschedule(sessionId).expect(200);
      await reschedule(theirSession).expect(404);
      const events = await testApp.dataSource.query(
        `SELECT 1 FROM audit_events WHERE actor_type = 'api_client' AND actor_id = $1
            AND action = 'update' AND resource_id = $2`,
        [id, sessionId],
      );
      expect(events).toHaveLength(1);
    });
  });

  describe('psychotherapy notes', () => {
    it('answer 404, as if absent, even to a key holding every scope', async () => {
      const written = await request(testApp.app.getHttpServer())
        .post(`/api/v1/clients/${mine.id}/psychotherapy-notes`)
        .set('Authorization', counselor)
        .send({ text: 'Process note the integration must never see.' })
        .expect(201);
      const noteId = (written.body as { id: string }).id;
      const { key } = await createApiClient(testApp.app, admin, { scopes: EVERY_SCOPE });

      for (const path of [
        `/clients/${mine.id}/psychotherapy-notes`,
        `/psychotherapy-notes/${noteId}`,
      ]) {
        const response = await get(path, bearer(key)).expect(404);
        expect(response.body.type).toBe('urn:family-therapy:problem:not-found');
        expect(JSON.stringify(response.body)).not.toContain('Process note');
      }
      const update = await request(testApp.app.getHttpServer())
        .patch(`/api/v1/psychotherapy-notes/${noteId}`)
        .set('Authorization', bearer(key))
        .send({ text: 'overwritten' });
      expect(update.status).toBe(404);
      // The author still reads it: the refusal is about the API client, not the note.
      await get(`/psychotherapy-notes/${noteId}`, counselor).expect(200);
    });
  });

  describe('caseload', () => {
    it('reaches only the clients on the listed counselors’ care teams, in lists and by id', async () => {
      const { key } = await createApiClient(testApp.app, admin, {
        scopes: ['clients:read', 'sessions:read'],
        caseloadStaffIds: [team.counselor.id],
      });
      const mySession = await createSession(testApp.dataSource, mine, team.counselor.id);
      const theirSession = await createSession(testApp.dataSource, theirs, otherCounselor.id);

      const clients = await get('/clients?limit=200', bearer(key)).expect(200);
      const ids = (clients.body.data as { id: string }[]).map((client) => client.id);
      expect(ids).toContain(mine.id);
      expect(ids).not.toContain(theirs.id);
      await get(`/clients/${mine.id}`, bearer(key)).expect(200);
      await get(`/clients/${theirs.id}`, bearer(key)).expect(404);
      await get(`/clients/${theirs.id}/family-members`, bearer(key)).expect(404);

      const sessions = await get('/therapy-sessions?limit=200', bearer(key)).expect(200);
      const sessionIds = (sessions.body.data as { id: string }[]).map((session) => session.id);
      expect(sessionIds).toContain(mySession);
      expect(sessionIds).not.toContain(theirSession);
      await get(`/therapy-sessions/${theirSession}`, bearer(key)).expect(404);
    });

    it('reaches the whole practice when no caseload is given, and never another practice', async () => {
      const { key } = await createApiClient(testApp.app, admin, { scopes: ['clients:read'] });
      const elsewhere = await createTeam(testApp.dataSource);
      const foreign = await createClient(testApp.dataSource, {
        practiceId: elsewhere.practice.id,
        primaryCounselorId: elsewhere.counselor.id,
      });
      await get(`/clients/${theirs.id}`, bearer(key)).expect(200);
      await get(`/clients/${foreign.id}`, bearer(key)).expect(404);
    });
  });

  describe('audit trail', () => {
    it('records reads, lists, writes and denials with the API client as actor', async () => {
      const { id, key } = await createApiClient(testApp.app, admin, {
        scopes: ['clients:read', 'clients:write'],
        caseloadStaffIds: [team.counselor.id],
      });
      await get(`/clients/${mine.id}`, bearer(key)).expect(200);
      await get('/clients', bearer(key)).expect(200);
      await request(testApp.app.getHttpServer())
        .patch(`/api/v1/clients/${mine.id}`)
        .set('Authorization', bearer(key))
        .send({ pronouns: 'she/her' })
        .expect(200);
      await get(`/clients/${theirs.id}`, bearer(key)).expect(404);

      const events = await testApp.dataSource.query<
        { action: string; client_id: string | null; actor_role: string | null; outcome: string }[]
      >(
        `SELECT action, client_id, actor_role, outcome FROM audit_events
          WHERE practice_id = $1 AND actor_type = 'api_client' AND actor_id = $2 ORDER BY occurred_at`,
        [team.practice.id, id],
      );
      expect(events).toEqual(
        expect.arrayContaining([
          { action: 'read', client_id: mine.id, actor_role: null, outcome: 'success' },
          { action: 'list', client_id: mine.id, actor_role: null, outcome: 'success' },
          { action: 'update', client_id: mine.id, actor_role: null, outcome: 'success' },
          { action: 'access_denied', client_id: theirs.id, actor_role: null, outcome: 'denied' },
        ]),
      );
      expect(
        events.some((event) => event.client_id === theirs.id && event.action !== 'access_denied'),
      ).toBe(false);
    });
  });
});
