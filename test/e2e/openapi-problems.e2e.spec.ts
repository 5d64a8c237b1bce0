import request from 'supertest';
import { problemTypeListing } from '../../src/bootstrap/problem-catalog';
import { startTestApp, type TestApp } from '../setup/test-app';

/**
 * Error answers as an integrator reads them: each operation lists, status by status, the problem
 * codes it can answer and the schema of that body. What a route really answers is checked by
 * every e2e test (test/setup/problem-contract.ts); these check the document's own consistency.
 */
type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const METHODS = ['get', 'put', 'post', 'patch', 'delete'] as const;
const PROBLEM = '#/components/schemas/ProblemDetailsSchema';

describe('OpenAPI document: error responses', () => {
  let testApp: TestApp;
  let document: Json;

  beforeAll(async () => {
    testApp = await startTestApp();
    document = (await request(testApp.app.getHttpServer()).get('/docs-json').expect(200)).body;
  });
  afterAll(() => testApp.close());

  const operations = () =>
    Object.entries(document.paths as Json).flatMap(([path, item]) =>
      METHODS.filter((method) => item[method]).map((method) => ({
        route: `${method.toUpperCase()} ${path}`,
        operation: item[method] as Json,
      })),
    );
  const errorResponses = () =>
    operations().flatMap(({ route, operation }) =>
      Object.entries(operation.responses as Json)
        .filter(([status]) => !/^[123]/.test(status))
        .map(([status, response]) => ({
          route,
          status,
          response: response as Json,
          secured: Boolean(operation.security?.length),
        })),
    );
  const operation = (path: string, method: string) => document.paths[path][method] as Json;
  const codesOf = (path: string, method: string, status: number) =>
    operation(path, method).responses[String(status)]?.['x-problem-codes'] as string[] | undefined;
  const resolve = (schema: Json): Json =>
    schema.$ref ? document.components.schemas[schema.$ref.split('/').pop()] : schema;

  it('answers every error, status by status, as problem details listing its codes', () => {
    const status = new Map(problemTypeListing().map((entry) => [entry.code, entry.status]));
    const wrong = errorResponses().flatMap(({ route, status: answered, response }) => {
      const schema = response.content?.['application/problem+json']?.schema ?? {};
      const refs = (schema.anyOf ?? [schema]).map((part: Json) => part.$ref as string);
      const problems: string[] = [];
      if (!/^\d{3}$/.test(answered)) problems.push(`${route} ${answered}: not a status`);
      if (refs.some((ref: string | undefined) => !ref))
        problems.push(`${route} ${answered}: schema`);
      // Every schema is the problem schema or `allOf` it and more fields.
      for (const ref of refs.filter(Boolean)) {
        const target = resolve({ $ref: ref });
        if (ref !== PROBLEM && target.allOf?.[0]?.$ref !== PROBLEM)
          problems.push(`${route} ${answered}: ${ref} is not a problem`);
      }
      const codes = (response['x-problem-codes'] ?? []) as string[];
      if (codes.length === 0) problems.push(`${route} ${answered}: no codes`);
      for (const code of codes) {
        if (String(status.get(code)) !== answered)
          problems.push(`${route} ${answered}: ${code} is a ${status.get(code)}`);
        if (!response.description.includes(`\`${code}\``))
          problems.push(`${route} ${answered}: ${code} not in the description`);
      }
      return problems;
    });
    expect(wrong).toEqual([]);
    expect(errorResponses().length).toBeGreaterThan(operations().length * 3);
  });

  it('lists every catalogued problem code on some operation', () => {
    const listed = new Set(errorResponses().flatMap(({ response }) => response['x-problem-codes']));
    const unlisted = problemTypeListing()
      .map(({ code }) => code)
      .filter((code) => !listed.has(code));
    expect(unlisted).toEqual([]);
  });

  it('lists what the code raises, and no more than that on a plain read', () => {
    expect(codesOf('/api/v1/clients/{clientId}/status', 'post', 409)).toEqual(
      expect.arrayContaining(['conflict', 'invalid-status-transition']),
    );
    expect(codesOf('/api/v1/clients/{clientId}/status', 'post', 409)).not.toContain(
      'session-overlap',
    );
    expect(codesOf('/api/v1/clients/{clientId}/status', 'post', 422)).toEqual(
      expect.arrayContaining(['discharge-incomplete', 'primary-counselor-required']),
    );
    expect(codesOf('/api/v1/clients', 'get', 409)).toBeUndefined();
    expect(codesOf('/api/v1/clients', 'get', 422)).toBeUndefined();
    expect(codesOf('/api/v1/therapy-sessions/{sessionId}/note/sign', 'post', 422)).toEqual(
      expect.arrayContaining(['note-incomplete']),
    );
    expect(codesOf('/api/v1/auth/login', 'post', 401)).toEqual(['invalid-credentials']);
    expect(codesOf('/api/v1/intake/{token}', 'get', 404)).toContain('intake-link-not-found');
    // Raised by a guard the route names, not by its handler.
    expect(codesOf('/api/v1/intake/{token}', 'post', 429)).toEqual(['rate-limited']);
  });

  it('answers a session conflict with `conflictingSessionId`, and a series with each occurrence', () => {
    for (const [path, method] of [
      ['/api/v1/therapy-sessions', 'post'],
      ['/api/v1/therapy-sessions/series', 'post'],
      ['/api/v1/therapy-sessions/{sessionId}/reschedule', 'post'],
      ['/api/v1/therapy-sessions/series/{seriesId}/move', 'post'],
    ]) {
      expect({ path, codes: codesOf(path!, method!, 409) }).toEqual({
        path,
        codes: expect.arrayContaining(['session-overlap']),
      });
      const schema = operation(path!, method!).responses['409'].content['application/problem+json']
        .schema as Json;
      expect(schema.anyOf ?? [schema]).toContainEqual({
        $ref: '#/components/schemas/SessionOverlapProblem',
      });
    }
    const overlap = document.components.schemas.SessionOverlapProblem.allOf[1] as Json;
    expect(overlap.required).toEqual(['conflictingSessionId']);
    expect(overlap.properties.conflictingSessionId).toMatchObject({ format: 'uuid' });
    expect(resolve(overlap.properties.conflicts.items).properties).toMatchObject({
      startsAt: { format: 'date-time' },
      conflictingSessionId: { format: 'uuid' },
    });
  });

  it('answers 401, 403 and 429 wherever a token is needed, 412 and 422 wherever If-Match and Idempotency-Key go', () => {
    const missing = operations().flatMap(
      ({ route, operation: { security, parameters, responses } }) => {
        const expected = security?.length ? ['401', '403', '429', '500', '503'] : ['500', '503'];
        if ((parameters ?? []).some((parameter: Json) => parameter.name === 'If-Match'))
          expected.push('412');
        return expected
          .filter((status) => !responses[status])
          .map((status) => `${route} ${status}`);
      },
    );
    expect(missing).toEqual([]);
    expect(codesOf('/api/v1/clients/{clientId}', 'patch', 412)).toEqual(['precondition-failed']);
    // Idempotency-Key is documented on creating POSTs after the controllers have run.
    expect(codesOf('/api/v1/cases', 'post', 422)).toContain('idempotency-key-reused');
    expect(codesOf('/api/v1/clients', 'get', 403)).toEqual([
      'insufficient-scope',
      'ip-not-allowed',
    ]);
    expect(codesOf('/api/v1/api-clients', 'get', 403)).toContain('forbidden');
    // Psychotherapy notes answer an API client 404, whatever its scopes.
    expect(codesOf('/api/v1/psychotherapy-notes/{id}', 'get', 404)).toEqual(['not-found']);
  });

  it('declares Retry-After on 429 and 503, RateLimit-* on a signed-in 429, WWW-Authenticate on 401', () => {
    const rateLimit = ['RateLimit-Limit', 'RateLimit-Remaining', 'RateLimit-Reset'];
    const undeclared = errorResponses().flatMap(({ route, status, response, secured }) => {
      const headers = Object.keys(response.headers ?? {});
      const expected = {
        '401': ['WWW-Authenticate'],
        '429': ['Retry-After', ...(secured ? rateLimit : [])],
        '503': ['Retry-After'],
      }[status];
      return (expected ?? [])
        .filter((name) => !headers.includes(name))
        .map((name) => `${route} ${status} ${name}`);
    });
    expect(undeclared).toEqual([]);
  });
});
