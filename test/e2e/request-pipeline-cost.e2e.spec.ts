import { INTERCEPTORS_METADATA } from '@nestjs/common/constants';
import { ApplicationConfig, ModulesContainer } from '@nestjs/core';
import { ProxyProviderManager } from 'nestjs-cls/dist/src/lib/proxy-provider/proxy-provider-manager';
import request from 'supertest';
import { ApiKeyStrategy } from '../../src/auth/api-key.strategy';
import { AuthGuard } from '../../src/auth/auth.guard';
import { JwtAccessStrategy } from '../../src/auth/jwt-access.strategy';
import { IdempotencyInterceptor } from '../../src/common/idempotency/idempotency.interceptor';
import { postHandlers } from '../../src/common/idempotency/idempotent-post-routes';
import { createClient } from '../factories/client.factory';
import { createTeam } from '../factories/staff.factory';
import { bearer, tokenFor } from '../setup/auth';
import { startTestApp, type TestApp } from '../setup/test-app';

const where = (frame: NodeJS.CallSite): string =>
  `${frame.getFunctionName() ?? '<anonymous>'} (${frame.getFileName() ?? '?'}:${frame.getLineNumber() ?? 0})`;

/** Stack traces formatted (an Error's `.stack` read) and captured explicitly while `work` runs. */
async function stacksDuring(work: () => Promise<unknown>): Promise<string[]> {
  const seen: string[] = [];
  const original = Error.prepareStackTrace;
  const capture = Error.captureStackTrace;
  Error.prepareStackTrace = (error, frames) => {
    seen.push(`${String(error)} at ${frames.slice(0, 6).map(where).join(' < ')}`);
    return original
      ? original(error, frames)
      : `${String(error)}\n    at ${frames.map(where).join('\n    at ')}`;
  };
  Error.captureStackTrace = (target, constructor) => {
    seen.push(`captureStackTrace ${target instanceof Error ? target.message : typeof target}`);
    capture(target, constructor);
  };
  try {
    await work();
  } finally {
    Error.prepareStackTrace = original;
    Error.captureStackTrace = capture;
  }
  return seen;
}

/**
 * What the request pipeline costs besides the two statements (issue 19): a successful read makes
 * no error on its way (an Error with its stack formatted was ~5% of a read's CPU).
 */
