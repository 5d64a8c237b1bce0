import request from 'supertest';
import { createTeam } from '../factories/staff.factory';
import { createApiClient } from '../setup/api-keys';
import { bearer, tokenFor } from '../setup/auth';
import { startTestApp, type TestApp } from '../setup/test-app';

/** `audit:read` opens the audit log to practice software; the reserved scopes are not granted. */
describe('API clients and the audit log', () => {
  let testApp: TestApp;
  let team: Awaited<ReturnType<typeof createTeam>>;
  let admin: string;

  beforeAll(async () => {
    testApp = await startTestApp();
    team = await createTeam(testApp.dataSource);
    admin = bearer(await tokenFor(testApp.app, team.admin));
  });
  afterAll(() => testApp.close());

  const http = () => request(testApp.app.getHttpServer());
  const get = (path: string, authorization: string) =>
    http().get(`/api/v1${path}`).set('Authorization', authorization);

  it('reads, exports and verifies the audit log with audit:read, audited with the API client as actor', async () => {
    const { id, key } = await createApiClient(testApp.app, admin, { scopes: ['audit:read'] });

    const list = await get('/audit-events?limit=5', bearer(key)).expect(200);
    expect(list.body.data.length).toBeGreaterThan(0);
    expect(list.body.data.every((e: { id: string }) => typeof e.id === 'string')).toBe(true);
    const from = new Date(Date.now() - 3_600_000).toISOString();
    const to = new Date(Date.now() + 60_000).toISOString();
    const exported = await get(`/audit-events/export?from=${from}&to=${to}`, bearer(key)).expect(
      200,
    );
    expect(exported.headers['content-type']).toMatch(/application\/x-ndjson/);
    expect(exported.text.trim().split('\n').length).toBeGreaterThan(0);
    await get('/audit-events/verify', bearer(key)).expect(200);
    await get('/audit-events/checkpoint', bearer(key)).expect(200);

    const events = await testApp.dataSource.query<{ action: string; actor_role: string | null }[]>(
      `SELECT action, actor_role FROM audit_events
        WHERE practice_id = $1 AND actor_type = 'api_client' AND actor_id = $2
          AND resource_type IN ('audit_event', 'audit_checkpoint')
        ORDER BY occurred_at, id`,
      [team.practice.id, id],
    );
    expect(events.map((e) => e.action)).toEqual(['list', 'export', 'verify', 'read']);
    expect(events.every((e) => e.actor_role === null)).toBe(true);
  });

  it('refuses the audit log to a key without audit:read (403 naming the scope)', async () => {
    const { key } = await createApiClient(testApp.app, admin, {
      scopes: ['clients:read', 'sessions:read', 'notes:read', 'webhooks:manage'],
    });
    for (const path of ['/audit-events', '/audit-events/verify', '/audit-events/checkpoint']) {
      const response = await get(path, bearer(key)).expect(403);
      expect(response.body).toMatchObject({
        type: 'urn:family-therapy:problem:insufficient-scope',
        requiredScope: 'audit:read',
      });
    }
  });

  it('grants audit:read only to an API client that reaches the whole practice', async () => {
    const refused = await http()
      .post('/api/v1/api-clients')
      .set('Authorization', admin)
      .send({ name: 'SIEM', scopes: ['audit:read'], caseloadStaffIds: [team.counselor.id] })
      .expect(422);
    expect(refused.body).toMatchObject({
      type: 'urn:family-therapy:problem:audit-scope-needs-whole-practice',
      errors: [expect.objectContaining({ field: 'scopes' })],
    });

    // Narrowing a practice-wide audit reader to a caseload is refused too, and changes nothing.
    const { id, key } = await createApiClient(testApp.app, admin, { scopes: ['audit:read'] });
    await http()
      .patch(`/api/v1/api-clients/${id}`)
      .set('Authorization', admin)
      .send({ caseloadStaffIds: [team.counselor.id] })
      .expect(422);
    await get('/audit-events', bearer(key)).expect(200);
  });

  it('refuses to grant the reserved scopes, naming scopes', async () => {
    for (const scope of ['measures:read', 'fhir:read']) {
      const response = await http()
        .post('/api/v1/api-clients')
        .set('Authorization', admin)
        .send({ name: 'Too early', scopes: ['clients:read', scope] })
        .expect(400);
      expect(response.body.errors).toEqual([
        expect.objectContaining({ field: 'scopes', message: expect.stringMatching(/reserved/) }),
      ]);
    }
  });
});
