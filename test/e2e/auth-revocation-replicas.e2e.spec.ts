import request from 'supertest';
import { createTeam } from '../factories/staff.factory';
import { bearer } from '../setup/auth';
import { startTestApp, type TestApp } from '../setup/test-app';
import { isolatedDatabaseUrl } from '../setup/test-database';

/** Two API processes on one database, as replicas behind a load balancer run. */
describe('access-token revocation across replicas', () => {
  let first: TestApp;
  let second: TestApp;

  beforeAll(async () => {
    const databaseUrl = await isolatedDatabaseUrl('revocation');
    first = await startTestApp({ databaseUrl });
    second = await startTestApp({ databaseUrl });
  });
  afterAll(async () => {
    await first?.close();
    await second?.close();
  });

  const me = (app: TestApp, accessToken: string) =>
    request(app.app.getHttpServer()).get('/api/v1/me').set('Authorization', bearer(accessToken));

  /** Asks `app` with the token until it stops answering 200, for at most a second after now. */
  const statusWithinOneSecond = async (app: TestApp, accessToken: string) => {
    const since = Date.now();
    let status = 200;
    while (status === 200 && Date.now() - since < 1_000) {
      status = (await me(app, accessToken)).status;
      if (status === 200) await new Promise((resolve) => setTimeout(resolve, 20));
    }
    return { status, elapsedMs: Date.now() - since };
  };

  it('refuses on the other replica, within a second, a token whose owner logged out here', async () => {
    const { counselor } = await createTeam(first.dataSource);
    const session = (
      await request(first.app.getHttpServer())
        .post('/api/v1/auth/login')
        .send({ email: counselor.email, password: counselor.password })
        .expect(200)
    ).body as { accessToken: string; refreshToken: string };
    // The other replica has seen the session and remembers it as valid.
    await me(second, session.accessToken).expect(200);
    await me(second, session.accessToken).expect(200);

    await request(first.app.getHttpServer())
      .post('/api/v1/auth/logout')
      .send({ refreshToken: session.refreshToken })
      .expect(204);
    const { status, elapsedMs } = await statusWithinOneSecond(second, session.accessToken);
    expect(status).toBe(401);
    expect(elapsedMs).toBeLessThan(1_000);
  });

  it('refuses on the other replica a token of someone deactivated here', async () => {
    const { admin, counselor } = await createTeam(first.dataSource);
    const session = (
      await request(second.app.getHttpServer())
        .post('/api/v1/auth/login')
        .send({ email: counselor.email, password: counselor.password })
        .expect(200)
    ).body as { accessToken: string };
    await me(second, session.accessToken).expect(200);
    const adminToken = (
      await request(first.app.getHttpServer())
        .post('/api/v1/auth/login')
        .send({ email: admin.email, password: admin.password })
        .expect(200)
    ).body.accessToken as string;
    await request(first.app.getHttpServer())
      .post(`/api/v1/staff/${counselor.id}/deactivate`)
      .set('Authorization', bearer(adminToken))
      .expect(200);
    const { status } = await statusWithinOneSecond(second, session.accessToken);
    expect(status).toBe(401);
  });

  it('trusts nothing it remembered once its listening connection is lost', async () => {
    const { counselor } = await createTeam(first.dataSource);
    const session = (
      await request(second.app.getHttpServer())
        .post('/api/v1/auth/login')
        .send({ email: counselor.email, password: counselor.password })
        .expect(200)
    ).body as { accessToken: string };
    await me(second, session.accessToken).expect(200);
    await first.dataSource.query(
      `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
        WHERE application_name = 'family-therapy-listen' AND datname = current_database()`,
    );
    // Revoked behind the API's back, so no NOTIFY: only asking the database can tell.
    await first.dataSource.query(
      `UPDATE refresh_tokens SET revoked_at = now(), revoked_reason = 'logout' WHERE staff_id = $1`,
      [counselor.id],
    );
    const revokedAt = Date.now();
    let status = 200;
    while (status === 200 && Date.now() - revokedAt < 1_000) {
      status = (await me(second, session.accessToken)).status;
      if (status === 200) await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(status).toBe(401);
  });
});
