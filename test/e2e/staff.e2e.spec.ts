import request from 'supertest';
import { createTeam, type TestStaff } from '../factories/staff.factory';
import { bearer, tokenFor } from '../setup/auth';
import { startTestApp, type TestApp } from '../setup/test-app';

describe('staff administration', () => {
  let testApp: TestApp;
  let team: Awaited<ReturnType<typeof createTeam>>;
  let adminAuth: string;

  beforeAll(async () => {
    testApp = await startTestApp();
    team = await createTeam(testApp.dataSource);
    adminAuth = bearer(await tokenFor(testApp.app, team.admin));
  });
  afterAll(() => testApp.close());

  const http = () => request(testApp.app.getHttpServer());
  const as = async (staff: TestStaff) => bearer(await tokenFor(testApp.app, staff));
  const auditOf = (resourceId: string) =>
    testApp.dataSource.query<{ action: string; actor_id: string; changed_fields: string[] }[]>(
      `SELECT action, actor_id, changed_fields FROM audit_events WHERE resource_id = $1 ORDER BY occurred_at`,
      [resourceId],
    );

  it('adds a counselor with an initial password, audited without the password', async () => {
    const response = await http()
      .post('/api/v1/staff')
      .set('Authorization', adminAuth)
      .send({
        email: '  Dana.Whitfield@Test.Example ',
        firstName: 'Dana',
        lastName: 'Whitfield',
        role: 'counselor',
        supervisorId: team.supervisor.id,
        password: 'initial-passphrase-1',
      })
      .expect(201);
    expect(response.body).toMatchObject({
      email: 'dana.whitfield@test.example',
      role: 'counselor',
      supervisorId: team.supervisor.id,
      requiresCosign: false,
      active: true,
      locked: false,
    });
    expect(response.body).not.toHaveProperty('passwordHash');
    expect(response.body).not.toHaveProperty('setPasswordToken');
    const [event] = await auditOf(response.body.id as string);
    expect(event).toMatchObject({ action: 'create', actor_id: team.admin.id });
    expect(event!.changed_fields).not.toContain('password');
  });

  it('refuses a duplicate email with 409 naming the field', async () => {
    const response = await http()
      .post('/api/v1/staff')
      .set('Authorization', adminAuth)
      .send({ email: team.counselor.email, firstName: 'X', lastName: 'Y', role: 'counselor' })
      .expect(409);
    expect(response.body.errors).toEqual([
      { field: 'email', message: 'A staff account with this email already exists.' },
    ]);
  });

  it('refuses a supervisor who is not a supervisor, or a supervisor for a non-counselor', async () => {
    const notSupervisor = await http()
      .post('/api/v1/staff')
      .set('Authorization', adminAuth)
      .send({
        email: 'x1@test.example',
        firstName: 'X',
        lastName: 'Y',
        role: 'counselor',
        supervisorId: team.intake.id,
      })
      .expect(422);
    expect(notSupervisor.body.errors[0].field).toBe('supervisorId');
    await http()
      .post('/api/v1/staff')
      .set('Authorization', adminAuth)
      .send({
        email: 'x2@test.example',
        firstName: 'X',
        lastName: 'Y',
        role: 'intake_coordinator',
        supervisorId: team.supervisor.id,
      })
      .expect(422);
    const [count] = await testApp.dataSource.query<{ n: number }[]>(
      `SELECT count(*)::int AS n FROM staff WHERE email IN ('x1@test.example', 'x2@test.example')`,
    );
    expect(count!.n).toBe(0);
  });

  it('lists staff by name, page by page, without duplicates', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const response = await http()
        .get('/api/v1/staff')
        .query({ limit: 2, ...(cursor ? { cursor } : {}) })
        .set('Authorization', adminAuth)
        .expect(200);
      seen.push(...(response.body.data as { id: string }[]).map((staff) => staff.id));
      cursor = response.body.nextCursor as string | null;
    } while (cursor);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen).toEqual(
      expect.arrayContaining([team.admin.id, team.counselor.id, team.trainee.id, team.intake.id]),
    );
    const counselors = await http()
      .get('/api/v1/staff?role=counselor&active=true')
      .set('Authorization', adminAuth)
      .expect(200);
    expect(
      (counselors.body.data as { role: string }[]).every((staff) => staff.role === 'counselor'),
    ).toBe(true);
  });

  it('honours If-Match: a stale ETag gets 412 and changes nothing', async () => {
    const read = await http()
      .get(`/api/v1/staff/${team.trainee.id}`)
      .set('Authorization', adminAuth)
      .expect(200);
    const etag = read.headers.etag as string;
    expect(etag).toMatch(/^"[0-9a-f-]{36}\.\d+"$/);
    const updated = await http()
      .patch(`/api/v1/staff/${team.trainee.id}`)
      .set('Authorization', adminAuth)
      .set('If-Match', etag)
      .send({ requiresCosign: false })
      .expect(200);
    expect(updated.body.requiresCosign).toBe(false);
    expect(updated.headers.etag).not.toBe(etag);
    const stale = await http()
      .patch(`/api/v1/staff/${team.trainee.id}`)
      .set('Authorization', adminAuth)
      .set('If-Match', etag)
      .send({ requiresCosign: true, lastName: 'Overwritten' })
      .expect(412);
    expect(stale.body.type).toBe('urn:family-therapy:problem:precondition-failed');
    const after = await http()
      .get(`/api/v1/staff/${team.trainee.id}`)
      .set('Authorization', adminAuth)
      .expect(200);
    expect(after.body).toMatchObject({ requiresCosign: false, lastName: 'counselor' });
    const events = await auditOf(team.trainee.id);
    expect(events.filter((event) => event.action === 'update')).toEqual([
      expect.objectContaining({ changed_fields: ['requiresCosign'] }),
    ]);
  });

  it('keeps at least one active admin', async () => {
    const response = await http()
      .patch(`/api/v1/staff/${team.admin.id}`)
      .set('Authorization', adminAuth)
      .send({ role: 'counselor' })
      .expect(422);
    expect(response.body.type).toBe('urn:family-therapy:problem:last-admin');
    await http()
      .post(`/api/v1/staff/${team.admin.id}/deactivate`)
      .set('Authorization', adminAuth)
      .expect(422);
  });

  it('deactivates (never deletes) and reactivates', async () => {
    const { counselor } = await createTeam(testApp.dataSource).then(async (other) => ({
      counselor: await (async () => {
        const created = await http()
          .post('/api/v1/staff')
          .set('Authorization', adminAuth)
          .send({
            email: `leaver.${other.practice.id.slice(0, 8)}@test.example`,
            firstName: 'L',
            lastName: 'V',
            role: 'counselor',
          })
          .expect(201);
        return created.body as { id: string };
      })(),
    }));
    const off = await http()
      .post(`/api/v1/staff/${counselor.id}/deactivate`)
      .set('Authorization', adminAuth)
      .expect(200);
    expect(off.body).toMatchObject({ active: false, deactivatedAt: expect.any(String) });
    const on = await http()
      .post(`/api/v1/staff/${counselor.id}/reactivate`)
      .set('Authorization', adminAuth)
      .expect(200);
    expect(on.body).toMatchObject({ active: true, deactivatedAt: null });
    expect((await auditOf(counselor.id)).map((event) => event.action)).toEqual([
      'create',
      'deactivate',
      'reactivate',
    ]);
  });

  it('answers 403 to every other role, and audits the denial', async () => {
    for (const staff of [team.supervisor, team.counselor, team.intake]) {
      const response = await http()
        .get('/api/v1/staff')
        .set('Authorization', await as(staff))
        .expect(403);
      expect(response.body.type).toBe('urn:family-therapy:problem:forbidden');
    }
    const denied = await testApp.dataSource.query<{ actor_id: string; resource_id: string }[]>(
      `SELECT actor_id, resource_id FROM audit_events WHERE action = 'access_denied' AND actor_id = $1`,
      [team.counselor.id],
    );
    expect(denied).toEqual([{ actor_id: team.counselor.id, resource_id: 'GET /api/v1/staff' }]);
  });

  it('answers 401 without a token on every staff route', async () => {
    const id = team.counselor.id;
    await http().get('/api/v1/staff').expect(401);
    await http().post('/api/v1/staff').send({}).expect(401);
    await http().get(`/api/v1/staff/${id}`).expect(401);
    await http().patch(`/api/v1/staff/${id}`).send({}).expect(401);
    await http().post(`/api/v1/staff/${id}/deactivate`).expect(401);
    await http().post(`/api/v1/staff/${id}/reactivate`).expect(401);
    await http().get('/api/v1/me').expect(401);
  });

  it('rejects a malformed id with 400 naming the parameter', async () => {
    const response = await http()
      .get('/api/v1/staff/not-a-uuid')
      .set('Authorization', adminAuth)
      .expect(400);
    expect(response.body.errors).toEqual([{ field: 'id', message: 'must be a UUID' }]);
  });

  describe('across practices', () => {
    it("gives another practice's admin a 404 for every staff id of this one, and changes nothing", async () => {
      const other = await createTeam(testApp.dataSource);
      const otherAdmin = await as(other.admin);
      for (const staff of [team.admin, team.counselor, team.supervisor]) {
        await http().get(`/api/v1/staff/${staff.id}`).set('Authorization', otherAdmin).expect(404);
        await http()
          .patch(`/api/v1/staff/${staff.id}`)
          .set('Authorization', otherAdmin)
          .send({ firstName: 'Hacked' })
          .expect(404);
        await http()
          .post(`/api/v1/staff/${staff.id}/deactivate`)
          .set('Authorization', otherAdmin)
          .expect(404);
        await http()
          .post(`/api/v1/staff/${staff.id}/reactivate`)
          .set('Authorization', otherAdmin)
          .expect(404);
      }
      const list = await http()
        .get('/api/v1/staff?limit=200')
        .set('Authorization', otherAdmin)
        .expect(200);
      const ids = (list.body.data as { id: string }[]).map((staff) => staff.id);
      expect(ids).not.toContain(team.counselor.id);
      // A supervisor from another practice cannot be assigned either.
      await http()
        .patch(`/api/v1/staff/${other.counselor.id}`)
        .set('Authorization', otherAdmin)
        .send({ supervisorId: team.supervisor.id })
        .expect(422);
      const [untouched] = await testApp.dataSource.query<{ first_name: string; active: boolean }[]>(
        `SELECT first_name, active FROM staff WHERE id = $1`,
        [team.counselor.id],
      );
      expect(untouched).toEqual({ first_name: 'Test', active: true });
    });
  });
});
