import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import request from 'supertest';
import { DEMO_PRACTICE_ID } from '../../src/seed/demo-seed';
import { asOwner } from '../setup/database-roles';
import { startTestApp, type TestApp } from '../setup/test-app';
import { isolatedDatabaseUrl } from '../setup/test-database';

const DEMO_RESET = resolve(__dirname, '../../dist/src/seed/cli/demo-reset.js');

describe('npm run demo:reset', () => {
  let testApp: TestApp;
  let url: string;

  beforeAll(async () => {
    url = await isolatedDatabaseUrl('demo_reset_cli');
    testApp = await startTestApp({ databaseUrl: url });
  });
  afterAll(() => testApp.close());

  const demoReset = (...args: string[]) =>
    spawnSync(process.execPath, [DEMO_RESET, ...args], {
      env: {
        PATH: process.env.PATH,
        DATABASE_URL: url,
        MIGRATION_DATABASE_URL: asOwner(url),
        NODE_ENV: 'development',
        LOG_LEVEL: 'silent',
        DEMO_PASSWORD: 'demo-password-for-tests',
      },
      encoding: 'utf8',
    });

  it('says what it does with --help, and refuses unknown arguments', () => {
    const help = demoReset('--help');
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('Usage: npm run demo:reset');
    expect(demoReset('--everything').status).toBe(1);
  });

  it('rebuilds the demo practice beside a running API, with fresh records each time', async () => {
    const clients = () =>
      testApp.dataSource.query<{ id: string }[]>(
        `SELECT id FROM clients WHERE practice_id = $1 ORDER BY id`,
        [DEMO_PRACTICE_ID],
      );
    const first = demoReset();
    expect(first.stderr).toBe('');
    expect(first.status).toBe(0);
    const before = await clients();
    expect(before).toHaveLength(6);

    const again = demoReset();
    expect(again.stderr).toBe('');
    expect(again.status).toBe(0);
    const after = await clients();
    expect(after).toHaveLength(6);
    expect(after.filter((row) => before.some((old) => old.id === row.id))).toEqual([]);

    const login = await request(testApp.app.getHttpServer())
      .post('/api/v1/auth/login')
      .send({ email: 'counselor@riverside.example', password: 'demo-password-for-tests' })
      .expect(200);
    const dashboard = await request(testApp.app.getHttpServer())
      .get('/api/v1/dashboard')
      .set('Authorization', `Bearer ${login.body.accessToken as string}`)
      .expect(200);
    expect(dashboard.body.schedule.length).toBeGreaterThan(0);
    // The demo practice's audit chain starts afresh with the new records, and holds.
    const admin = await request(testApp.app.getHttpServer())
      .post('/api/v1/auth/login')
      .send({ email: 'admin@riverside.example', password: 'demo-password-for-tests' })
      .expect(200);
    const verification = await request(testApp.app.getHttpServer())
      .get('/api/v1/audit-events/verify')
      .set('Authorization', `Bearer ${admin.body.accessToken as string}`)
      .expect(200);
    expect(verification.body).toMatchObject({ ok: true, firstBrokenEventId: null });
    expect(verification.body.checked).toBeGreaterThan(100);
  }, 240_000); // two full seeds through the API in child processes: minutes on a loaded machine
});