describe('the request pipeline on a read', () => {
  let testApp: TestApp;

  beforeAll(async () => {
    testApp = await startTestApp();
  });
  afterAll(() => testApp.close());

  it('formats no stack trace and captures none', async () => {
    const db = testApp.dataSource;
    const team = await createTeam(db);
    const client = await createClient(db, {
      practiceId: team.practice.id,
      primaryCounselorId: team.counselor.id,
    });
    const auth = bearer(await tokenFor(testApp.app, team.counselor));
    const server = testApp.app.getHttpServer();
    // supertest's own `.expect` makes an Error to point at its caller: statuses are checked after.
    const read = () =>
      request(server).get(`/api/v1/clients/${client.id}`).set('Authorization', auth);
    expect((await read()).status).toBe(200); // the first request of a token checks its session
    const statuses: number[] = [];
    const stacks = await stacksDuring(async () => {
      for (let i = 0; i < 5; i += 1) statuses.push((await read()).status);
    });
    expect(statuses).toEqual([200, 200, 200, 200, 200]);
    expect(stacks).toEqual([]);
  });

  it('sends its statements on connections the pool lends, with no TypeORM query runner made', async () => {
    const db = testApp.dataSource;
    const team = await createTeam(db);
    const client = await createClient(db, {
      practiceId: team.practice.id,
      primaryCounselorId: team.counselor.id,
    });
    const auth = bearer(await tokenFor(testApp.app, team.counselor));
    const read = () =>
      request(testApp.app.getHttpServer())
        .get(`/api/v1/clients/${client.id}`)
        .set('Authorization', auth);
    expect((await read()).status).toBe(200);
    // The per-caller rate limit flushes its counts on a timer of its own, which may fall during
    // the read; only runners made on the request's path count.
    const create = db.createQueryRunner.bind(db);
    const requestRunners: string[] = [];
    const runners = jest.spyOn(db, 'createQueryRunner').mockImplementation((...args) => {
      const stack = new Error().stack ?? '';
      if (!stack.includes('actor-rate-limiter')) requestRunners.push(stack);
      return create(...args);
    });
    // nor does the request context resolve proxy providers (none exist; it cost a require each time)
    const proxies = jest.spyOn(ProxyProviderManager, 'resolveProxyProviders');
    try {
      expect((await read()).status).toBe(200);
      expect(requestRunners).toEqual([]);
      expect(proxies).not.toHaveBeenCalled();
    } finally {
      runners.mockRestore();
      proxies.mockRestore();
    }
  });

  it('runs one passport strategy for a staff token: the API-key strategy is not asked', async () => {
    const db = testApp.dataSource;
    const team = await createTeam(db);
    const client = await createClient(db, {
      practiceId: team.practice.id,
      primaryCounselorId: team.counselor.id,
    });
    const auth = bearer(await tokenFor(testApp.app, team.counselor));
    const apiKeys = jest.spyOn(testApp.app.get(ApiKeyStrategy), 'authenticate');
    const jwts = jest.spyOn(testApp.app.get(JwtAccessStrategy), 'authenticate');
    try {
      await request(testApp.app.getHttpServer())
        .get(`/api/v1/clients/${client.id}`)
        .set('Authorization', auth)
        .expect(200);
      expect(apiKeys).not.toHaveBeenCalled();
      expect(jwts).toHaveBeenCalledTimes(1);
    } finally {
      apiKeys.mockRestore();
      jwts.mockRestore();
    }
  });

  it('has no global interceptor and one global guard, the authentication guard', () => {
    // nestjs-cls's pass-through guard and interceptor are dropped (see dropPassThroughEnhancers).
    const config = testApp.app.get(ApplicationConfig);
    expect(config.getGlobalInterceptors()).toEqual([]);
    const guards = config.getGlobalGuards();
    expect(guards).toHaveLength(1);
    expect(guards[0]).toBeInstanceOf(AuthGuard);
  });

  it('runs no interceptor on a read; the idempotency interceptor wraps POSTs only', async () => {
    const db = testApp.dataSource;
    const team = await createTeam(db);
    const client = await createClient(db, {
      practiceId: team.practice.id,
      primaryCounselorId: team.counselor.id,
    });
    const auth = bearer(await tokenFor(testApp.app, team.counselor));
    const intercept = jest.spyOn(testApp.app.get(IdempotencyInterceptor), 'intercept');
    try {
      await request(testApp.app.getHttpServer())
        .get(`/api/v1/clients/${client.id}`)
        .set('Authorization', auth)
        .expect(200);
      // Nest builds no Observable pipeline for a handler without interceptors.
      expect(intercept).not.toHaveBeenCalled();
      await request(testApp.app.getHttpServer())
        .post(`/api/v1/clients/${client.id}/family-members`)
        .set('Authorization', auth)
        .send({ firstName: 'Ada', lastName: 'Lowe', relationship: 'sibling' })
        .expect(201);
      expect(intercept).toHaveBeenCalledTimes(1);
    } finally {
      intercept.mockRestore();
    }
  });

  it('gives every POST handler exactly one idempotency interceptor, the newest app’s', async () => {
    // A second app in the same process shares the controllers' handlers and their metadata.
    const second = await startTestApp();
    try {
      const handlers = postHandlers(second.app.get(ModulesContainer));
      expect(handlers.length).toBeGreaterThan(50);
      const mine = second.app.get(IdempotencyInterceptor);
      for (const handler of handlers) {
        const attached = (Reflect.getMetadata(INTERCEPTORS_METADATA, handler) ?? []) as unknown[];
        expect(attached.filter((one) => one instanceof IdempotencyInterceptor)).toEqual([mine]);
      }
    } finally {
      await second.close();
    }
  });
});
