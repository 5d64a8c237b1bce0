import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import request from 'supertest';
import { startTestApp, type TestApp } from '../setup/test-app';
import { isolatedDatabaseUrl } from '../setup/test-database';
import { asOwner } from '../setup/database-roles';

const PRACTICE_CREATE = resolve(__dirname, '../../dist/src/practices/cli/practice-create.js');

describe('provisioning', () => {
  let testApp: TestApp;
  let url: string;

  beforeAll(async () => {
    url = await isolatedDatabaseUrl('provisioning');
    testApp = await startTestApp({ databaseUrl: url });
  });
  afterAll(() => testApp.close());

  const login = (email: string, password: string) =>
    request(testApp.app.getHttpServer()).post('/api/v1/auth/login').send({ email, password });

  const practiceCreate = (...args: string[]) =>
    spawnSync(process.execPath, [PRACTICE_CREATE, ...args], {
      env: {
        PATH: process.env.PATH,
        DATABASE_URL: url,
        MIGRATION_DATABASE_URL: asOwner(url),
        NODE_ENV: 'development',
        LOG_LEVEL: 'silent',
      },
      encoding: 'utf8',
    });

  it('practice:create provisions a practice and its admin, with a password printed once when generated', async () => {
    const given = practiceCreate(
      '--name',
      'Lakeside Therapy',
      '--admin-email',
      'Owner@Lakeside.Example',
      '--admin-password',
      'lakeside-owner-pass',
      '--time-zone',
      'Europe/Berlin',
    );
    expect(given.stderr).toBe('');
    expect(given.status).toBe(0);
    expect(given.stdout).toMatch(
      /^Practice created: Lakeside Therapy \([0-9a-f-]{36}\)\nAdmin: owner@lakeside.example\n$/,
    );
    const signedIn = await login('owner@lakeside.example', 'lakeside-owner-pass').expect(200);
    const me = await request(testApp.app.getHttpServer())
      .get('/api/v1/me')
      .set('Authorization', `Bearer ${signedIn.body.accessToken}`)
      .expect(200);
    expect(me.body).toMatchObject({
      role: 'admin',
      practice: { name: 'Lakeside Therapy', timeZone: 'Europe/Berlin' },
    });

    const generated = practiceCreate(
      '--name',
      'Hillside Counseling',
      '--admin-email',
      'head@hillside.example',
    );
    expect(generated.status).toBe(0);
    const password = /Password \(shown once\): (\S+)/.exec(generated.stdout)?.[1];
    expect(password).toBeDefined();
    await login('head@hillside.example', password!).expect(200);
  });

  it('practice:create leaves nothing behind when the admin email is taken, or arguments are bad', async () => {
    const before = await testApp.dataSource.query<{ n: number }[]>(
      `SELECT count(*)::int AS n FROM practices`,
    );
    const taken = practiceCreate(
      '--name',
      'Duplicate',
      '--admin-email',
      'owner@lakeside.example',
      '--admin-password',
      'another-long-password',
    );
    expect(taken.status).toBe(1);
    expect(taken.stderr).toContain('already exists');
    const missing = practiceCreate('--name', 'No Admin');
    expect(missing.status).toBe(1);
    expect(missing.stderr).toContain('Usage: npm run practice:create');
    const zone = practiceCreate(
      '--name',
      'Bad Zone',
      '--admin-email',
      'z@zone.example',
      '--time-zone',
      'Mars/Olympus',
    );
    expect(zone.status).toBe(1);
    expect(zone.stderr).toContain('Unknown time zone');
    const after = await testApp.dataSource.query<{ n: number }[]>(
      `SELECT count(*)::int AS n FROM practices`,
    );
    expect(after).toEqual(before);
  });
});
