import { createHash } from 'node:crypto';
import request from 'supertest';
import { createClient, type TestClient } from '../factories/client.factory';
import { createTeam } from '../factories/staff.factory';
import { createApiClient } from '../setup/api-keys';
import { bearer, tokenFor } from '../setup/auth';
import { startTestApp, type TestApp } from '../setup/test-app';
import { isolatedDatabaseUrl } from '../setup/test-database';

/** Admins manage API clients; their keys are shown once, rotate two at a time and die at once. */
describe('API clients', () => {
  let first: TestApp;
  let second: TestApp;
  let team: Awaited<ReturnType<typeof createTeam>>;
  let client: TestClient;
  let admin: string;

  beforeAll(async () => {
    // Two API processes on one database, as replicas behind a load balancer run.
    const databaseUrl = await isolatedDatabaseUrl('api_clients');
    first = await startTestApp({ databaseUrl });
    second = await startTestApp({ databaseUrl });
    team = await createTeam(first.dataSource);
    client = await createClient(first.dataSource, {
      practiceId: team.practice.id,
      primaryCounselorId: team.counselor.id,
    });
    admin = bearer(await tokenFor(first.app, team.admin));
  });
  afterAll(async () => {
    await first.close();
    await second.close();
  });

  const http = (app: TestApp = first) => request(app.app.getHttpServer());
  const readClient = (key: string, app: TestApp = first) =>
    http(app).get(`/api/v1/clients/${client.id}`).set('Authorization', bearer(key));

  describe('create', () => {
    it('needs only a name and scopes; shows the key once and keeps only its hash', async () => {
      const response = await http()
        .post('/api/v1/api-clients')
        .set('Authorization', admin)
        .send({ name: 'EHR sync', scopes: ['clients:read'] })
        .expect(201);
      const body = response.body as { id: string; key: string; ownerId: string };
      expect(body.key).toMatch(/^ftk_live_[A-Za-z0-9_-]{43}$/);
      expect(response.body).toMatchObject({
        name: 'EHR sync',
        ownerId: team.admin.id,
        scopes: ['clients:read'],
        caseloadStaffIds: null,
        ipAllowList: null,
        revokedAt: null,
        keys: [{ prefix: body.key.slice(0, 13), revokedAt: null, lastUsedAt: null }],
      });

      const [stored] = await first.dataSource.query<{ key_hash: Buffer; row: string }[]>(
        `SELECT k.key_hash, row_to_json(k)::text || row_to_json(a)::text AS row
           FROM api_client_keys k JOIN api_clients a ON a.practice_id = k.practice_id AND a.id = k.api_client_id
          WHERE a.id = $1`,
        [body.id],
      );
      expect(stored!.key_hash).toEqual(createHash('sha256').update(body.key).digest());
      expect(stored!.row).not.toContain(body.key.slice(13));

      const read = await http().get(`/api/v1/api-clients/${body.id}`).set('Authorization', admin);
      expect(JSON.stringify(read.body)).not.toContain(body.key.slice(13));
      const audited = await first.dataSource.query(
        `SELECT 1 FROM audit_events WHERE actor_id = $1 AND action = 'create' AND resource_id = $2`,
        [team.admin.id, body.id],
      );
      expect(audited).toHaveLength(1);
    });

    it.each([
      [
        { name: 'x', scopes: ['clients:read'], ipAllowList: ['10.0.0.0/8', '10.0.0.300'] },
        422,
        'ipAllowList[1]',
      ],
      [
        { name: 'x', scopes: ['clients:read'], caseloadStaffIds: ['IDX'] },
        422,
        'caseloadStaffIds[0]',
      ],
      [{ name: 'x', scopes: ['clients:read'], ownerId: 'COUNSELOR' }, 422, 'ownerId'],
      [{ name: 'x', scopes: ['clients:delete'] }, 400, 'scopes'],
      [{ scopes: ['clients:read'] }, 400, 'name'],
    ])('refuses %j with %i naming %s', async (body, status, field) => {
      const sent = JSON.parse(
        JSON.stringify(body).replace('IDX', team.intake.id).replace('COUNSELOR', team.counselor.id),
      ) as object;
      const response = await http()
        .post('/api/v1/api-clients')
        .set('Authorization', admin)
        .send(sent)
        .expect(status);
      expect((response.body.errors as { field: string }[]).map((error) => error.field)).toContain(
        field,
      );
    });

    it('is for admins only', async () => {
      await http()
        .post('/api/v1/api-clients')
        .set('Authorization', bearer(await tokenFor(first.app, team.counselor)))
        .send({ name: 'mine', scopes: ['clients:read'] })
        .expect(403);
      await http().get('/api/v1/api-clients').expect(401);
    });
  });

  describe('keys', () => {
    it('rotate with two active keys at most; a third is refused until one is revoked', async () => {
      const {
        id,
        key: oldKey,
        keyId: oldKeyId,
      } = await createApiClient(first.app, admin, {
        scopes: ['clients:read'],
      });
      const added = await http()
        .post(`/api/v1/api-clients/${id}/keys`)
        .set('Authorization', admin)
        .expect(201);
      const newKey = (added.body as { key: string }).key;
      await readClient(oldKey).expect(200);
      await readClient(newKey).expect(200);

      const third = await http()
        .post(`/api/v1/api-clients/${id}/keys`)
        .set('Authorization', admin)
        .expect(409);
      expect(third.body.type).toBe('urn:family-therapy:problem:api-key-limit');

      await http()
        .post(`/api/v1/api-clients/${id}/keys/${oldKeyId}/revoke`)
        .set('Authorization', admin)
        .expect(200);
      await readClient(oldKey).expect(401);
      await readClient(newKey).expect(200);
      await http().post(`/api/v1/api-clients/${id}/keys`).set('Authorization', admin).expect(201);
    });

    it('a revoked key answers 401 on its next request, on every API process', async () => {
      const { id, key } = await createApiClient(first.app, admin, { scopes: ['clients:read'] });
      await readClient(key, first).expect(200);
      await readClient(key, second).expect(200);
      await http(second)
        .post(`/api/v1/api-clients/${id}/revoke`)
        .set('Authorization', admin)
        .expect(200);
      for (const app of [first, second]) {
        const response = await readClient(key, app).expect(401);
        expect(response.body.type).toBe('urn:family-therapy:problem:unauthenticated');
        expect(response.headers['www-authenticate']).toBe('Bearer');
      }
      await http().post(`/api/v1/api-clients/${id}/keys`).set('Authorization', admin).expect(409);
    });

    it('refuses a made-up key of the right shape with 401', async () => {
      await readClient(`ftk_live_${'A'.repeat(43)}`).expect(401);
      await readClient('ftk_live_short').expect(401);
    });

    it('records when and from where a key was last used', async () => {
      const { id, key } = await createApiClient(first.app, admin, { scopes: ['clients:read'] });
      await readClient(key).expect(200);
      const read = await http().get(`/api/v1/api-clients/${id}`).set('Authorization', admin);
      expect(read.body.keys[0].lastUsedAt).not.toBeNull();
      expect(read.body.keys[0].lastUsedIp).toBe('127.0.0.1');
    });
  });

  describe('IP allow-list', () => {
    it('refuses a key used from elsewhere with 403, audited, and admits it once allowed', async () => {
      const { id, key } = await createApiClient(first.app, admin, {
        scopes: ['clients:read'],
        ipAllowList: ['203.0.113.0/24'],
      });
      const refused = await readClient(key).expect(403);
      expect(refused.body.type).toBe('urn:family-therapy:problem:ip-not-allowed');
      const denials = await first.dataSource.query(
        `SELECT 1 FROM audit_events WHERE actor_type = 'api_client' AND actor_id = $1 AND action = 'access_denied'`,
        [id],
      );
      expect(denials).toHaveLength(1);

      await http()
        .patch(`/api/v1/api-clients/${id}`)
        .set('Authorization', admin)
        .send({ ipAllowList: ['203.0.113.0/24', '127.0.0.1'] })
        .expect(200);
      await readClient(key).expect(200);
      const lifted = await http()
        .patch(`/api/v1/api-clients/${id}`)
        .set('Authorization', admin)
        .send({ ipAllowList: null, name: 'Renamed' })
        .expect(200);
      expect(lifted.body).toMatchObject({ ipAllowList: null, name: 'Renamed' });
    });
  });

  it('lists the practice’s API clients page by page', async () => {
    const page = await http()
      .get('/api/v1/api-clients?limit=2')
      .set('Authorization', admin)
      .expect(200);
    expect(page.body.data).toHaveLength(2);
    expect(page.body.nextCursor).toEqual(expect.any(String));
    const next = await http()
      .get(`/api/v1/api-clients?limit=2&cursor=${page.body.nextCursor as string}`)
      .set('Authorization', admin)
      .expect(200);
    const firstIds = (page.body.data as { id: string }[]).map((row) => row.id);
    for (const row of next.body.data as { id: string }[]) expect(firstIds).not.toContain(row.id);
  });
});
