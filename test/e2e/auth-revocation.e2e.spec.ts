import request from 'supertest';
import { createStaff, createTeam, TEST_PASSWORD, type TestStaff } from '../factories/staff.factory';
import { bearer, tokenFor } from '../setup/auth';
import { countQueries } from '../setup/query-counter';
import { startTestApp, type TestApp } from '../setup/test-app';

interface Session {
  accessToken: string;
  refreshToken: string;
}

/** An access token must die with what issued it, on the very next request. */
describe('access tokens end with their session', () => {
  let testApp: TestApp;

  beforeAll(async () => {
    testApp = await startTestApp();
  });
  afterAll(() => testApp.close());

  const http = () => request(testApp.app.getHttpServer());
  const signIn = async (staff: Pick<TestStaff, 'email' | 'password'>): Promise<Session> =>
    (
      await http()
        .post('/api/v1/auth/login')
        .send({ email: staff.email, password: staff.password })
        .expect(200)
    ).body as Session;
  const me = (accessToken: string) =>
    http().get('/api/v1/me').set('Authorization', bearer(accessToken));
  const expectRefused = async (accessToken: string) => {
    const refused = await me(accessToken).expect(401);
    expect(refused.body.type).toBe('urn:family-therapy:problem:unauthenticated');
    expect(refused.headers['www-authenticate']).toBe('Bearer');
  };

  it('refuses a stolen access token once its owner logs out, and only that session', async () => {
    const { counselor } = await createTeam(testApp.dataSource);
    const stolen = await signIn(counselor);
    const otherDevice = await signIn(counselor);
    await me(stolen.accessToken).expect(200);
    await http()
      .post('/api/v1/auth/logout')
      .send({ refreshToken: stolen.refreshToken })
      .expect(204);
    await expectRefused(stolen.accessToken);
    await me(otherDevice.accessToken).expect(200);
  });

  it('refuses every access token of a person who changed their password, and only theirs', async () => {
    const { counselor, supervisor } = await createTeam(testApp.dataSource);
    const current = await signIn(counselor);
    const stolen = await signIn(counselor);
    const colleague = await signIn(supervisor);
    await me(stolen.accessToken).expect(200);
    await http()
      .post('/api/v1/auth/change-password')
      .set('Authorization', bearer(current.accessToken))
      .send({ currentPassword: TEST_PASSWORD, newPassword: 'a-brand-new-passphrase' })
      .expect(204);
    await expectRefused(stolen.accessToken);
    await expectRefused(current.accessToken);
    await me(colleague.accessToken).expect(200);
    const fresh = await signIn({ email: counselor.email, password: 'a-brand-new-passphrase' });
    await me(fresh.accessToken).expect(200);
  });

  it('refuses access tokens issued before a password was set with a one-time link', async () => {
    const { admin, practice } = await createTeam(testApp.dataSource);
    const created = await http()
      .post('/api/v1/staff')
      .set('Authorization', bearer(await tokenFor(testApp.app, admin)))
      .send({
        email: `link.${practice.id.slice(0, 8)}@test.example`,
        firstName: 'Link',
        lastName: 'Holder',
        role: 'counselor',
      })
      .expect(201);
    const before = await tokenFor(testApp.app, {
      ...admin,
      id: created.body.id as string,
      role: 'counselor',
    });
    await me(before).expect(200);
    await http()
      .post('/api/v1/auth/set-password')
      .send({ token: created.body.setPasswordToken, password: 'my-own-passphrase-1' })
      .expect(204);
    await expectRefused(before);
  });

  it('refuses access tokens that state a role the person no longer has', async () => {
    const { admin, intake } = await createTeam(testApp.dataSource);
    const session = await signIn(intake);
    await me(session.accessToken).expect(200);
    await http()
      .patch(`/api/v1/staff/${intake.id}`)
      .set('Authorization', bearer(await tokenFor(testApp.app, admin)))
      .send({ role: 'counselor' })
      .expect(200);
    await expectRefused(session.accessToken);
    // The session itself goes on: a refresh issues a token with the new role.
    const refreshed = await http()
      .post('/api/v1/auth/refresh')
      .send({ refreshToken: session.refreshToken })
      .expect(200);
    expect((await me(refreshed.body.accessToken as string).expect(200)).body.role).toBe(
      'counselor',
    );
  });

  it('refuses a deactivated admin on the next request (no more audit exports)', async () => {
    const { admin, practice } = await createTeam(testApp.dataSource);
    const other = await createStaff(testApp.dataSource, { practiceId: practice.id, role: 'admin' });
    const leaving = await signIn(admin);
    await http()
      .get('/api/v1/audit-events')
      .set('Authorization', bearer(leaving.accessToken))
      .expect(200);
    await http()
      .post(`/api/v1/staff/${admin.id}/deactivate`)
      .set('Authorization', bearer(await tokenFor(testApp.app, other)))
      .expect(200);
    await expectRefused(leaving.accessToken);
    await http()
      .get('/api/v1/audit-events')
      .set('Authorization', bearer(leaving.accessToken))
      .expect(401);
  });

  it('refuses the access token of a family ended by a replayed refresh token', async () => {
    const { counselor } = await createTeam(testApp.dataSource);
    const first = await signIn(counselor);
    const rotated = (
      await http()
        .post('/api/v1/auth/refresh')
        .send({ refreshToken: first.refreshToken })
        .expect(200)
    ).body as Session;
    await me(rotated.accessToken).expect(200);
    await http()
      .post('/api/v1/auth/refresh')
      .send({ refreshToken: first.refreshToken })
      .expect(401);
    await expectRefused(rotated.accessToken);
    await expectRefused(first.accessToken);
  });

  it('asks the database once per session, not on every request', async () => {
    const { counselor } = await createTeam(testApp.dataSource);
    const session = await signIn(counselor);
    const sessionChecks = async () =>
      (await countQueries(() => me(session.accessToken).expect(200))).sql.filter((sql) =>
        sql.includes('token_version'),
      ).length;
    expect(await sessionChecks()).toBe(1);
    expect(await sessionChecks()).toBe(0);
    expect(await sessionChecks()).toBe(0);
  });
});
