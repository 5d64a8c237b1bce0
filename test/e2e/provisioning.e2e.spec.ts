import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import request from 'supertest';
import { DEMO_LOGINS, DEMO_PRACTICE_ID, seedDemoPractice } from '../../src/seed/demo-seed';
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

  it('seeds the demo practice and its five logins once, however often it runs', async () => {
    // The seed runs as the owner, as `npm start` runs it; the app reads what it wrote.
    expect(await seedDemoPractice(asOwner(url), 'demo-password-for-tests')).toEqual({
      created: true,
    });
    expect(await seedDemoPractice(asOwner(url), 'demo-password-for-tests')).toEqual({
      created: false,
    });
    const staff = await testApp.dataSource.query<
      { email: string; role: string; requires_cosign: boolean; supervisor: string | null }[]
    >(
      `SELECT s.email, s.role, s.requires_cosign, sup.email AS supervisor
         FROM staff s LEFT JOIN staff sup ON sup.id = s.supervisor_id
        WHERE s.practice_id = $1 ORDER BY s.email`,
      [DEMO_PRACTICE_ID],
    );
    expect(staff).toEqual([
      { email: 'admin@riverside.example', role: 'admin', requires_cosign: false, supervisor: null },
      {
        email: 'counselor@riverside.example',
        role: 'counselor',
        requires_cosign: false,
        supervisor: null,
      },
      {
        email: 'intake@riverside.example',
        role: 'intake_coordinator',
        requires_cosign: false,
        supervisor: null,
      },
      {
        email: 'supervisor@riverside.example',
        role: 'supervisor',
        requires_cosign: false,
        supervisor: null,
      },
      {
        email: 'trainee@riverside.example',
        role: 'counselor',
        requires_cosign: true,
        supervisor: 'supervisor@riverside.example',
      },
    ]);
    for (const demo of DEMO_LOGINS) await login(demo.email, 'demo-password-for-tests').expect(200);
    const clients = await testApp.dataSource.query<
      { name: string; status: string; primary: string | null; family: number }[]
    >(
      `SELECT c.first_name || ' ' || c.last_name AS name, c.status,
              (SELECT s.email FROM care_team_members m JOIN staff s ON s.id = m.staff_id
                WHERE m.client_id = c.id AND m.role = 'primary_counselor') AS primary,
              (SELECT count(*)::int FROM family_members f WHERE f.client_id = c.id) AS family
         FROM clients c WHERE c.practice_id = $1 ORDER BY c.client_number`,
      [DEMO_PRACTICE_ID],
    );
    expect(clients).toEqual([
      { name: 'Maya Okafor', status: 'active', primary: 'counselor@riverside.example', family: 2 },
      { name: 'Elena Marsh', status: 'active', primary: 'trainee@riverside.example', family: 1 },
      {
        name: 'Ruth Lindqvist',
        status: 'active',
        primary: 'supervisor@riverside.example',
        family: 2,
      },
      {
        name: 'Samuel Nguyễn',
        status: 'on_hold',
        primary: 'counselor@riverside.example',
        family: 1,
      },
      { name: 'Priya Raman', status: 'intake', primary: null, family: 1 },
    ]);
    const [audited] = await testApp.dataSource.query<{ n: number }[]>(
      `SELECT count(*)::int AS n FROM audit_events WHERE practice_id = $1 AND actor_type = 'system' AND action = 'create'`,
      [DEMO_PRACTICE_ID],
    );
    expect(audited!.n).toBe(6 + 5 + 7 + 2 + 17);
    const [agreement] = await testApp.dataSource.query<
      { status: string; items: number; violations: number; acks: number }[]
    >(
      `SELECT a.status,
              (SELECT count(*)::int FROM boundary_items i WHERE i.agreement_id = a.id) AS items,
              (SELECT count(*)::int FROM boundary_violations v WHERE v.agreement_id = a.id) AS violations,
              (SELECT count(*)::int FROM boundary_acknowledgments k WHERE k.agreement_id = a.id) AS acks
         FROM boundary_agreements a WHERE a.practice_id = $1`,
      [DEMO_PRACTICE_ID],
    );
    expect(agreement).toEqual({ status: 'active', items: 3, violations: 1, acks: 2 });
  });

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
