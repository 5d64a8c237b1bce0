import request from 'supertest';
import { createTeam, createStaff, TEST_PASSWORD } from '../factories/staff.factory';
import { bearer, loginAs, tokenFor } from '../setup/auth';
import { startTestApp, type TestApp } from '../setup/test-app';

describe('sessions: login, refresh rotation, logout, lockout', () => {
  let testApp: TestApp;

  beforeAll(async () => {
    testApp = await startTestApp({
      env: { LOGIN_LOCKOUT_THRESHOLD: '5', LOGIN_LOCKOUT_SECONDS: '2' },
    });
  });
  afterAll(() => testApp.close());

  const http = () => request(testApp.app.getHttpServer());
  const login = (email: string, password: string) =>
    http().post('/api/v1/auth/login').send({ email, password });
  const refresh = (refreshToken: string) =>
    http().post('/api/v1/auth/refresh').send({ refreshToken });
  const events = (resourceId: string) =>
    testApp.dataSource.query<{ action: string; outcome: string; actor_type: string }[]>(
      `SELECT action, outcome, actor_type FROM audit_events WHERE resource_id = $1 ORDER BY occurred_at`,
      [resourceId],
    );

  it('signs in with email and password, case-insensitively, and audits it', async () => {
    const { counselor } = await createTeam(testApp.dataSource);
    const response = await login(counselor.email.toUpperCase(), counselor.password).expect(200);
    expect(response.body).toEqual({
      accessToken: expect.any(String),
      refreshToken: expect.stringMatching(/^[0-9a-f-]{36}\.[A-Za-z0-9_-]{43}$/),
      expiresIn: 900,
      tokenType: 'Bearer',
    });
    expect(await events(counselor.id)).toEqual([
      { action: 'login', outcome: 'success', actor_type: 'staff' },
    ]);
  });

  it('answers an unknown email exactly as a wrong password', async () => {
    const { counselor } = await createTeam(testApp.dataSource);
    const wrong = await login(counselor.email, 'wrong-password-123').expect(401);
    const unknown = await login('nobody-here@test.example', 'wrong-password-123').expect(401);
    const strip = (body: Record<string, unknown>) => ({ ...body, requestId: undefined });
    expect(strip(unknown.body)).toEqual(strip(wrong.body));
    expect(wrong.body.detail).toBe(
      'The email or password is incorrect, or the account is temporarily locked.',
    );
    expect(await events(counselor.id)).toEqual([
      { action: 'login_failed', outcome: 'failure', actor_type: 'anonymous' },
    ]);
  });

  it('rotates refresh tokens, and a reused one revokes the whole family', async () => {
    const { counselor } = await createTeam(testApp.dataSource);
    const first = (await login(counselor.email, counselor.password).expect(200)).body
      .refreshToken as string;
    const second = await refresh(first).expect(200);
    expect(second.body.refreshToken).not.toBe(first);
    await http()
      .get('/api/v1/me')
      .set('Authorization', bearer(second.body.accessToken))
      .expect(200);

    // The spent token comes back (stolen): refused, and the family's live token dies with it.
    const replay = await refresh(first).expect(401);
    expect(replay.body.type).toBe('urn:family-therapy:problem:invalid-refresh-token');
    await refresh(second.body.refreshToken as string).expect(401);
    const [reuse] = await testApp.dataSource.query<{ count: number }[]>(
      `SELECT count(*)::int AS count FROM audit_events WHERE action = 'token_reuse_detected' AND practice_id = $1`,
      [counselor.practiceId],
    );
    expect(reuse!.count).toBe(1);
    // Other sessions (families) of the same person are not touched.
    const other = (await login(counselor.email, counselor.password).expect(200)).body
      .refreshToken as string;
    await refresh(other).expect(200);
  });

  it('refuses malformed, unknown and tampered refresh tokens with 401', async () => {
    const { counselor } = await createTeam(testApp.dataSource);
    const token = (await login(counselor.email, counselor.password).expect(200)).body
      .refreshToken as string;
    const [id, secret] = token.split('.');
    await refresh('garbage').expect(401);
    await refresh(`00000000-0000-4000-8000-000000000000.${secret}`).expect(401);
    await refresh(`${id}.${'A'.repeat(43)}`).expect(401);
    await refresh(token).expect(200); // the genuine one was not spent by the attempts above
  });

  it('logout revokes the refresh token', async () => {
    const { counselor } = await createTeam(testApp.dataSource);
    const token = (await login(counselor.email, counselor.password).expect(200)).body
      .refreshToken as string;
    await http().post('/api/v1/auth/logout').send({ refreshToken: token }).expect(204);
    await refresh(token).expect(401);
    await http().post('/api/v1/auth/logout').send({ refreshToken: token }).expect(204);
  });

  it('locks a source out of an account after 5 failures in a row, and lets it in after the window', async () => {
    const { counselor } = await createTeam(testApp.dataSource);
    for (let attempt = 0; attempt < 5; attempt += 1)
      await login(counselor.email, 'not-the-password').expect(401);
    // Locked: even the right password is refused, with the same answer.
    const locked = await login(counselor.email, counselor.password).expect(401);
    expect(locked.body.type).toBe('urn:family-therapy:problem:invalid-credentials');
    await new Promise((resolve) => setTimeout(resolve, 2_200));
    await login(counselor.email, counselor.password).expect(200);
  });

  it('ends refresh tokens when an admin deactivates the user, and refuses their login', async () => {
    const { admin, counselor } = await createTeam(testApp.dataSource);
    const token = (await login(counselor.email, counselor.password).expect(200)).body
      .refreshToken as string;
    await http()
      .post(`/api/v1/staff/${counselor.id}/deactivate`)
      .set('Authorization', bearer(await tokenFor(testApp.app, admin)))
      .expect(200);
    await refresh(token).expect(401);
    await login(counselor.email, counselor.password).expect(401);
  });

  it('changing the password ends other sessions and needs the current password', async () => {
    const { counselor } = await createTeam(testApp.dataSource);
    const signedIn = (await login(counselor.email, counselor.password).expect(200)).body;
    const auth = bearer(signedIn.accessToken as string);
    const wrong = await http()
      .post('/api/v1/auth/change-password')
      .set('Authorization', auth)
      .send({ currentPassword: 'not-it-at-all', newPassword: 'a-brand-new-passphrase' })
      .expect(422);
    expect(wrong.body.errors).toEqual([{ field: 'currentPassword', message: 'is incorrect' }]);
    const short = await http()
      .post('/api/v1/auth/change-password')
      .set('Authorization', auth)
      .send({ currentPassword: TEST_PASSWORD, newPassword: 'short' })
      .expect(400);
    expect(short.body.errors[0].field).toBe('newPassword');
    await http()
      .post('/api/v1/auth/change-password')
      .set('Authorization', auth)
      .send({ currentPassword: TEST_PASSWORD, newPassword: 'a-brand-new-passphrase' })
      .expect(204);
    await refresh(signedIn.refreshToken as string).expect(401);
    await login(counselor.email, TEST_PASSWORD).expect(401);
    await login(counselor.email, 'a-brand-new-passphrase').expect(200);
  });

  it('lets a new staff member set their password once with the one-time token', async () => {
    const { admin, practice } = await createTeam(testApp.dataSource);
    const created = await http()
      .post('/api/v1/staff')
      .set('Authorization', bearer(await loginAs(testApp.app, admin)))
      .send({
        email: `new.${practice.id.slice(0, 8)}@test.example`,
        firstName: 'New',
        lastName: 'Hire',
        role: 'counselor',
      })
      .expect(201);
    const token = created.body.setPasswordToken as string;
    expect(token).toMatch(/^[0-9a-f-]{36}\.[A-Za-z0-9_-]{43}$/);
    await login(created.body.email as string, 'whatever-it-might-be').expect(401);
    await http()
      .post('/api/v1/auth/set-password')
      .send({ token, password: 'my-own-passphrase-1' })
      .expect(204);
    await http()
      .post('/api/v1/auth/set-password')
      .send({ token, password: 'my-own-passphrase-2' })
      .expect(404);
    await login(created.body.email as string, 'my-own-passphrase-1').expect(200);
  });

  it('keeps an account of another practice apart', async () => {
    const a = await createTeam(testApp.dataSource);
    const b = await createStaff(testApp.dataSource, {
      practiceId: a.practice.id,
      role: 'counselor',
    });
    const response = await login(b.email, b.password).expect(200);
    const me = await http()
      .get('/api/v1/me')
      .set('Authorization', bearer(response.body.accessToken))
      .expect(200);
    expect(me.body.practice.id).toBe(a.practice.id);
  });
});
