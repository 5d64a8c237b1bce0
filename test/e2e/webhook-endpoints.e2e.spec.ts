import request from 'supertest';
import { createTeam } from '../factories/staff.factory';
import { bearer, tokenFor } from '../setup/auth';
import { startTestApp, type TestApp } from '../setup/test-app';
import { DELIVERING_ENV, startReceiver, type WebhookReceiver } from './webhook-receiver';

/** Addresses no endpoint may point at by default; none of them is ever connected to. */
const REFUSED_URLS = [
  'http://127.0.0.1:9/hook',
  'http://127.1/hook',
  'http://10.0.0.8/hook',
  'http://172.20.1.1/hook',
  'http://192.168.1.10/hook',
  'http://169.254.169.254/latest/meta-data/',
  'http://100.100.100.200/',
  'http://[::1]/hook',
  'http://[fd00:ec2::254]/',
  'http://[::ffff:127.0.0.1]/hook',
  'http://0.0.0.0/hook',
  'http://localhost/hook',
  'ftp://203.0.114.1/hook',
  'file:///etc/passwd',
  'gopher://93.184.215.14/',
  'http://user:pass@93.184.215.14/hook',
];

describe('webhook endpoints', () => {
  let strict: TestApp;
  let allowing: TestApp;
  let receiver: WebhookReceiver;

  beforeAll(async () => {
    // No allow-list, no worker: registration alone is under test here.
    strict = await startTestApp();
    allowing = await startTestApp({
      env: { ...DELIVERING_ENV, WEBHOOK_DISABLE_AFTER_FAILURES: '3' },
    });
    receiver = await startReceiver();
  });
  afterAll(async () => {
    await strict?.close();
    await allowing?.close();
    await receiver?.close();
  });

  const create = (app: TestApp, token: string, body: object) =>
    request(app.app.getHttpServer())
      .post('/api/v1/webhook-endpoints')
      .set('Authorization', bearer(token))
      .send(body);

  it('refuses non-public and non-http destinations with 422 naming url', async () => {
    const { admin } = await createTeam(strict.dataSource);
    const token = await tokenFor(strict.app, admin);
    for (const url of REFUSED_URLS) {
      const response = await create(strict, token, { url, eventTypes: ['client.created'] });
      expect({ url, status: response.status }).toEqual({ url, status: 422 });
      expect(response.body).toMatchObject({
        type: 'urn:family-therapy:problem:webhook-destination-refused',
        errors: [{ field: 'url', message: expect.any(String) }],
      });
    }
  });

  it('accepts an address only the allow-list opens, and nothing else private', async () => {
    const { admin } = await createTeam(allowing.dataSource);
    const token = await tokenFor(allowing.app, admin);
    await create(strict, await tokenFor(strict.app, admin), {
      url: receiver.url,
      eventTypes: ['client.created'],
    }).expect(422);
    await create(allowing, token, { url: receiver.url, eventTypes: ['client.created'] }).expect(
      201,
    );
    await create(allowing, token, {
      url: 'http://10.0.0.8/hook',
      eventTypes: ['client.created'],
    }).expect(422);
  });

  it('refuses unknown event types and non-admins', async () => {
    const { admin, counselor, supervisor } = await createTeam(strict.dataSource);
    const adminToken = await tokenFor(strict.app, admin);
    const invalid = await create(strict, adminToken, {
      url: 'https://93.184.215.14/hook',
      eventTypes: ['client.deleted'],
    }).expect(400);
    expect(invalid.body.errors).toEqual([expect.objectContaining({ field: 'eventTypes' })]);
    for (const staff of [counselor, supervisor]) {
      const token = await tokenFor(strict.app, staff);
      await create(strict, token, {
        url: 'https://93.184.215.14/hook',
        eventTypes: ['client.created'],
      }).expect(403);
      await request(strict.app.getHttpServer())
        .get('/api/v1/webhook-endpoints')
        .set('Authorization', bearer(token))
        .expect(403);
    }
  });

  it('lists, reads, updates and deletes; the secret is shown only on creation', async () => {
    const { admin } = await createTeam(strict.dataSource);
    const other = await createTeam(strict.dataSource);
    const token = await tokenFor(strict.app, admin);
    const http = () => request(strict.app.getHttpServer());
    // A public address: registration does not connect, and the worker is off in this app.
    const created = await create(strict, token, {
      url: 'https://93.184.215.14/hook',
      eventTypes: ['session.completed'],
      description: 'EHR sync',
    }).expect(201);
    const id = created.body.id as string;
    expect(created.body.secret).toMatch(/^whsec_/);

    const list = await http().get('/api/v1/webhook-endpoints').set('Authorization', bearer(token));
    expect(list.body).toEqual({
      data: [expect.objectContaining({ id, enabled: true, eventTypes: ['session.completed'] })],
      nextCursor: null,
    });
    expect(JSON.stringify(list.body)).not.toContain(created.body.secret);

    const updated = await http()
      .patch(`/api/v1/webhook-endpoints/${id}`)
      .set('Authorization', bearer(token))
      .send({ eventTypes: ['session.completed', 'note.signed'], enabled: false })
      .expect(200);
    expect(updated.body).toMatchObject({ enabled: false, disabledReason: 'manual' });
    await http()
      .patch(`/api/v1/webhook-endpoints/${id}`)
      .set('Authorization', bearer(token))
      .send({ url: 'http://192.168.0.2/' })
      .expect(422);

    // Another practice's admin cannot see or touch it.
    const outsider = await tokenFor(strict.app, other.admin);
    await http()
      .get(`/api/v1/webhook-endpoints/${id}`)
      .set('Authorization', bearer(outsider))
      .expect(404);
    await http()
      .delete(`/api/v1/webhook-endpoints/${id}`)
      .set('Authorization', bearer(outsider))
      .expect(404);

    await http()
      .delete(`/api/v1/webhook-endpoints/${id}`)
      .set('Authorization', bearer(token))
      .expect(204);
    await http()
      .get(`/api/v1/webhook-endpoints/${id}`)
      .set('Authorization', bearer(token))
      .expect(404);
  });

  it('checks the address again before connecting, and disables an endpoint after repeated failures', async () => {
    const { admin, practice } = await createTeam(allowing.dataSource);
    const token = await tokenFor(allowing.app, admin);
    const http = () => request(allowing.app.getHttpServer());
    const created = await create(allowing, token, {
      url: receiver.url,
      eventTypes: ['client.created'],
    }).expect(201);
    const id = created.body.id as string;
    // As if the address had changed after registration (DNS rebinding): now a private one.
    await allowing.dataSource.query(
      `UPDATE webhook_endpoints SET url = 'http://10.0.0.8/hook' WHERE practice_id = $1 AND id = $2`,
      [practice.id, id],
    );
    await http()
      .post('/api/v1/clients')
      .set('Authorization', bearer(token))
      .send({ firstName: 'Ada', lastName: 'Rebind', dateOfBirth: '1990-01-01' })
      .expect(201);

    let endpoint: { enabled: boolean; disabledReason: string | null } | undefined;
    for (let tries = 0; tries < 200 && endpoint?.enabled !== false; tries++) {
      await new Promise((resolve) => setTimeout(resolve, 25));
      endpoint = (
        await http().get(`/api/v1/webhook-endpoints/${id}`).set('Authorization', bearer(token))
      ).body;
    }
    expect(endpoint).toMatchObject({ enabled: false, disabledReason: 'consecutive_failures' });
    const log = await http()
      .get(`/api/v1/webhook-endpoints/${id}/deliveries`)
      .set('Authorization', bearer(token))
      .expect(200);
    expect(log.body.data[0]).toMatchObject({
      attempts: 3,
      lastError: 'destination_refused',
      lastStatusCode: null,
    });
    const events = await allowing.dataSource.query<{ actor_type: string; metadata: object }[]>(
      `SELECT actor_type, metadata FROM audit_events
        WHERE practice_id = $1 AND resource_type = 'webhook_endpoint' AND resource_id = $2 AND actor_type = 'system'`,
      [practice.id, id],
    );
    expect(events).toEqual([
      { actor_type: 'system', metadata: { reason: 'consecutive_failures', failures: 3 } },
    ]);
    // The admin's team dashboard shows it, with when and why, and the delivery left waiting.
    const dashboard = await http()
      .get('/api/v1/dashboard/team')
      .set('Authorization', bearer(token))
      .expect(200);
    expect(dashboard.body.integrations).toEqual({
      disabledEndpoints: [
        {
          id,
          url: 'http://10.0.0.8/hook',
          description: null,
          disabledAt: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T.*Z$/),
          disabledReason: 'consecutive_failures',
          consecutiveFailures: 3,
        },
      ],
      failingDeliveries: 1,
    });

    // Pointed back at the receiver and re-enabled, a replay sends the same event (same webhook-id).
    await allowing.dataSource.query(
      `UPDATE webhook_endpoints SET url = $3 WHERE practice_id = $1 AND id = $2`,
      [practice.id, id, receiver.url],
    );
    await http()
      .patch(`/api/v1/webhook-endpoints/${id}`)
      .set('Authorization', bearer(token))
      .send({ enabled: true })
      .expect(200);
    const before = receiver.received.length;
    const replay = await http()
      .post(`/api/v1/webhook-endpoints/${id}/deliveries/${log.body.data[0].id}/replay`)
      .set('Authorization', bearer(token))
      .expect(202);
    expect(replay.body.eventId).toBe(log.body.data[0].eventId);
    const received = await receiver.waitFor(before + 1);
    expect(received[before]!.headers['webhook-id']).toBe(log.body.data[0].eventId);
  });
});
