import request from 'supertest';
import { catalogEntries } from '../../src/bootstrap/problem-catalog';
import { problemType } from '../../src/common/problem/problem';
import { ShutdownState } from '../../src/health/shutdown-state';
import { startTestApp, type TestApp } from '../setup/test-app';

describe('OpenAPI document and health checks', () => {
  let testApp: TestApp;

  beforeAll(async () => {
    testApp = await startTestApp();
  });
  afterAll(() => testApp.close());

  const http = () => request(testApp.app.getHttpServer());

  it('serves OpenAPI 3 JSON with the bearer scheme and the problem schema', async () => {
    const response = await http().get('/docs-json').expect(200);
    const document = response.body;
    expect(document.openapi).toMatch(/^3\./);
    expect(document.components.securitySchemes.bearer).toMatchObject({
      type: 'http',
      scheme: 'bearer',
    });
    expect(Object.keys(document.components.schemas.ProblemDetailsSchema.properties)).toEqual(
      expect.arrayContaining(['type', 'title', 'status', 'detail', 'instance', 'errors']),
    );
    const ready = document.paths['/health/ready'].get;
    expect(ready.responses['503'].content['application/problem+json'].schema.$ref).toBe(
      '#/components/schemas/ProblemDetailsSchema',
    );
  });

  it('lists every problem type of the catalog, with its status, on the problem schema', async () => {
    const { body } = await http().get('/docs-json').expect(200);
    const schema = body.components.schemas.ProblemDetailsSchema;
    const listed = new Map<string, { status: number; features: string[] }>(
      schema['x-problem-types'].map((entry: { type: string }) => [entry.type, entry]),
    );
    const unlisted = catalogEntries().filter(({ feature, code, status }) => {
      const type = problemType(code);
      const entry = listed.get(type);
      const row = `| \`${type}\` | ${status} `;
      return (
        entry?.status !== status ||
        !entry.features.includes(feature) ||
        !schema.description.includes(row)
      );
    });
    expect(unlisted).toEqual([]);
    expect(listed.get('urn:family-therapy:problem:session-overlap')).toMatchObject({
      code: 'session-overlap',
      status: 409,
      title: 'Conflict',
      features: ['therapy-sessions'],
    });
  });

  it('serves Swagger UI at /docs', async () => {
    const response = await http().get('/docs').expect(200);
    expect(response.text).toContain('swagger-ui');
  });

  it('is live and ready while the database answers', async () => {
    await http().get('/health/live').expect(200, { status: 'ok' });
    await http().get('/health/ready').expect(200, { status: 'ok' });
  });

  it('turns not-ready (503) but stays live once draining for shutdown', async () => {
    testApp.app.get(ShutdownState).beginDrain();
    const response = await http().get('/health/ready').expect(503);
    expect(response.headers['retry-after']).toBe('1');
    expect(response.body.detail).toBe('The API is shutting down.');
    await http().get('/health/live').expect(200);
  });
});
