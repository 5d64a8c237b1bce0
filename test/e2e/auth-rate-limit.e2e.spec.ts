import request from 'supertest';
import { createTeam } from '../factories/staff.factory';
import { startTestApp, type TestApp } from '../setup/test-app';
import { isolatedDatabaseUrl } from '../setup/test-database';

describe('login rate limits (kept in PostgreSQL)', () => {
  let testApp: TestApp;

  beforeAll(async () => {
    testApp = await startTestApp({
      databaseUrl: await isolatedDatabaseUrl('ratelimit'),
      env: {
        LOGIN_RATE_LIMIT_PER_IP: '5',
        LOGIN_ACCOUNT_FAILURES_PER_HOUR: '3',
        TRUST_PROXY: 'true',
      },
    });
  });
  afterAll(() => testApp.close());

  const login = (ip: string, email: string, password = 'wrong-password-1') =>
    request(testApp.app.getHttpServer())
      .post('/api/v1/auth/login')
      .set('X-Forwarded-For', ip)
      .send({ email, password });

  it('limits attempts per IP address, whatever the account', async () => {
    for (let attempt = 0; attempt < 5; attempt += 1) {
      await login('203.0.113.7', `someone${attempt}@test.example`).expect(401);
    }
    const limited = await login('203.0.113.7', 'someone-else@test.example').expect(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(limited.body.type).toBe('urn:family-therapy:problem:rate-limited');
    await login('203.0.113.8', 'someone-else@test.example').expect(401);
  });

  it('limits failures per account, whatever the IP address, at the hourly ceiling', async () => {
    const { counselor } = await createTeam(testApp.dataSource);
    for (let attempt = 0; attempt < 3; attempt += 1)
      await login(`198.51.100.${attempt}`, counselor.email).expect(401);
    // Locked account-wide (the same answer as a wrong password, not a 429 naming the account).
    const locked = await login('198.51.100.200', counselor.email, counselor.password).expect(401);
    expect(locked.body.type).toBe('urn:family-therapy:problem:invalid-credentials');
    const [failures] = await testApp.dataSource.query<{ n: number }[]>(
      `SELECT count(*)::int AS n FROM login_failures WHERE staff_id = $1`,
      [counselor.id],
    );
    expect(failures!.n).toBe(3);
  });
});
