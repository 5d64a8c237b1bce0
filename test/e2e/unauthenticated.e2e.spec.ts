import { createHmac, randomUUID } from 'node:crypto';
import { RequestMethod } from '@nestjs/common';
import request from 'supertest';
import { API_PREFIX } from '../../src/bootstrap/create-app';
import { AppConfig } from '../../src/config/app-config';
import { createTeam } from '../factories/staff.factory';
import { bearer, tokenFor } from '../setup/auth';
import { appRoutes } from '../setup/routes';
import { startTestApp, type TestApp } from '../setup/test-app';

const b64 = (value: object | Buffer) =>
  (Buffer.isBuffer(value) ? value : Buffer.from(JSON.stringify(value))).toString('base64url');

/** A genuine token's claims, signed with the app's own secret, but expired a minute ago. */
function expired(genuine: string, secret: string): string {
  const claims = JSON.parse(Buffer.from(genuine.split('.')[1]!, 'base64url').toString()) as object;
  const now = Math.floor(Date.now() / 1000);
  const head = b64({ alg: 'HS256', typ: 'JWT' });
  const body = b64({ ...claims, iat: now - 3600, exp: now - 60 });
  return `${head}.${body}.${b64(createHmac('sha256', secret).update(`${head}.${body}`).digest())}`;
}

/**
 * Default-deny, route by route: every route not marked public, enumerated from the app itself (so
 * a new one is covered without editing this test), answers 401 with no token and with an expired
 * one. Path parameters get a random UUID: the guard answers before anything looks them up.
 */
describe('every non-public route', () => {
  let testApp: TestApp;

  beforeAll(async () => {
    testApp = await startTestApp();
  });
  afterAll(() => testApp.close());

  it('answers 401 without a token and with an expired token', async () => {
    const { admin } = await createTeam(testApp.dataSource);
    const stale = expired(
      await tokenFor(testApp.app, admin),
      testApp.app.get(AppConfig).auth.jwtSecret,
    );
    const routes = appRoutes(testApp.app).filter((route) => !route.isPublic);
    // Listening once spares supertest a listen per request.
    const server = testApp.app.getHttpServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const call = (method: RequestMethod, path: string) => {
      const verb = RequestMethod[method].toLowerCase() as
        'get' | 'post' | 'patch' | 'put' | 'delete';
      return request(server)[verb](path);
    };

    const answers = await Promise.all(
      routes.map(async ({ method, path }) => {
        const url = `/${API_PREFIX}${path.replace(/:[A-Za-z]+/g, () => randomUUID())}`;
        const anonymous = await call(method, url);
        const late = await call(method, url).set('Authorization', bearer(stale));
        return `${RequestMethod[method]} ${path} ${anonymous.status} ${late.status}`;
      }),
    );

    expect(routes.length).toBeGreaterThan(60);
    expect(answers).toEqual(
      routes.map(({ method, path }) => `${RequestMethod[method]} ${path} 401 401`),
    );
  });
});
