import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { createClient } from '../factories/client.factory';
import { createTeam } from '../factories/staff.factory';
import { bearer, tokenFor } from '../setup/auth';
import { startTestApp, type TestApp } from '../setup/test-app';
import { isolatedDatabaseUrl } from '../setup/test-database';
import { form, refusal, intakeFixture } from './intake-fixture';

describe('intake: links and who may reach them', () => {
  const fx = intakeFixture();
  const { http, get, db, setup, invite, staffEntry, submissionCount } = fx;

  it('refuses a used link with the same 404 as an unknown one, and audits the attempt', async () => {
    const { team, auth } = await setup();
    const link = await invite(auth.counselor);
    await http().post(link.url).send(form()).expect(201);

    const reused = await http()
      .post(link.url)
      .send(form({ firstName: 'Again' }))
      .expect(404);
    const shownAgain = await http().get(link.url).expect(404);
    const unknown = await http()
      .post(`/api/v1/intake/${randomBytes(32).toString('base64url')}`)
      .send(form())
      .expect(404);
    const malformed = await http().get('/api/v1/intake/not-a-token').expect(404);
    expect(refusal(reused.body)).toEqual(refusal(unknown.body));
    expect(refusal(shownAgain.body)).toEqual(refusal(unknown.body));
    expect(refusal(malformed.body)).toEqual(refusal(unknown.body));
    expect(reused.body.type).toBe('urn:family-therapy:problem:intake-link-not-found');

    expect(await submissionCount(team)).toBe(1);
    const denials = await db().query<{ actor_type: string; metadata: { reason: string } }[]>(
      `SELECT actor_type, metadata FROM audit_events
        WHERE action = 'access_denied' AND resource_type = 'intake_invitation' AND resource_id = $1`,
      [link.id],
    );
    expect(denials.map((d) => [d.actor_type, d.metadata.reason])).toEqual([
      ['intake_link', 'used'],
      ['intake_link', 'used'],
    ]);
  });

  it('refuses an expired link and a revoked one (404), and a used link cannot be revoked', async () => {
    const { team, auth } = await setup();
    const expired = await invite(auth.intake, { expiresInDays: 1 });
    await db().query(
      `UPDATE intake_invitations SET created_at = now() - interval '3 days', expires_at = now() - interval '1 second'
        WHERE id = $1`,
      [expired.id],
    );
    const unknown = await http()
      .get(`/api/v1/intake/${randomBytes(32).toString('base64url')}`)
      .expect(404);
    expect(refusal((await http().get(expired.url).expect(404)).body)).toEqual(
      refusal(unknown.body),
    );
    expect(refusal((await http().post(expired.url).send(form()).expect(404)).body)).toEqual(
      refusal(unknown.body),
    );

    const revoked = await invite(auth.counselor);
    // A counselor reaches only the links they sent; another counselor's is not there.
    await http()
      .post(`/api/v1/intake-invitations/${revoked.id}/revoke`)
      .set('Authorization', bearer(await tokenFor(fx.testApp.app, team.trainee)))
      .expect(404);
    const done = await http()
      .post(`/api/v1/intake-invitations/${revoked.id}/revoke`)
      .set('Authorization', auth.counselor)
      .expect(200);
    expect(done.body).toMatchObject({ id: revoked.id, status: 'revoked' });
    expect(refusal((await http().post(revoked.url).send(form()).expect(404)).body)).toEqual(
      refusal(unknown.body),
    );

    const used = await invite(auth.intake);
    await http().post(used.url).send(form()).expect(201);
    const refused = await http()
      .post(`/api/v1/intake-invitations/${used.id}/revoke`)
      .set('Authorization', auth.intake)
      .expect(409);
    expect(refused.body.type).toBe('urn:family-therapy:problem:intake-invitation-used');

    await http()
      .post('/api/v1/intake-invitations')
      .set('Authorization', auth.intake)
      .send({ expiresInDays: 61 })
      .expect(400);
    const mine = await get('/api/v1/intake-invitations', auth.counselor);
    expect(mine.body.data.map((i: { id: string }) => i.id)).toEqual([revoked.id]);
    const open = await get('/api/v1/intake-invitations?status=expired', auth.admin);
    expect(open.body.data.map((i: { id: string }) => i.id)).toEqual([expired.id]);
    expect(await submissionCount(team)).toBe(1);
  });

  async function waitForLockWaiters(count: number): Promise<void> {
    for (let attempt = 0; attempt < 200; attempt += 1) {
      const [row] = await db().query<{ n: number }[]>(
        `SELECT count(*)::int AS n FROM pg_stat_activity
          WHERE datname = current_database() AND wait_event_type = 'Lock'`,
      );
      if (row!.n >= count) return;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    throw new Error(`expected ${count} sessions waiting on a lock`);
  }

  it('lets exactly one of two concurrent submits of one link through', async () => {
    const { team, auth } = await setup();
    const link = await invite(auth.intake);
    // Hold the link's row until both submits are inside their transactions and waiting, so the
    // two really race (unheld, the first is often done before the second starts).
    const holder = db().createQueryRunner();
    await holder.connect();
    await holder.startTransaction();
    let answers: Promise<request.Response[]>;
    try {
      await holder.query(`SELECT 1 FROM intake_invitations WHERE id = $1 FOR UPDATE`, [link.id]);
      answers = Promise.all([
        http()
          .post(link.url)
          .send(form({ firstName: 'First' })),
        http()
          .post(link.url)
          .send(form({ firstName: 'Second' })),
      ]);
      await waitForLockWaiters(2);
    } finally {
      await holder.commitTransaction();
      await holder.release();
    }
    expect((await answers).map((answer) => answer.status).sort()).toEqual([201, 404]);
    expect(await submissionCount(team)).toBe(1);
  });

  it('answers 401 without a token and 403 to roles that may not review', async () => {
    const { auth } = await setup();
    const id = await staffEntry(auth.intake);
    for (const [method, path] of [
      ['post', '/api/v1/intake-invitations'],
      ['get', '/api/v1/intake-invitations'],
      ['post', `/api/v1/intake-invitations/${id}/revoke`],
      ['post', '/api/v1/intake-submissions'],
      ['get', '/api/v1/intake-submissions'],
      ['get', `/api/v1/intake-submissions/${id}`],
      ['post', `/api/v1/intake-submissions/${id}/accept`],
      ['post', `/api/v1/intake-submissions/${id}/reject`],
      ['post', `/api/v1/intake-submissions/${id}/merge`],
    ] as const) {
      const response = await http()[method](path).send({});
      expect([method, path, response.status]).toEqual([method, path, 401]);
    }
    for (const [method, path] of [
      ['get', '/api/v1/intake-submissions'],
      ['get', `/api/v1/intake-submissions/${id}`],
      ['post', `/api/v1/intake-submissions/${id}/accept`],
      ['post', `/api/v1/intake-submissions/${id}/reject`],
      ['post', `/api/v1/intake-submissions/${id}/merge`],
    ] as const) {
      const response = await http()[method](path).set('Authorization', auth.counselor).send({});
      expect([method, path, response.status]).toEqual([method, path, 403]);
    }
  });

  it('keeps another practice’s submissions and links out of reach (404)', async () => {
    const { team, auth } = await setup();
    const other = await setup();
    const id = await staffEntry(auth.intake);
    const link = await invite(auth.intake);
    const theirClient = await createClient(db(), { practiceId: other.team.practice.id });
    const as = other.auth.intake;

    await http().get(`/api/v1/intake-submissions/${id}`).set('Authorization', as).expect(404);
    await http()
      .post(`/api/v1/intake-submissions/${id}/accept`)
      .set('Authorization', as)
      .send({ primaryCounselorId: other.team.counselor.id })
      .expect(404);
    await http()
      .post(`/api/v1/intake-submissions/${id}/reject`)
      .set('Authorization', as)
      .send({ reason: 'Not ours to decide.' })
      .expect(404);
    await http()
      .post(`/api/v1/intake-invitations/${link.id}/revoke`)
      .set('Authorization', as)
      .expect(404);
    const theirQueue = await get('/api/v1/intake-submissions', as);
    expect(theirQueue.body.data).toEqual([]);
    const theirLinks = await get('/api/v1/intake-invitations', as);
    expect(theirLinks.body.data).toEqual([]);
    // Nor can our submission be merged into their client.
    await http()
      .post(`/api/v1/intake-submissions/${id}/merge`)
      .set('Authorization', auth.intake)
      .send({ clientId: theirClient.id })
      .expect(404);
    const [row] = await db().query<{ status: string }[]>(
      `SELECT status FROM intake_submissions WHERE id = $1 AND practice_id = $2`,
      [id, team.practice.id],
    );
    expect(row!.status).toBe('pending');
  });

  it('keeps existing clients out of sight of those who may not review intake', async () => {
    const { team, auth } = await setup();
    await createClient(db(), {
      practiceId: team.practice.id,
      firstName: 'Maya',
      lastName: "O'Brien-Núñez",
    });
    await db().query(`UPDATE clients SET date_of_birth = '1998-04-02' WHERE practice_id = $1`, [
      team.practice.id,
    ]);
    // A counselor may enter a form, but its answer does not reveal who is already a client.
    const entered = await http()
      .post('/api/v1/intake-submissions')
      .set('Authorization', auth.counselor)
      .send(form())
      .expect(201);
    expect(entered.body.possibleDuplicates).toEqual([]);
    // The queue (with its duplicate matches) is for intake coordinators and admins only.
    await http()
      .get('/api/v1/intake-submissions')
      .set('Authorization', auth.supervisor)
      .expect(403);
    await http()
      .get(`/api/v1/intake-submissions/${entered.body.id}`)
      .set('Authorization', auth.supervisor)
      .expect(403);
    const reviewed = await get(`/api/v1/intake-submissions/${entered.body.id}`, auth.admin);
    expect(reviewed.body.possibleDuplicates).toHaveLength(1);
  });
});

describe('intake rate limits (kept in PostgreSQL)', () => {
  let testApp: TestApp;

  beforeAll(async () => {
    testApp = await startTestApp({
      databaseUrl: await isolatedDatabaseUrl('intakelimit'),
      env: {
        INTAKE_RATE_LIMIT_PER_TOKEN: '3',
        INTAKE_RATE_LIMIT_PER_IP: '5',
        INTAKE_RATE_WINDOW_SECONDS: '600',
        TRUST_PROXY: 'true',
      },
    });
  });
  afterAll(() => testApp.close());

  const http = () => request(testApp.app.getHttpServer());

  async function link(): Promise<string> {
    const team = await createTeam(testApp.dataSource);
    const response = await http()
      .post('/api/v1/intake-invitations')
      .set('Authorization', bearer(await tokenFor(testApp.app, team.intake)))
      .send({})
      .expect(201);
    return response.body.url as string;
  }

  it('limits requests per link, whatever the address, before the body is even read', async () => {
    const url = await link();
    for (let attempt = 0; attempt < 3; attempt += 1) {
      await http().get(url).set('X-Forwarded-For', `198.51.100.${attempt}`).expect(200);
    }
    const limited = await http()
      .post(url)
      .set('X-Forwarded-For', '198.51.100.50')
      .send({})
      .expect(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(Number(limited.headers['retry-after'])).toBeLessThanOrEqual(600);
    expect(limited.body.type).toBe('urn:family-therapy:problem:rate-limited');
    const [count] = await testApp.dataSource.query<{ n: number }[]>(
      `SELECT count(*)::int AS n FROM intake_submissions`,
    );
    expect(count!.n).toBe(0);
  });

  it('limits requests per address, whatever the link', async () => {
    for (let attempt = 0; attempt < 5; attempt += 1) {
      await http()
        .get(`/api/v1/intake/${randomBytes(32).toString('base64url')}`)
        .set('X-Forwarded-For', '203.0.113.9')
        .expect(404);
    }
    const url = await link();
    const limited = await http().get(url).set('X-Forwarded-For', '203.0.113.9').expect(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    await http().get(url).set('X-Forwarded-For', '203.0.113.10').expect(200);
  });
});
