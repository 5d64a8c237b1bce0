import request from 'supertest';
import { createClient } from '../factories/client.factory';
import { createSession } from '../factories/session.factory';
import { createTeam } from '../factories/staff.factory';
import { createApiClient } from '../setup/api-keys';
import { bearer, tokenFor } from '../setup/auth';
import { startTestApp, type TestApp } from '../setup/test-app';

interface Change {
  resourceType: string;
  id: string;
}

/** Practice software syncing with its key: webhook endpoints and the change feed, held to scopes. */
describe('API clients with webhooks and the change feed', () => {
  let testApp: TestApp;
  let team: Awaited<ReturnType<typeof createTeam>>;
  let admin: string;
  let clientId: string;
  let sessionId: string;

  beforeAll(async () => {
    testApp = await startTestApp({ env: { WEBHOOK_ALLOWED_PRIVATE_ADDRESSES: '127.0.0.1' } });
    team = await createTeam(testApp.dataSource);
    admin = bearer(await tokenFor(testApp.app, team.admin));
    const client = await createClient(testApp.dataSource, {
      practiceId: team.practice.id,
      primaryCounselorId: team.counselor.id,
    });
    clientId = client.id;
    sessionId = await createSession(testApp.dataSource, client, team.counselor.id, {
      startsAt: new Date(Date.now() + 86_400_000),
    });
  });
  afterAll(() => testApp?.close());

  const http = () => request(testApp.app.getHttpServer());

  it('registers a webhook endpoint with webhooks:manage, recorded as created by the owner', async () => {
    const manager = await createApiClient(testApp.app, admin, { scopes: ['webhooks:manage'] });
    const reader = await createApiClient(testApp.app, admin, { scopes: ['clients:read'] });
    const body = { url: 'http://127.0.0.1:9/hook', eventTypes: ['client.created'] };

    await http()
      .post('/api/v1/webhook-endpoints')
      .set('Authorization', bearer(reader.key))
      .send(body)
      .expect(403);
    const created = await http()
      .post('/api/v1/webhook-endpoints')
      .set('Authorization', bearer(manager.key))
      .send(body)
      .expect(201);
    const [row] = await testApp.dataSource.query<{ created_by: string }[]>(
      `SELECT created_by FROM webhook_endpoints WHERE id = $1`,
      [(created.body as { id: string }).id],
    );
    expect(row!.created_by).toBe(team.admin.id);
    const listed = await http()
      .get('/api/v1/webhook-endpoints')
      .set('Authorization', bearer(manager.key))
      .expect(200);
    expect((listed.body as { data: { id: string }[] }).data.map((e) => e.id)).toContain(
      (created.body as { id: string }).id,
    );
  });

  it('feeds an API key only the kinds of record its scopes let it read', async () => {
    const clientsOnly = await createApiClient(testApp.app, admin, { scopes: ['clients:read'] });
    const withSessions = await createApiClient(testApp.app, admin, {
      scopes: ['clients:read', 'sessions:read'],
    });
    const noRead = await createApiClient(testApp.app, admin, { scopes: ['webhooks:manage'] });
    const feed = async (key: string) => {
      const seen: Change[] = [];
      // The feed stops below the oldest open transaction anywhere on the server; wait for ours.
      const deadline = Date.now() + 15_000;
      while (!seen.some((c) => c.id === clientId) && Date.now() < deadline) {
        const response = await http()
          .get('/api/v1/changes')
          .query({ limit: 100 })
          .set('Authorization', bearer(key))
          .expect(200);
        seen.push(...(response.body as { data: Change[] }).data);
        if (!seen.some((c) => c.id === clientId)) await new Promise((r) => setTimeout(r, 50));
      }
      return seen;
    };

    const narrow = await feed(clientsOnly.key);
    expect(narrow.map((c) => c.id)).toContain(clientId);
    expect(narrow.map((c) => c.resourceType)).not.toContain('therapy_session');
    const wide = await feed(withSessions.key);
    expect(wide).toContainEqual(
      expect.objectContaining({ resourceType: 'therapy_session', id: sessionId }),
    );
    await http().get('/api/v1/changes').set('Authorization', bearer(noRead.key)).expect(403);
  });
});
