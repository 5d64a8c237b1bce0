import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { createTeam } from '../factories/staff.factory';
import { bearer, tokenFor } from '../setup/auth';
import { freePort } from '../setup/free-port';
import { startTestApp, type TestApp } from '../setup/test-app';
import { isolatedDatabaseUrl } from '../setup/test-database';

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** Prometheus text format 0.0.4: `name{label="value",…} number`, comments skipped. */
function parseExposition(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match) throw new Error(`not in the text format: ${line}`);
    const labels: Record<string, string> = {};
    for (const pair of (match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) {
      labels[pair[1] as string] = pair[2] as string;
    }
    samples.push({ name: match[1] as string, labels, value: Number(match[3]) });
  }
  return samples;
}

const find = (samples: Sample[], name: string, labels: Record<string, string> = {}) =>
  samples.find(
    (sample) =>
      sample.name === name &&
      Object.entries(labels).every(([key, value]) => sample.labels[key] === value),
  );

describe('Prometheus metrics', () => {
  it('counts webhook deliveries due as the webhooks queue', async () => {
    // A database of its own: other files leave deliveries behind (their workers are off).
    const testApp = await startTestApp({
      databaseUrl: await isolatedDatabaseUrl('metrics_webhooks'),
      env: { WEBHOOK_ALLOWED_PRIVATE_ADDRESSES: '127.0.0.1' },
    });
    try {
      const team = await createTeam(testApp.dataSource);
      const admin = bearer(await tokenFor(testApp.app, team.admin));
      const http = () => request(testApp.app.getHttpServer());
      const depth = async () =>
        find(parseExposition((await http().get('/metrics').expect(200)).text), 'job_queue_depth', {
          queue: 'webhooks',
        })?.value;
      expect(await depth()).toBe(0);
      await http()
        .post('/api/v1/webhook-endpoints')
        .set('Authorization', admin)
        .send({ url: 'http://127.0.0.1:9/hook', eventTypes: ['client.created'] })
        .expect(201);
      await http()
        .post('/api/v1/clients')
        .set('Authorization', admin)
        .send({ firstName: 'Queue', lastName: 'Depth', dateOfBirth: '1990-01-01' })
        .expect(201);
      expect(await depth()).toBe(1);
    } finally {
      await testApp.close();
    }
  });

  describe('on the API port (the default)', () => {
    let testApp: TestApp;
    beforeAll(async () => {
      testApp = await startTestApp();
    });
    afterAll(() => testApp.close());
    const http = () => request(testApp.app.getHttpServer());

    it('counts a request under its route template and status, never its ids', async () => {
      const clientId = randomUUID();
      await http().get(`/api/v1/clients/${clientId}`).expect(401);
      await http().get('/api/v1/no-such-route').expect(404);

      const response = await http().get('/metrics').expect(200);
      expect(response.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
      expect(response.text).not.toContain(clientId);
      expect(response.text).not.toContain('no-such-route');
      const samples = parseExposition(response.text);
      const route = { method: 'GET', route: '/api/v1/clients/:clientId', status_code: '401' };
      expect(find(samples, 'http_request_duration_seconds_count', route)?.value).toBe(1);
      expect(
        find(samples, 'http_request_duration_seconds_bucket', { ...route, le: '+Inf' })?.value,
      ).toBe(1);
      expect(
        find(samples, 'http_request_duration_seconds_count', {
          route: 'unmatched',
          status_code: '404',
        })?.value,
      ).toBe(1);
    });

    it('reports the pool, the event loop, the audit sealer and the job queues', async () => {
      const samples = parseExposition((await http().get('/metrics').expect(200)).text);
      for (const name of [
        'db_pool_connections_in_use',
        'db_pool_waiting_requests',
        'nodejs_eventloop_lag_seconds',
        'audit_events_unsealed',
        'audit_seal_lag_seconds',
      ]) {
        expect(find(samples, name)?.value).toBeGreaterThanOrEqual(0);
      }
      expect(find(samples, 'job_queue_depth', { queue: 'housekeeping' })?.value).toBe(0);
      expect(find(samples, 'job_queue_depth', { queue: 'webhooks' })?.value).toBeGreaterThanOrEqual(
        0,
      );
    });

    it('counts audit events awaiting their seal (the test app seals on demand only)', async () => {
      await http()
        .post('/api/v1/auth/login')
        .send({ email: `${randomUUID()}@nowhere.example`, password: 'not-a-password-at-all' })
        .expect(401);
      const samples = parseExposition((await http().get('/metrics').expect(200)).text);
      expect(find(samples, 'audit_events_unsealed')?.value).toBeGreaterThan(0);
    });
  });

  it('is not served when switched off', async () => {
    const testApp = await startTestApp({ env: { METRICS_ENABLED: 'false' } });
    try {
      await request(testApp.app.getHttpServer()).get('/metrics').expect(404);
    } finally {
      await testApp.close();
    }
  });

  it('moves to a port of its own with METRICS_PORT, with detailed readiness there', async () => {
    const port = await freePort();
    const testApp = await startTestApp({ env: { METRICS_PORT: String(port) } });
    try {
      await request(testApp.app.getHttpServer()).get('/metrics').expect(404);
      const scrape = await fetch(`http://127.0.0.1:${port}/metrics`);
      expect(scrape.status).toBe(200);
      expect(find(parseExposition(await scrape.text()), 'db_pool_waiting_requests')).toBeDefined();
      const ready = await fetch(`http://127.0.0.1:${port}/health/ready`);
      expect(ready.status).toBe(200);
      expect(await ready.json()).toMatchObject({
        status: 'ok',
        database: { status: 'ok' },
        migrations: { status: 'current' },
      });
      expect((await fetch(`http://127.0.0.1:${port}/api/v1`)).status).toBe(404);
    } finally {
      await testApp.close();
    }
  });
});
