import { Client } from 'pg';
import request from 'supertest';
import { ownerUrlOf } from '../setup/database-roles';
import { isolatedDatabaseUrl } from '../setup/test-database';
import { startTestApp, type TestApp } from '../setup/test-app';

const DETAILS_TOKEN = 'operators-only-readiness-token-0123456789';

describe('API docs, the API index and readiness details', () => {
  let testApp: TestApp;
  beforeAll(async () => {
    testApp = await startTestApp({ env: { HEALTH_DETAILS_TOKEN: DETAILS_TOKEN } });
  });
  afterAll(() => testApp.close());
  const http = () => request(testApp.app.getHttpServer());

  it('serves Swagger UI with a strict policy that does not force HTTPS on plain HTTP', async () => {
    const response = await http().get('/docs').expect(200);
    const policy = response.headers['content-security-policy'] as string;
    expect(policy).not.toContain('upgrade-insecure-requests');
    expect(policy).toContain("default-src 'self'");
    expect(policy).toContain("script-src 'self'");
    expect(policy).toContain("object-src 'none'");
    expect(policy).toContain("frame-ancestors 'self'");
  });

  it('answers /api/v1 with its version and links instead of a 404', async () => {
    const { body } = await http().get('/api/v1').expect(200);
    expect(body).toEqual({
      name: 'Family therapy case management API',
      version: expect.stringMatching(/^\d+\.\d+\.\d+/),
      links: {
        docs: '/docs',
        openapi: '/docs-json',
        live: '/health/live',
        ready: '/health/ready',
        metrics: '/metrics',
        login: '/api/v1/auth/login',
      },
    });
    for (const link of ['/docs', '/docs-json', '/health/live', '/health/ready', '/metrics']) {
      await http().get(link).expect(200);
    }
  });

  it('shows readiness details only to a caller with the operators’ token', async () => {
    await http().get('/health/ready').expect(200, { status: 'ok' });
    await http()
      .get('/health/ready')
      .set('Authorization', `Bearer ${DETAILS_TOKEN.replace(/.$/, 'x')}`)
      .expect(200, { status: 'ok' });
    const { body } = await http()
      .get('/health/ready')
      .set('Authorization', `Bearer ${DETAILS_TOKEN}`)
      .expect(200);
    expect(body).toEqual({
      status: 'ok',
      version: expect.any(String),
      database: { status: 'ok', latencyMs: expect.any(Number) },
      migrations: {
        status: 'current',
        applied: expect.any(Number),
        latest: expect.stringMatching(/^[A-Za-z]+\d{13}$/),
      },
      auditSealer: { unsealed: expect.any(Number), oldestSeconds: expect.any(Number) },
    });
  });

  it('switches /docs and /docs-json off together with DOCS_ENABLED=false', async () => {
    const withoutDocs = await startTestApp({ env: { DOCS_ENABLED: 'false' } });
    try {
      const server = withoutDocs.app.getHttpServer();
      await request(server).get('/docs').expect(404);
      await request(server).get('/docs-json').expect(404);
      const { body } = await request(server).get('/api/v1').expect(200);
      expect(body.links).not.toHaveProperty('docs');
      expect(body.links).not.toHaveProperty('openapi');
    } finally {
      await withoutDocs.close();
    }
  });

  it('is not ready while the database lacks a migration this build needs', async () => {
    const url = await isolatedDatabaseUrl('ready_migrations');
    const adminUrl = process.env.TEST_DB_ADMIN_URL as string;
    const owner = new Client({
      connectionString: ownerUrlOf(adminUrl, new URL(url).pathname.slice(1)),
    });
    await owner.connect();
    const behind = await startTestApp({ databaseUrl: url });
    try {
      await owner.query(
        `DELETE FROM schema_migrations WHERE timestamp = (SELECT max(timestamp) FROM schema_migrations)`,
      );
      const response = await request(behind.app.getHttpServer()).get('/health/ready').expect(503);
      expect(response.body.detail).toBe('The database lacks 1 migration(s) this build needs.');
    } finally {
      await behind.close();
      await owner.end();
    }
  });
});
