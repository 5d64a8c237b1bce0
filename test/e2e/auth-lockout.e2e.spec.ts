import request from 'supertest';
import { createTeam } from '../factories/staff.factory';
import { startTestApp, type TestApp } from '../setup/test-app';
import { isolatedDatabaseUrl } from '../setup/test-database';
import { DEMO_LOGINS } from '../../src/seed/demo-seed';
import { environmentSchema } from '../../src/config/config.schema';

/**
 * Whoever knows a clinician's email must not be able to keep them out: failures are throttled per
 * account and source, and only a distributed guess locks the account (within ASVS V2.2.1).
 */
describe('login lockout without denial of service', () => {
  let testApp: TestApp;

  beforeAll(async () => {
    testApp = await startTestApp({
      databaseUrl: await isolatedDatabaseUrl('lockout'),
      env: { TRUST_PROXY: 'true', LOGIN_LOCKOUT_THRESHOLD: '5', LOGIN_LOCKOUT_SECONDS: '900' },
    });
  });
  afterAll(() => testApp.close());

  const login = (ip: string, email: string, password = 'wrong-password-1') =>
    request(testApp.app.getHttpServer())
      .post('/api/v1/auth/login')
      .set('X-Forwarded-For', ip)
      .send({ email, password });
  const failures = async (staffId: string, reason: string) => {
    const [row] = await testApp.dataSource.query<{ n: number }[]>(
      `SELECT count(*)::int AS n FROM audit_events
        WHERE action = 'login_failed' AND resource_id = $1 AND metadata ->> 'reason' = $2`,
      [staffId, reason],
    );
    return row!.n;
  };

  it('lets the owner sign in from elsewhere while an attacker keeps failing from one source', async () => {
    const { counselor } = await createTeam(testApp.dataSource);
    for (let attempt = 0; attempt < 20; attempt += 1)
      await login('203.0.113.50', counselor.email).expect(401);
    await login('198.51.100.9', counselor.email, counselor.password).expect(200);
  });

  it('refuses the failing source, even with the right password, and stops counting its guesses', async () => {
    const { counselor } = await createTeam(testApp.dataSource);
    for (let attempt = 0; attempt < 5; attempt += 1)
      await login('203.0.113.60', counselor.email).expect(401);
    const refused = await login('203.0.113.60', counselor.email, counselor.password).expect(401);
    expect(refused.body.type).toBe('urn:family-therapy:problem:invalid-credentials');
    await login('203.0.113.60', counselor.email).expect(401);
    expect(await failures(counselor.id, 'wrong_password')).toBe(5);
    expect(await failures(counselor.id, 'source_locked')).toBe(2);
  });

  it('allows no more than 100 failed guesses an hour on one account across many sources', async () => {
    const { counselor } = await createTeam(testApp.dataSource);
    // Four guesses from each of 30 sources stays under every per-source limit.
    for (let source = 0; source < 30; source += 1)
      for (let attempt = 0; attempt < 4; attempt += 1)
        await login(`192.0.2.${source + 1}`, counselor.email).expect(401);
    expect(await failures(counselor.id, 'wrong_password')).toBe(100);
    expect(await failures(counselor.id, 'locked')).toBe(20);
    // Locked account-wide now: a fresh source with the right password is refused too.
    await login('198.51.100.77', counselor.email, counselor.password).expect(401);
    const [staff] = await testApp.dataSource.query<{ locked_for: number }[]>(
      `SELECT extract(epoch FROM locked_until - now())::int AS locked_for FROM staff WHERE id = $1`,
      [counselor.id],
    );
    expect(staff!.locked_for).toBeGreaterThan(3500);
  }, 120_000);

  it('refuses a configured ceiling above the ASVS one', () => {
    expect(environmentSchema.safeParse({ LOGIN_ACCOUNT_FAILURES_PER_HOUR: '101' }).success).toBe(
      false,
    );
  });

  it('shows neither a demo account nor the demo password as the login example', async () => {
    const { body } = await request(testApp.app.getHttpServer()).get('/docs-json').expect(200);
    const example = body.components.schemas.LoginDto.properties;
    const demoEmails: string[] = DEMO_LOGINS.map((demo) => demo.email);
    expect(demoEmails).not.toContain(example.email.example);
    expect(example.password.example).not.toBe(environmentSchema.parse({}).DEMO_PASSWORD);
  });
});
