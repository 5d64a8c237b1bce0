import request from 'supertest';
import { addFamilyMember, createClient } from '../factories/client.factory';
import { createTeam } from '../factories/staff.factory';
import { bearer, tokenFor } from '../setup/auth';
import { startTestApp, type TestApp } from '../setup/test-app';

describe('clients', () => {
  let testApp: TestApp;
  let team: Awaited<ReturnType<typeof createTeam>>;
  let counselorAuth: string;
  let adminAuth: string;

  beforeAll(async () => {
    testApp = await startTestApp();
    team = await createTeam(testApp.dataSource);
    counselorAuth = bearer(await tokenFor(testApp.app, team.counselor));
    adminAuth = bearer(await tokenFor(testApp.app, team.admin));
  });
  afterAll(() => testApp.close());

  const http = () => request(testApp.app.getHttpServer());
  const newClient = {
    firstName: 'Maya',
    lastName: 'Okafor',
    dateOfBirth: '1998-04-02',
    presentingConcerns: ['substance_use_recovery'],
  };
  const events = (clientId: string) =>
    testApp.dataSource.query<
      { action: string; resource_type: string; actor_id: string; changed_fields: string[] }[]
    >(
      `SELECT action, resource_type, actor_id, changed_fields FROM audit_events WHERE client_id = $1 ORDER BY occurred_at, id`,
      [clientId],
    );

  it('creates a client numbered per practice, with the creating counselor as primary, and audits each step', async () => {
    const response = await http()
      .post('/api/v1/clients')
      .set('Authorization', counselorAuth)
      .send(newClient)
      .expect(201);
    expect(response.body).toMatchObject({
      ...newClient,
      status: 'intake',
      clientNumber: expect.stringMatching(/^C-\d{6}$/),
    });
    expect(response.headers.etag).toBeDefined();
    expect(response.headers['cache-control']).toBe('no-store');
    expect(response.headers.location).toBe(`/api/v1/clients/${response.body.id}`);
    const careTeam = await http()
      .get(`/api/v1/clients/${response.body.id}/care-team`)
      .set('Authorization', counselorAuth)
      .expect(200);
    expect(careTeam.body.nextCursor).toBeNull();
    expect(careTeam.body.data).toEqual([
      expect.objectContaining({ staffId: team.counselor.id, role: 'primary_counselor' }),
    ]);
    const read = await http()
      .get(`/api/v1/clients/${response.body.id}`)
      .set('Authorization', counselorAuth)
      .expect(200);
    expect(read.body).toEqual(response.body);
    expect(await events(response.body.id as string)).toEqual([
      {
        action: 'create',
        resource_type: 'client',
        actor_id: team.counselor.id,
        changed_fields: ['firstName', 'lastName', 'dateOfBirth', 'presentingConcerns'],
      },
      {
        action: 'read',
        resource_type: 'care_team',
        actor_id: team.counselor.id,
        changed_fields: [],
      },
      { action: 'read', resource_type: 'client', actor_id: team.counselor.id, changed_fields: [] },
    ]);
  });

  it('gives 20 concurrent creations 20 distinct numbers', async () => {
    const { practice, counselor } = await createTeam(testApp.dataSource);
    const auth = bearer(await tokenFor(testApp.app, counselor));
    const responses = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        http()
          .post('/api/v1/clients')
          .set('Authorization', auth)
          .send({ ...newClient, firstName: `Client${i}` }),
      ),
    );
    expect(responses.map((r) => r.status)).toEqual(Array(20).fill(201));
    const numbers = responses.map((r) => r.body.clientNumber as string);
    expect(new Set(numbers).size).toBe(20);
    const [count] = await testApp.dataSource.query<{ n: number }[]>(
      `SELECT count(*)::int AS n FROM clients WHERE practice_id = $1`,
      [practice.id],
    );
    expect(count!.n).toBe(20);
  });

  it('honours If-Match: a stale ETag gets 412 and the record is unchanged', async () => {
    const client = await createClient(testApp.dataSource, {
      practiceId: team.practice.id,
      primaryCounselorId: team.counselor.id,
    });
    const first = await http()
      .get(`/api/v1/clients/${client.id}`)
      .set('Authorization', counselorAuth)
      .expect(200);
    const etag = first.headers.etag as string;
    const updated = await http()
      .patch(`/api/v1/clients/${client.id}`)
      .set('Authorization', counselorAuth)
      .set('If-Match', etag)
      .send({ preferredName: 'Mae', trustIndicators: ['suspicion'] })
      .expect(200);
    expect(updated.body).toMatchObject({ preferredName: 'Mae', trustIndicators: ['suspicion'] });
    const stale = await http()
      .patch(`/api/v1/clients/${client.id}`)
      .set('Authorization', adminAuth)
      .set('If-Match', etag)
      .send({ preferredName: 'Overwritten' })
      .expect(412);
    expect(stale.body.status).toBe(412);
    const now = await http()
      .get(`/api/v1/clients/${client.id}`)
      .set('Authorization', counselorAuth)
      .expect(200);
    expect(now.body.preferredName).toBe('Mae');
    expect(now.headers.etag).toBe(updated.headers.etag);
    const updates = (await events(client.id)).filter((event) => event.action === 'update');
    expect(updates).toEqual([
      expect.objectContaining({ changed_fields: ['preferredName', 'trustIndicators'] }),
    ]);
  });

  it('replays an idempotent retry and refuses the same key with another body', async () => {
    const { practice, counselor } = await createTeam(testApp.dataSource);
    const auth = bearer(await tokenFor(testApp.app, counselor));
    const send = (body: object) =>
      http()
        .post('/api/v1/clients')
        .set('Authorization', auth)
        .set('Idempotency-Key', 'intake-form-7731')
        .send(body);
    const [first, retry] = await Promise.all([send(newClient), send(newClient)]);
    expect([first.status, retry.status]).toEqual([201, 201]);
    expect(retry.body).toEqual(first.body);
    expect(
      [first.headers['idempotency-replayed'], retry.headers['idempotency-replayed']].filter(
        Boolean,
      ),
    ).toEqual(['true']);
    const different = await send({ ...newClient, firstName: 'Someone Else' }).expect(422);
    expect(different.body.type).toBe('urn:family-therapy:problem:idempotency-key-reused');
    const [count] = await testApp.dataSource.query<{ n: number }[]>(
      `SELECT count(*)::int AS n FROM clients WHERE practice_id = $1`,
      [practice.id],
    );
    expect(count!.n).toBe(1);
  });

  it('walks the list page by page without duplicates while clients are being added', async () => {
    const { practice, admin } = await createTeam(testApp.dataSource);
    const auth = bearer(await tokenFor(testApp.app, admin));
    for (let i = 0; i < 12; i += 1) {
      await createClient(testApp.dataSource, {
        practiceId: practice.id,
        lastName: `M${String(i).padStart(2, '0')}`,
      });
    }
    for (const sort of ['name', 'lastActivity']) {
      const seen: string[] = [];
      let cursor: string | null = null;
      let page = 0;
      do {
        const response = await http()
          .get('/api/v1/clients')
          .query({ limit: 5, sort, ...(cursor ? { cursor } : {}) })
          .set('Authorization', auth)
          .expect(200);
        seen.push(...(response.body.data as { id: string }[]).map((row) => row.id));
        cursor = response.body.nextCursor as string | null;
        // Inserted mid-walk, before and after the current position.
        await createClient(testApp.dataSource, {
          practiceId: practice.id,
          lastName: `A${sort}${page}`,
        });
        await createClient(testApp.dataSource, {
          practiceId: practice.id,
          lastName: `Z${sort}${page}`,
        });
        page += 1;
      } while (cursor);
      expect(new Set(seen).size).toBe(seen.length);
      expect(seen.length).toBeGreaterThanOrEqual(12);
    }
  });

  it('searches by name prefix, ignoring case and accents, on first, last or preferred name', async () => {
    const { practice, admin } = await createTeam(testApp.dataSource);
    const auth = bearer(await tokenFor(testApp.app, admin));
    const renee = await createClient(testApp.dataSource, {
      practiceId: practice.id,
      firstName: 'Renée',
      lastName: 'Álvarez',
    });
    const bob = await createClient(testApp.dataSource, {
      practiceId: practice.id,
      firstName: 'Robert',
      lastName: 'Nguyen',
      preferredName: 'Bobby',
    });
    await createClient(testApp.dataSource, {
      practiceId: practice.id,
      firstName: 'Karen',
      lastName: 'Moreno',
    });
    const search = async (term: string) =>
      (
        (
          await http()
            .get('/api/v1/clients')
            .query({ search: term })
            .set('Authorization', auth)
            .expect(200)
        ).body.data as { id: string }[]
      ).map((c) => c.id);
    expect(await search('rene')).toEqual([renee.id]);
    expect(await search('ALVA')).toEqual([renee.id]);
    expect(await search('bob')).toEqual([bob.id]);
    expect(await search('nguy')).toEqual([bob.id]);
    expect(await search('en')).toEqual([]); // not a prefix of any name
    expect(await search('%')).toEqual([]); // a wildcard is a character
  });

  it('filters by status, counselor, presenting concern and substance-use records', async () => {
    const { practice, admin, counselor, trainee } = await createTeam(testApp.dataSource);
    const auth = bearer(await tokenFor(testApp.app, admin));
    const a = await createClient(testApp.dataSource, {
      practiceId: practice.id,
      primaryCounselorId: counselor.id,
      presentingConcerns: ['grief'],
    });
    const b = await createClient(testApp.dataSource, {
      practiceId: practice.id,
      primaryCounselorId: trainee.id,
      substanceUseRecords: true,
      status: 'on_hold',
    });
    const c = await createClient(testApp.dataSource, { practiceId: practice.id });
    const ids = async (query: Record<string, string>) =>
      (
        (await http().get('/api/v1/clients').query(query).set('Authorization', auth).expect(200))
          .body.data as { id: string }[]
      )
        .map((x) => x.id)
        .sort();
    expect(await ids({ counselorId: counselor.id })).toEqual([a.id]);
    expect(await ids({ status: 'on_hold' })).toEqual([b.id]);
    expect(await ids({ status: 'intake,active' })).toEqual([a.id, c.id].sort());
    expect(await ids({ presentingConcern: 'grief' })).toEqual([a.id]);
    expect(await ids({ substanceUseRecords: 'true' })).toEqual([b.id]);
    const bad = await http()
      .get('/api/v1/clients')
      .query({ status: 'archived', sort: 'age' })
      .set('Authorization', auth)
      .expect(400);
    expect(bad.body.errors.map((error: { field: string }) => error.field).sort()).toEqual([
      'sort',
      'status',
    ]);
  });

  describe('status', () => {
    const change = (clientId: string, body: object) =>
      http()
        .post(`/api/v1/clients/${clientId}/status`)
        .set('Authorization', counselorAuth)
        .send(body);

    it('follows intake → active ⇄ on_hold → discharged → re-opened', async () => {
      const client = await createClient(testApp.dataSource, {
        practiceId: team.practice.id,
        primaryCounselorId: team.counselor.id,
        status: 'intake',
      });
      await change(client.id, { status: 'active' }).expect(200);
      await change(client.id, { status: 'on_hold' }).expect(200);
      await change(client.id, { status: 'active' }).expect(200);
      const incomplete = await change(client.id, { status: 'discharged' }).expect(422);
      expect(incomplete.body.errors.map((e: { field: string }) => e.field)).toEqual([
        'reason',
        'dischargedOn',
      ]);
      const discharged = await change(client.id, {
        status: 'discharged',
        reason: 'Goals met',
        dischargedOn: '2026-11-20',
      }).expect(200);
      expect(discharged.body).toMatchObject({
        status: 'discharged',
        dischargeReason: 'Goals met',
        dischargedOn: '2026-11-20',
      });
      const refused = await change(client.id, { status: 'on_hold' }).expect(409);
      expect(refused.body).toMatchObject({
        currentStatus: 'discharged',
        requestedStatus: 'on_hold',
      });
      const reopened = await change(client.id, { status: 'active' }).expect(200);
      expect(reopened.body).toMatchObject({
        status: 'active',
        dischargeReason: null,
        dischargedOn: null,
      });
      const transitions = await testApp.dataSource.query<{ from: string; to: string }[]>(
        `SELECT metadata ->> 'from' AS from, metadata ->> 'to' AS to FROM audit_events
          WHERE client_id = $1 AND action = 'status_change' ORDER BY occurred_at`,
        [client.id],
      );
      expect(transitions.map((t) => `${t.from}→${t.to}`)).toEqual([
        'intake→active',
        'active→on_hold',
        'on_hold→active',
        'active→discharged',
        'discharged→active',
      ]);
    });

    it('needs a primary counselor to become active', async () => {
      const client = await createClient(testApp.dataSource, { practiceId: team.practice.id });
      const response = await http()
        .post(`/api/v1/clients/${client.id}/status`)
        .set('Authorization', adminAuth)
        .send({ status: 'active' })
        .expect(422);
      expect(response.body.type).toBe('urn:family-therapy:problem:primary-counselor-required');
    });

    it('hides a record entered in error from lists, but admins can still read it', async () => {
      const client = await createClient(testApp.dataSource, {
        practiceId: team.practice.id,
        primaryCounselorId: team.counselor.id,
      });
      await http()
        .post(`/api/v1/clients/${client.id}/entered-in-error`)
        .set('Authorization', counselorAuth)
        .send({ reason: 'Duplicate of an existing record' })
        .expect(200);
      await http()
        .get(`/api/v1/clients/${client.id}`)
        .set('Authorization', counselorAuth)
        .expect(404);
      const asAdmin = await http()
        .get(`/api/v1/clients/${client.id}`)
        .set('Authorization', adminAuth)
        .expect(200);
      expect(asAdmin.body).toMatchObject({
        status: 'entered_in_error',
        errorReason: 'Duplicate of an existing record',
      });
      await http()
        .patch(`/api/v1/clients/${client.id}`)
        .set('Authorization', adminAuth)
        .send({ pronouns: 'x' })
        .expect(404);
      const list = await http()
        .get('/api/v1/clients?limit=200')
        .set('Authorization', adminAuth)
        .expect(200);
      expect((list.body.data as { id: string }[]).map((c) => c.id)).not.toContain(client.id);
    });
  });

  describe('family members and care team', () => {
    it('adds, lists and updates family members, including deceased and no contact', async () => {
      const client = await createClient(testApp.dataSource, {
        practiceId: team.practice.id,
        primaryCounselorId: team.counselor.id,
      });
      const base = `/api/v1/clients/${client.id}/family-members`;
      const mother = await http()
        .post(base)
        .set('Authorization', counselorAuth)
        .send({
          firstName: 'Linda',
          relationship: 'mother',
          participation: 'participating',
          consentToContact: true,
          emergencyContact: true,
        })
        .expect(201);
      const brother = await http()
        .post(base)
        .set('Authorization', counselorAuth)
        .send({ firstName: 'Sam', relationship: 'sibling' })
        .expect(201);
      expect(brother.body.participation).toBe('invited');
      const bad = await http()
        .post(base)
        .set('Authorization', counselorAuth)
        .send({ firstName: 'X', relationship: 'cousin' })
        .expect(400);
      expect(bad.body.errors[0].field).toBe('relationship');
      await http()
        .patch(`${base}/${brother.body.id}`)
        .set('Authorization', counselorAuth)
        .send({ participation: 'no_contact' })
        .expect(200);
      const deceased = await http()
        .patch(`${base}/${mother.body.id}`)
        .set('Authorization', counselorAuth)
        .set('If-Match', mother.headers.etag as string)
        .send({ deceased: true, deceasedOn: '2026-02-01' })
        .expect(200);
      expect(deceased.body).toMatchObject({ deceased: true, deceasedOn: '2026-02-01' });
      await http()
        .patch(`${base}/${mother.body.id}`)
        .set('Authorization', counselorAuth)
        .set('If-Match', mother.headers.etag as string)
        .send({ firstName: 'Lin' })
        .expect(412);
      await http()
        .patch(`${base}/${brother.body.id}`)
        .set('Authorization', counselorAuth)
        .send({ deceasedOn: '2026-02-01' })
        .expect(422);
      const list = await http().get(base).set('Authorization', counselorAuth).expect(200);
      expect(
        list.body.data.map((m: { firstName: string; participation: string }) => [
          m.firstName,
          m.participation,
        ]),
      ).toEqual([
        ['Linda', 'participating'],
        ['Sam', 'no_contact'],
      ]);
      // A member of another client is not reachable through this client.
      const other = await createClient(testApp.dataSource, {
        practiceId: team.practice.id,
        primaryCounselorId: team.counselor.id,
      });
      const stranger = await addFamilyMember(testApp.dataSource, other);
      await http().get(`${base}/${stranger}`).set('Authorization', counselorAuth).expect(404);
    });

    it('keeps exactly one primary counselor: a new primary replaces the old one, the last cannot leave an active client', async () => {
      const client = await createClient(testApp.dataSource, {
        practiceId: team.practice.id,
        primaryCounselorId: team.counselor.id,
        status: 'active',
      });
      const base = `/api/v1/clients/${client.id}/care-team`;
      const added = await http()
        .post(base)
        .set('Authorization', counselorAuth)
        .send({ staffId: team.trainee.id, role: 'co_therapist' })
        .expect(201);
      await http()
        .post(base)
        .set('Authorization', counselorAuth)
        .send({ staffId: team.trainee.id, role: 'co_therapist' })
        .expect(409);
      await http()
        .post(base)
        .set('Authorization', counselorAuth)
        .send({ staffId: team.intake.id, role: 'co_therapist' })
        .expect(422);
      const team1 = await http().get(base).set('Authorization', counselorAuth).expect(200);
      const primary = (team1.body.data as { id: string; role: string }[]).find(
        (m) => m.role === 'primary_counselor',
      )!;
      const refused = await http()
        .delete(`${base}/${primary.id}`)
        .set('Authorization', counselorAuth)
        .expect(422);
      expect(refused.body.type).toBe('urn:family-therapy:problem:primary-counselor-required');
      await http()
        .post(base)
        .set('Authorization', adminAuth)
        .send({ staffId: team.supervisor.id, role: 'primary_counselor' })
        .expect(201);
      const team2 = await http().get(base).set('Authorization', adminAuth).expect(200);
      expect(
        (team2.body.data as { staffId: string; role: string }[]).map((m) => [m.staffId, m.role]),
      ).toEqual([
        [team.supervisor.id, 'primary_counselor'],
        [team.trainee.id, 'co_therapist'],
      ]);
      await http().delete(`${base}/${added.body.id}`).set('Authorization', adminAuth).expect(204);
      // The replaced counselor lost access with their place on the team.
      await http()
        .get(`/api/v1/clients/${client.id}`)
        .set('Authorization', counselorAuth)
        .expect(404);
    });

    it('lists emergency grants for admins and answers 403 to others', async () => {
      const { practice, admin, trainee, counselor } = await createTeam(testApp.dataSource);
      const client = await createClient(testApp.dataSource, {
        practiceId: practice.id,
        primaryCounselorId: counselor.id,
      });
      await http()
        .post(`/api/v1/clients/${client.id}/emergency-access`)
        .set('Authorization', bearer(await tokenFor(testApp.app, trainee)))
        .send({ reason: 'Crisis call after hours; primary counselor on leave.' })
        .expect(201);
      const short = await http()
        .post(`/api/v1/clients/${client.id}/emergency-access`)
        .set('Authorization', bearer(await tokenFor(testApp.app, trainee)))
        .send({ reason: 'too short' })
        .expect(400);
      expect(short.body.errors[0].field).toBe('reason');
      const grants = await http()
        .get('/api/v1/emergency-access')
        .set('Authorization', bearer(await tokenFor(testApp.app, admin)))
        .expect(200);
      expect(grants.body.data).toEqual([
        expect.objectContaining({ clientId: client.id, staffId: trainee.id, active: true }),
      ]);
      await http()
        .get('/api/v1/emergency-access')
        .set('Authorization', bearer(await tokenFor(testApp.app, counselor)))
        .expect(403);
    });

    it('shows the client access log: who, when, how', async () => {
      const client = await createClient(testApp.dataSource, {
        practiceId: team.practice.id,
        primaryCounselorId: team.counselor.id,
      });
      await http()
        .get(`/api/v1/clients/${client.id}`)
        .set('Authorization', counselorAuth)
        .expect(200);
      await http()
        .patch(`/api/v1/clients/${client.id}`)
        .set('Authorization', adminAuth)
        .send({ pronouns: 'she/her' })
        .expect(200);
      await http()
        .get(`/api/v1/clients/${client.id}`)
        .set('Authorization', bearer(await tokenFor(testApp.app, team.trainee)))
        .expect(404);
      const log = await http()
        .get(`/api/v1/clients/${client.id}/access-log`)
        .set('Authorization', adminAuth)
        .expect(200);
      expect((log.body.data as object[]).map((e) => e)).toEqual([
        expect.objectContaining({
          action: 'access_denied',
          actorId: team.trainee.id,
          outcome: 'denied',
        }),
        expect.objectContaining({
          action: 'update',
          actorId: team.admin.id,
          changedFields: ['pronouns'],
        }),
        expect.objectContaining({
          action: 'read',
          actorId: team.counselor.id,
          actorName: 'Test counselor',
          via: 'care_team',
        }),
      ]);
    });
  });
});
