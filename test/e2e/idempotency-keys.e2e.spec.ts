import request from 'supertest';
import { startTestApp, type TestApp } from '../setup/test-app';
import { CREATING_ROUTES, idempotencyFixture, type Fixture } from './idempotency-routes';

interface Operation {
  description?: string;
  parameters?: { name: string; in: string }[];
  responses: Record<string, unknown>;
}

describe('Idempotency-Key on every creating POST', () => {
  let testApp: TestApp;
  let fixture: Fixture;
  let document: { paths: Record<string, { post?: Operation }> };

  beforeAll(async () => {
    testApp = await startTestApp();
    fixture = await idempotencyFixture(testApp);
    document = (await request(testApp.app.getHttpServer()).get('/docs-json').expect(200)).body;
  });
  afterAll(() => testApp.close());

  const http = () => request(testApp.app.getHttpServer());
  const send = (path: string, auth: string | undefined, key: string, body: object) => {
    const call = http().post(path).set('Idempotency-Key', key);
    return (auth ? call.set('Authorization', auth) : call).send(body);
  };
  /** `POST /clients/:clientId` from the document's `/api/v1/clients/{clientId}`. */
  const routeOf = (path: string) =>
    `POST ${path.replace(/^\/api\/v1/, '').replace(/\{(\w+)\}/g, ':$1')}`;
  const postsOf = () =>
    Object.entries(document.paths).flatMap(([path, item]) =>
      item.post ? [{ route: routeOf(path), operation: item.post }] : [],
    );

  it.each(Object.keys(CREATING_ROUTES))(
    '%s: a retry replays the first answer; the key with another body is refused',
    async (route) => {
      const { path, body, auth, other } = await CREATING_ROUTES[route]!(fixture);
      const key = `retry-${route.replace(/[^a-z]/gi, '')}-${Date.now()}`;

      const first = await send(path, auth, key, body);
      // The problem, if any, shows in the failure message.
      const problem = first.status === 201 ? undefined : (first.body as unknown);
      expect({ status: first.status, problem }).toEqual({ status: 201 });
      expect(first.headers['idempotency-replayed']).toBeUndefined();

      const retry = await send(path, auth, key, body);
      expect(retry.status).toBe(201);
      expect(retry.headers['idempotency-replayed']).toBe('true');
      expect(retry.body).toEqual(first.body);
      if (first.headers.location) expect(retry.headers.location).toBe(first.headers.location);
      if (first.headers.etag) expect(retry.headers.etag).toBe(first.headers.etag);

      const changed = await send(path, auth, key, other ?? { ...body, changed: true });
      expect(changed.status).toBe(422);
      expect(changed.body.type).toBe('urn:family-therapy:problem:idempotency-key-reused');
    },
  );

  it('knows every POST the app answers 201 to: each takes a key or says why not', () => {
    const creating = postsOf().filter(({ operation }) => '201' in operation.responses);
    const refusing = creating.filter(({ operation }) =>
      operation.description?.includes('Does not take `Idempotency-Key`'),
    );
    const taking = creating.filter((post) => !refusing.includes(post));
    expect(taking.map(({ route }) => route).sort()).toEqual(Object.keys(CREATING_ROUTES).sort());
    for (const { operation } of taking) {
      expect(operation.parameters).toContainEqual(
        expect.objectContaining({ name: 'Idempotency-Key', in: 'header' }),
      );
    }
    expect(refusing.map(({ route }) => route).sort()).toEqual([
      'POST /api-clients',
      'POST /api-clients/:id/keys',
      'POST /calendar-feeds',
      'POST /intake-invitations',
      'POST /staff',
      'POST /webhook-endpoints',
    ]);
  });

  it('says why sign-in and token refresh take no key', () => {
    const byRoute = new Map(postsOf().map(({ route, operation }) => [route, operation]));
    expect(byRoute.get('POST /auth/login')?.description).toMatch(
      /Does not take `Idempotency-Key`: it issues new tokens/,
    );
    expect(byRoute.get('POST /auth/refresh')?.description).toMatch(
      /Does not take `Idempotency-Key`: a refresh token is single-use/,
    );
  });

  it('keys a public submission by its link: another link may reuse the key', async () => {
    const one = await CREATING_ROUTES['POST /intake/:token']!(fixture);
    const two = await CREATING_ROUTES['POST /intake/:token']!(fixture);
    const first = await send(one.path, undefined, 'same-key', one.body).expect(201);
    const second = await send(two.path, undefined, 'same-key', two.body).expect(201);
    expect(second.body.id).not.toBe(first.body.id);
    expect(second.headers['idempotency-replayed']).toBeUndefined();
  });

  it('makes a concurrent retry wait for the first attempt, then replay it', async () => {
    const { path, body, auth } = await CREATING_ROUTES['POST /therapy-sessions']!(fixture);
    const key = `concurrent-${Date.now()}`;
    const answers = await Promise.all([1, 2, 3].map(() => send(path, auth, key, body)));
    expect(answers.map((answer) => answer.status)).toEqual([201, 201, 201]);
    expect(new Set(answers.map((answer) => answer.body.id)).size).toBe(1);
    const replays = answers.filter((answer) => answer.headers['idempotency-replayed'] === 'true');
    expect(replays).toHaveLength(2);
  });

  it('leaves no key behind when the creation fails, so the retry runs afresh', async () => {
    const { path, body, auth } = await CREATING_ROUTES['POST /therapy-sessions']!(fixture);
    const key = `failed-${Date.now()}`;
    await send(path, auth, key, { ...body, clientId: '00000000-0000-4000-8000-000000000000' });
    const [row] = await testApp.dataSource.query<{ n: number }[]>(
      `SELECT count(*)::int AS n FROM idempotency_keys WHERE key = $1`,
      [key],
    );
    expect(row!.n).toBe(0);
    await send(path, auth, key, body).expect(201);
  });
});
