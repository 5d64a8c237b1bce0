import request from 'supertest';
import { createTeam } from '../factories/staff.factory';
import { bearer, tokenFor } from '../setup/auth';
import { startTestApp, type TestApp } from '../setup/test-app';
import { isolatedDatabaseUrl } from '../setup/test-database';

const delay = (ms: number) => new Promise((done) => setTimeout(done, ms));

/** Budgets are per fixed minute: start a test far enough from the minute's end not to straddle it. */
async function awayFromMinuteEnd(neededSeconds: number): Promise<void> {
  const left = 60 - ((Date.now() / 1000) % 60);
  if (left < neededSeconds) await delay(left * 1000 + 100);
}

describe('per-actor rate limit on authenticated routes', () => {
  describe('on one replica', () => {
    let testApp: TestApp;
    beforeAll(async () => {
      testApp = await startTestApp({ env: { ACTOR_RATE_LIMIT_PER_MINUTE: '5' } });
    });
    afterAll(() => testApp.close());

    const me = (token: string) =>
      request(testApp.app.getHttpServer()).get('/api/v1/me').set('Authorization', bearer(token));

    it('stops a signed-in caller (a stolen token, a runaway script) after its budget, with 429, Retry-After and RateLimit fields', async () => {
      const { counselor } = await createTeam(testApp.dataSource);
      const token = await tokenFor(testApp.app, counselor);
      await awayFromMinuteEnd(10);

      const remaining: string[] = [];
      for (let attempt = 0; attempt < 5; attempt += 1) {
        const answer = await me(token).expect(200);
        expect(answer.headers['ratelimit-limit']).toBe('5');
        expect(answer.headers['ratelimit-policy']).toBe('5;w=60');
        const reset = Number(answer.headers['ratelimit-reset']);
        expect(reset).toBeGreaterThanOrEqual(1);
        expect(reset).toBeLessThanOrEqual(60);
        remaining.push(answer.headers['ratelimit-remaining'] as string);
      }
      expect(remaining).toEqual(['4', '3', '2', '1', '0']);

      const refused = await me(token).expect(429);
      expect(refused.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(refused.body).toMatchObject({
        type: 'urn:family-therapy:problem:rate-limited',
        status: 429,
      });
      const retryAfter = Number(refused.headers['retry-after']);
      expect(retryAfter).toBeGreaterThanOrEqual(1);
      expect(retryAfter).toBeLessThanOrEqual(60);
      expect(refused.headers['ratelimit-remaining']).toBe('0');
    });

    it('does not let one actor spend another actor’s budget', async () => {
      const { counselor, supervisor } = await createTeam(testApp.dataSource);
      const greedy = await tokenFor(testApp.app, counselor);
      await awayFromMinuteEnd(10);
      for (let attempt = 0; attempt < 5; attempt += 1) await me(greedy).expect(200);
      await me(greedy).expect(429);

      const other = await me(await tokenFor(testApp.app, supervisor)).expect(200);
      expect(other.headers['ratelimit-remaining']).toBe('4');
    });

    it('leaves public routes unlimited and unlabelled', async () => {
      const health = await request(testApp.app.getHttpServer()).get('/health/live').expect(200);
      expect(health.headers['ratelimit-limit']).toBeUndefined();
    });

    it('documents the 429 and the RateLimit fields on operations that need a token, only there', async () => {
      const document = (await request(testApp.app.getHttpServer()).get('/docs-json').expect(200))
        .body as {
        paths: Record<string, Record<string, { responses: Record<string, { headers?: object }> }>>;
      };
      const me = document.paths['/api/v1/me']!.get!.responses;
      expect(Object.keys(me['429']!.headers ?? {})).toEqual(
        expect.arrayContaining(['Retry-After', 'RateLimit-Remaining']),
      );
      expect(Object.keys(me['200']!.headers ?? {})).toEqual(
        expect.arrayContaining(['RateLimit-Limit', 'RateLimit-Remaining', 'RateLimit-Reset']),
      );
      expect(document.paths['/health/ready']!.get!.responses['429']).toBeUndefined();
    });
  });

  describe('on two replicas sharing one database', () => {
    let first: TestApp;
    let second: TestApp;
    beforeAll(async () => {
      const databaseUrl = await isolatedDatabaseUrl('actorlimit');
      const env = { ACTOR_RATE_LIMIT_PER_MINUTE: '20' };
      first = await startTestApp({ databaseUrl, env });
      second = await startTestApp({ databaseUrl, env });
    });
    afterAll(async () => {
      await first.close();
      await second.close();
    });

    it('does not give a caller who spreads requests over replicas a budget per replica', async () => {
      const { counselor } = await createTeam(first.dataSource);
      const token = await tokenFor(first.app, counselor);
      const me = (replica: TestApp) =>
        request(replica.app.getHttpServer()).get('/api/v1/me').set('Authorization', bearer(token));
      await awayFromMinuteEnd(25);

      const onFirst: number[] = [];
      for (let attempt = 0; attempt < 15; attempt += 1) onFirst.push((await me(first)).status);
      // Each replica adds its counts to PostgreSQL every second and reads the totals back (the wait
      // leaves room for a busy test machine).
      await delay(3000);
      const onSecond: number[] = [];
      for (let attempt = 0; attempt < 15; attempt += 1) onSecond.push((await me(second)).status);
      await delay(3000);
      const after = [(await me(first)).status, (await me(second)).status];

      expect(onFirst.every((status) => status === 200)).toBe(true);
      const accepted = [...onFirst, ...onSecond].filter((status) => status === 200).length;
      // Approximate by design: a replica may let through what arrives before its first read-back.
      expect(accepted).toBeGreaterThanOrEqual(20);
      expect(accepted).toBeLessThanOrEqual(22);
      expect(onSecond).toContain(429);
      expect(after).toEqual([429, 429]);
      const [bucket] = await first.dataSource.query<{ hits: number }[]>(
        `SELECT hits FROM rate_limit_buckets WHERE key = $1`,
        [`actor:${counselor.id}`],
      );
      expect(bucket?.hits).toBe(accepted);
    });
  });
});
