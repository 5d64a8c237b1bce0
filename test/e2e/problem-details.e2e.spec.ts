import request from 'supertest';
import { PipelineProbeModule } from '../fixtures/pipeline-probe.module';
import { startTestApp, type TestApp } from '../setup/test-app';

const PROBLEM_JSON = /application\/problem\+json/;

/** Nothing an error answer says may reveal how the server is built or what the database holds. */
function expectNoLeak(body: unknown): void {
  const text = JSON.stringify(body);
  expect(text).not.toMatch(/\bat .+\.(js|ts):\d+/); // stack frames
  expect(text).not.toMatch(/\b(SELECT|INSERT|UPDATE|DELETE)\b.+\b(FROM|INTO|SET)\b/i);
  expect(text).not.toMatch(/node_modules|QueryFailedError|TypeORM/);
}

describe('problem details (RFC 9457)', () => {
  let testApp: TestApp;
  const valid = { title: 'Weekly call', count: 1 };

  beforeAll(async () => {
    testApp = await startTestApp({ imports: [PipelineProbeModule] });
  });
  afterAll(() => testApp.close());

  const post = (body: string | object, contentType = 'application/json') =>
    request(testApp.app.getHttpServer())
      .post('/api/v1/_probe')
      .set('Content-Type', contentType)
      .send(typeof body === 'string' ? body : JSON.stringify(body));

  it('accepts a valid body', async () => {
    const response = await post(valid).expect(200);
    expect(response.body).toEqual({ received: valid });
  });

  it('rejects an unknown field, naming it', async () => {
    const response = await post({ ...valid, diagnosis: 'x' }).expect(400);
    expect(response.headers['content-type']).toMatch(PROBLEM_JSON);
    expect(response.body).toMatchObject({
      type: 'urn:family-therapy:problem:validation-error',
      title: 'Invalid request',
      status: 400,
      instance: '/api/v1/_probe',
      errors: [{ field: 'diagnosis', message: 'property diagnosis should not exist' }],
    });
    expect(typeof response.body.detail).toBe('string');
    expect(response.body.requestId).toBe(response.headers['x-request-id']);
    expectNoLeak(response.body);
  });

  it('rejects an unknown field inside a nested array item, with its path', async () => {
    const response = await post({
      ...valid,
      members: [{ firstName: 'A', relationship: 'mother', x: 1 }],
    }).expect(400);
    expect(response.body.errors).toEqual([
      { field: 'members[0].x', message: 'property x should not exist' },
    ]);
  });

  it('rejects a wrong type without coercing it', async () => {
    const response = await post({ title: 'x', count: '3' }).expect(400);
    expect(response.body.errors).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ field: 'count', message: 'must be an integer number' }),
      ]),
    );
  });

  it('names every missing required field', async () => {
    const response = await post({}).expect(400);
    const fields = (response.body.errors as { field: string }[]).map((error) => error.field);
    expect(new Set(fields)).toEqual(new Set(['title', 'count']));
  });

  it('rejects a wrong enum value in a nested item', async () => {
    const response = await post({
      ...valid,
      members: [{ firstName: 'A', relationship: 'cousin' }],
    }).expect(400);
    expect(response.body.errors[0].field).toBe('members[0].relationship');
  });

  it('answers malformed JSON with 400 and without quoting the body', async () => {
    const response = await post('{"title": "Jane Roe, DOB 1990-01-01",').expect(400);
    expect(response.headers['content-type']).toMatch(PROBLEM_JSON);
    expect(response.body).toMatchObject({
      status: 400,
      type: 'urn:family-therapy:problem:malformed-json',
    });
    expect(JSON.stringify(response.body)).not.toContain('Jane');
    expectNoLeak(response.body);
  });

  it('answers a body over 1 MB with 413', async () => {
    const response = await post({ ...valid, title: 'a'.repeat(1024 * 1024) }).expect(413);
    expect(response.headers['content-type']).toMatch(PROBLEM_JSON);
    expect(response.body).toMatchObject({
      status: 413,
      type: 'urn:family-therapy:problem:payload-too-large',
    });
  });

  it('refuses a body that is not a JSON object', async () => {
    const response = await post('[1,2,3]').expect(400);
    expect(response.body.errors).toEqual([{ field: '(body)', message: 'must be a JSON object' }]);
  });

  it('refuses a non-JSON content type with 415', async () => {
    const response = await post('title=x', 'text/plain').expect(415);
    expect(response.body.status).toBe(415);
  });

  it('refuses __proto__ keys instead of dropping them', async () => {
    const response = await post('{"title":"x","count":1,"__proto__":{"admin":true}}').expect(400);
    expect(response.body.errors).toEqual([
      { field: '__proto__', message: 'is not an allowed property name' },
    ]);
  });

  it('refuses lone surrogates (which make some validators throw) with 400 naming the field', async () => {
    const response = await post('{"title":"x","count":1,"email":"\\ud800@example.org"}').expect(
      400,
    );
    expect(response.body.errors).toEqual([
      { field: 'email', message: 'must be well-formed Unicode text' },
    ]);
  });

  it('refuses absurdly deep nesting with 400, not a stack overflow', async () => {
    const deep = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
    const response = await post(`{"title":"x","count":1,"members":${deep}}`).expect(400);
    expect(response.body.detail).toBe('The request body is nested too deeply.');
  });

  it('answers an unknown route with 404 that does not echo the query string', async () => {
    const response = await request(testApp.app.getHttpServer())
      .get('/api/v1/nowhere?search=Roe')
      .expect(404);
    expect(response.headers['content-type']).toMatch(PROBLEM_JSON);
    expect(response.body).toMatchObject({
      status: 404,
      detail: 'No route matches GET /api/v1/nowhere.',
      instance: '/api/v1/nowhere',
    });
    expect(JSON.stringify(response.body)).not.toContain('Roe');
  });

  it('does not echo a link token back in the problem instance', async () => {
    const token = 'c2VjcmV0LWNhbGVuZGFyLWZlZWQtdG9rZW4tdmFsdWU';
    const response = await request(testApp.app.getHttpServer())
      .get(`/api/v1/calendar-feeds/${token}.ics`)
      .expect(404);
    expect(response.body.instance).toBe('/api/v1/calendar-feeds/[redacted].ics');
    expect(JSON.stringify(response.body)).not.toContain(token);
  });

  it('echoes a caller X-Request-Id and replaces an unsafe one', async () => {
    const server = testApp.app.getHttpServer();
    const kept = await request(server)
      .get('/health/live')
      .set('X-Request-Id', 'dash-42.abc')
      .expect(200);
    expect(kept.headers['x-request-id']).toBe('dash-42.abc');
    const replaced = await request(server)
      .get('/health/live')
      .set('X-Request-Id', 'x'.repeat(300))
      .expect(200);
    expect(replaced.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('marks API responses no-store and sets security headers', async () => {
    const response = await post(valid).expect(200);
    expect(response.headers['cache-control']).toBe('no-store');
    expect(response.headers['x-content-type-options']).toBe('nosniff');
    expect(response.headers['x-powered-by']).toBeUndefined();
    const problem = await post({}).expect(400);
    expect(problem.headers['cache-control']).toBe('no-store');
  });
});
