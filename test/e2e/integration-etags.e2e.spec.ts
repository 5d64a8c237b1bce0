import request from 'supertest';
import { createTeam } from '../factories/staff.factory';
import { bearer, tokenFor } from '../setup/auth';
import { startTestApp, type TestApp } from '../setup/test-app';

/**
 * API clients and webhook endpoints are edited by admins and by integrations alike: like clients,
 * their GET answers an ETag and their PATCH honours If-Match, so two editors cannot overwrite each
 * other unseen.
 */
describe('If-Match on API clients and webhook endpoints', () => {
  let testApp: TestApp;
  let admin: string;

  beforeAll(async () => {
    // Registration only: the allow-list admits a local URL, and no worker ever delivers to it.
    testApp = await startTestApp({ env: { WEBHOOK_ALLOWED_PRIVATE_ADDRESSES: '127.0.0.1' } });
    const team = await createTeam(testApp.dataSource);
    admin = bearer(await tokenFor(testApp.app, team.admin));
  });
  afterAll(() => testApp.close());

  const http = () => request(testApp.app.getHttpServer());

  const resources = [
    {
      name: 'API client',
      path: '/api/v1/api-clients',
      create: { name: 'Billing sync', scopes: ['clients:read'] },
      change: (n: number) => ({ name: `Billing sync ${n}` }),
      changed: (body: { name: string }) => body.name,
    },
    {
      name: 'webhook endpoint',
      path: '/api/v1/webhook-endpoints',
      create: { url: 'http://127.0.0.1:9/hook', eventTypes: ['client.created'] },
      change: (n: number) => ({ description: `Receiver ${n}` }),
      changed: (body: { description: string }) => body.description,
    },
  ];

  describe.each(resources)('$name', ({ path, create, change, changed }) => {
    let id: string;
    beforeAll(async () => {
      id = (await http().post(path).set('Authorization', admin).send(create).expect(201)).body.id;
    });

    it('answers GET with an ETag and PATCH with the next one', async () => {
      const read = await http().get(`${path}/${id}`).set('Authorization', admin).expect(200);
      const etag = read.headers.etag as string;
      expect(etag).toMatch(/^"[^"]+"$/);
      const again = await http().get(`${path}/${id}`).set('Authorization', admin).expect(200);
      expect(again.headers.etag).toBe(etag);

      const updated = await http()
        .patch(`${path}/${id}`)
        .set('Authorization', admin)
        .set('If-Match', etag)
        .send(change(1))
        .expect(200);
      expect(changed(updated.body)).toBe(changed(change(1) as never));
      expect(updated.headers.etag).toMatch(/^"[^"]+"$/);
      expect(updated.headers.etag).not.toBe(etag);
      const reread = await http().get(`${path}/${id}`).set('Authorization', admin).expect(200);
      expect(reread.headers.etag).toBe(updated.headers.etag);
    });

    it('refuses a PATCH with a stale If-Match with 412 and changes nothing', async () => {
      const stale = (await http().get(`${path}/${id}`).set('Authorization', admin)).headers
        .etag as string;
      await http()
        .patch(`${path}/${id}`)
        .set('Authorization', admin)
        .set('If-Match', stale)
        .send(change(2))
        .expect(200);
      const refused = await http()
        .patch(`${path}/${id}`)
        .set('Authorization', admin)
        .set('If-Match', stale)
        .send(change(3))
        .expect(412);
      expect(refused.body.type).toBe('urn:family-therapy:problem:precondition-failed');
      const current = await http().get(`${path}/${id}`).set('Authorization', admin).expect(200);
      expect(changed(current.body)).toBe(changed(change(2) as never));
    });

    it('still takes a PATCH without If-Match, and `*` matches any version', async () => {
      await http().patch(`${path}/${id}`).set('Authorization', admin).send(change(4)).expect(200);
      const starred = await http()
        .patch(`${path}/${id}`)
        .set('Authorization', admin)
        .set('If-Match', '*')
        .send(change(5))
        .expect(200);
      expect(changed(starred.body)).toBe(changed(change(5) as never));
    });

    it('answers 404, not 412, for a record that does not exist', async () => {
      const response = await http()
        .patch(`${path}/00000000-0000-4000-8000-000000000000`)
        .set('Authorization', admin)
        .set('If-Match', '"x"')
        .send(change(6))
        .expect(404);
      expect(response.body.type).toBe('urn:family-therapy:problem:not-found');
    });
  });

  it('leaves an API client’s ETag alone when its keys rotate: they are not edits', async () => {
    const created = await http()
      .post('/api/v1/api-clients')
      .set('Authorization', admin)
      .send({ name: 'Rotating', scopes: ['clients:read'] })
      .expect(201);
    const path = `/api/v1/api-clients/${created.body.id}`;
    const before = (await http().get(path).set('Authorization', admin)).headers.etag as string;
    await http().post(`${path}/keys`).set('Authorization', admin).send({}).expect(201);
    await http()
      .patch(path)
      .set('Authorization', admin)
      .set('If-Match', before)
      .send({ scopes: ['clients:read', 'sessions:read'] })
      .expect(200);
  });
});
