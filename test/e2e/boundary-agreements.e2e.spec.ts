import request from 'supertest';
import { addFamilyMember, createClient, type TestClient } from '../factories/client.factory';
import { createTeam } from '../factories/staff.factory';
import { bearer, tokenFor } from '../setup/auth';
import { startTestApp, type TestApp } from '../setup/test-app';
import { adminQuery } from '../setup/database-roles';

const ITEMS = (motherId: string) => [
  {
    category: 'time',
    setBy: { party: 'family_member', familyMemberId: motherId },
    boundary: 'No phone calls after 10 pm.',
    expectation: 'Text instead, unless it is an emergency.',
    responseIfCrossed: 'The call goes unanswered; we talk about it at the next session.',
  },
  {
    category: 'communication',
    setBy: { party: 'client' },
    boundary: 'No questions about meetings unless I bring them up.',
    expectation: 'Ask how the week went instead.',
    responseIfCrossed: 'I say “not today” and we change the subject.',
  },
];

describe('boundary agreements', () => {
  let testApp: TestApp;
  let team: Awaited<ReturnType<typeof createTeam>>;
  let auth: string;

  beforeAll(async () => {
    testApp = await startTestApp();
    team = await createTeam(testApp.dataSource);
    auth = bearer(await tokenFor(testApp.app, team.counselor));
  });
  afterAll(() => testApp.close());

  const http = () => request(testApp.app.getHttpServer());
  async function family(): Promise<{ client: TestClient; mother: string; base: string }> {
    const client = await createClient(testApp.dataSource, {
      practiceId: team.practice.id,
      primaryCounselorId: team.counselor.id,
    });
    const mother = await addFamilyMember(testApp.dataSource, client, 'mother', 'Grace');
    return { client, mother, base: `/api/v1/clients/${client.id}/boundary-agreements` };
  }
  const parties = (mother: string) => [
    { party: 'client' },
    { party: 'family_member', familyMemberId: mother },
  ];
  async function proposed() {
    const setup = await family();
    const created = await http()
      .post(setup.base)
      .set('Authorization', auth)
      .send({
        title: 'Evenings and questions',
        parties: parties(setup.mother),
        items: ITEMS(setup.mother),
        reviewDate: '2027-03-01',
      })
      .expect(201);
    const url = `${setup.base}/${created.body.id}`;
    await http()
      .post(`${url}/status`)
      .set('Authorization', auth)
      .send({ status: 'proposed' })
      .expect(200);
    return { ...setup, url, id: created.body.id as string };
  }
  const ack = (url: string, party: object) =>
    http()
      .post(`${url}/acknowledgments`)
      .set('Authorization', auth)
      .send({ party, method: 'in_session' });

  it('drafts an agreement among parties of the client and refuses another client’s family (422)', async () => {
    const { base, mother } = await family();
    const stranger = await addFamilyMember(
      testApp.dataSource,
      await createClient(testApp.dataSource, { practiceId: team.practice.id }),
    );
    const refused = await http()
      .post(base)
      .set('Authorization', auth)
      .send({
        title: 'T',
        parties: [{ party: 'client' }, { party: 'family_member', familyMemberId: stranger }],
      })
      .expect(422);
    expect(refused.body.errors).toEqual([
      { field: 'parties[1].familyMemberId', message: 'is not a family member of this client' },
    ]);
    const single = await http()
      .post(base)
      .set('Authorization', auth)
      .send({ title: 'T', parties: [{ party: 'client' }, { party: 'client' }] })
      .expect(422);
    expect(single.body.errors[0].field).toBe('parties');
    const badSetter = await http()
      .post(base)
      .set('Authorization', auth)
      .send({
        title: 'T',
        parties: parties(mother),
        items: [
          { ...ITEMS(mother)[0], setBy: { party: 'family_member', familyMemberId: stranger } },
        ],
      })
      .expect(422);
    expect(badSetter.body.errors).toEqual([
      { field: 'items[0].setBy', message: 'is not a party of this agreement' },
    ]);
    const created = await http()
      .post(base)
      .set('Authorization', auth)
      .send({ title: 'Evenings', parties: parties(mother), items: ITEMS(mother) })
      .expect(201);
    expect(created.body).toMatchObject({
      status: 'draft',
      currentVersion: 1,
      facilitatorId: team.counselor.id,
      parties: [
        { party: 'client', familyMemberId: null },
        { party: 'family_member', familyMemberId: mother },
      ],
      fullyAcknowledged: false,
    });
    expect(
      created.body.items.map((item: { category: string; position: number }) => [
        item.position,
        item.category,
      ]),
    ).toEqual([
      [1, 'time'],
      [2, 'communication'],
    ]);
    const [count] = await testApp.dataSource.query<{ n: number }[]>(
      `SELECT count(*)::int AS n FROM boundary_agreements WHERE title = 'T'`,
    );
    expect(count!.n).toBe(0);
  });

  it("lists the client's agreements as one page", async () => {
    const { base, id } = await proposed();
    const list = await http().get(base).set('Authorization', auth).expect(200);
    expect(list.body).toMatchObject({ nextCursor: null, data: [{ id, status: 'proposed' }] });
  });

  it('enforces the lifecycle, naming the current and requested status when refused', async () => {
    const { url } = await proposed();
    const refused = await http()
      .post(`${url}/status`)
      .set('Authorization', auth)
      .send({ status: 'retired' })
      .expect(409);
    expect(refused.body).toMatchObject({
      type: 'urn:family-therapy:problem:invalid-agreement-transition',
      currentStatus: 'proposed',
      requestedStatus: 'retired',
    });
    const backwards = await http()
      .post(`${url}/status`)
      .set('Authorization', auth)
      .send({ status: 'draft' })
      .expect(409);
    expect(backwards.body).toMatchObject({ currentStatus: 'proposed', requestedStatus: 'draft' });
  });

  it('becomes active only once every party has acknowledged the proposed version', async () => {
    const { url, mother } = await proposed();
    const early = await http()
      .post(`${url}/status`)
      .set('Authorization', auth)
      .send({ status: 'active' })
      .expect(409);
    expect(early.body).toMatchObject({
      type: 'urn:family-therapy:problem:acknowledgments-missing',
      missingParties: [
        { party: 'client', familyMemberId: null },
        { party: 'family_member', familyMemberId: mother },
      ],
    });
    await ack(url, { party: 'client' }).expect(201);
    await ack(url, { party: 'client' }).expect(409);
    const half = await http()
      .post(`${url}/status`)
      .set('Authorization', auth)
      .send({ status: 'active' })
      .expect(409);
    expect(half.body.missingParties).toEqual([{ party: 'family_member', familyMemberId: mother }]);
    const done = await ack(url, { party: 'family_member', familyMemberId: mother }).expect(201);
    expect(done.body.fullyAcknowledged).toBe(true);
    const active = await http()
      .post(`${url}/status`)
      .set('Authorization', auth)
      .send({ status: 'active' })
      .expect(200);
    expect(active.body.status).toBe('active');
    // Through its whole life: active → under_review → retired, and nothing after retired.
    await http()
      .post(`${url}/status`)
      .set('Authorization', auth)
      .send({ status: 'under_review' })
      .expect(200);
    await http()
      .post(`${url}/status`)
      .set('Authorization', auth)
      .send({ status: 'retired' })
      .expect(200);
    await http()
      .post(`${url}/status`)
      .set('Authorization', auth)
      .send({ status: 'active' })
      .expect(409);
  });

  it('makes a new version when the terms change, clearing acknowledgments and keeping the old version readable', async () => {
    const { url, mother } = await proposed();
    await ack(url, { party: 'client' }).expect(201);
    await ack(url, { party: 'family_member', familyMemberId: mother }).expect(201);
    await http()
      .post(`${url}/status`)
      .set('Authorization', auth)
      .send({ status: 'active' })
      .expect(200);
    const money = {
      category: 'financial',
      setBy: { party: 'family_member', familyMemberId: mother },
      boundary: 'Money only through the agreed plan.',
      expectation: 'Requests go through the weekly budget talk.',
      responseIfCrossed: 'No money outside the plan; we revisit the plan in session.',
    };
    const changed = await http()
      .patch(url)
      .set('Authorization', auth)
      .send({ items: [...ITEMS(mother), money] })
      .expect(200);
    expect(changed.body).toMatchObject({
      currentVersion: 2,
      status: 'under_review',
      acknowledgments: [],
      fullyAcknowledged: false,
    });
    expect(changed.body.items).toHaveLength(3);
    const v1 = await http().get(`${url}/versions/1`).set('Authorization', auth).expect(200);
    expect(v1.body.items).toHaveLength(2);
    expect(v1.body.acknowledgments).toHaveLength(2);
    const versions = await http().get(`${url}/versions`).set('Authorization', auth).expect(200);
    expect(versions.body.data.map((v: { number: number }) => v.number)).toEqual([1, 2]);
    expect(versions.body.nextCursor).toBeNull();
    await http().get(`${url}/versions/3`).set('Authorization', auth).expect(404);
    await http()
      .post(`${url}/status`)
      .set('Authorization', auth)
      .send({ status: 'active' })
      .expect(409);
    await ack(url, { party: 'client' }).expect(201);
    await ack(url, { party: 'family_member', familyMemberId: mother }).expect(201);
    await http()
      .post(`${url}/status`)
      .set('Authorization', auth)
      .send({ status: 'active' })
      .expect(200);
    await expect(
      adminQuery(
        testApp.dataSource,
        `UPDATE boundary_items SET boundary = 'edited' WHERE id = $1`,
        [v1.body.items[0].id],
      ),
    ).rejects.toThrow(/append-only/);
  });

  it('lets one of two clinicians with the same stale ETag win; the other gets 412, and no version is lost', async () => {
    const { url, mother } = await proposed();
    const supervisorAuth = bearer(await tokenFor(testApp.app, team.supervisor));
    const read = await http().get(url).set('Authorization', auth).expect(200);
    const etag = read.headers.etag as string;
    const edit = (who: string, boundary: string) =>
      http()
        .patch(url)
        .set('Authorization', who)
        .set('If-Match', etag)
        .send({ items: [{ ...ITEMS(mother)[0], boundary }] });
    const [a, b] = await Promise.all([
      edit(auth, 'No calls after 9 pm.'),
      edit(supervisorAuth, 'No calls after 11 pm.'),
    ]);
    expect([a.status, b.status].sort()).toEqual([200, 412]);
    const winner = a.status === 200 ? a : b;
    expect(winner.body.currentVersion).toBe(2);
    const versions = await http().get(`${url}/versions`).set('Authorization', auth).expect(200);
    expect(versions.body.data.map((v: { number: number }) => v.number)).toEqual([1, 2]);
    expect(versions.body.nextCursor).toBeNull();
    const v2 = await http().get(`${url}/versions/2`).set('Authorization', auth).expect(200);
    expect(v2.body.items[0].boundary).toBe(
      winner === a ? 'No calls after 9 pm.' : 'No calls after 11 pm.',
    );
  });

  it('logs violations against items, lists them per agreement and per item, and resolves them', async () => {
    const { url, mother, client } = await proposed();
    await ack(url, { party: 'client' }).expect(201);
    await ack(url, { party: 'family_member', familyMemberId: mother }).expect(201);
    const active = await http()
      .post(`${url}/status`)
      .set('Authorization', auth)
      .send({ status: 'active' })
      .expect(200);
    const [calls, questions] = active.body.items as { id: string }[];
    const report = (itemId: string, occurredAt: string, severity = 'minor') =>
      http()
        .post(`${url}/violations`)
        .set('Authorization', auth)
        .send({
          itemId,
          reportedBy: { party: 'family_member', familyMemberId: mother },
          occurredAt,
          severity,
          description: 'Called late after a hard day.',
        });
    const first = await report(calls!.id, '2026-10-03T23:40:00-05:00').expect(201);
    await report(calls!.id, '2026-10-10T23:10:00-05:00', 'moderate').expect(201);
    await report(questions!.id, '2026-10-05T18:00:00-05:00').expect(201);
    const other = await createClient(testApp.dataSource, {
      practiceId: team.practice.id,
      primaryCounselorId: team.counselor.id,
    });
    const stranger = await addFamilyMember(testApp.dataSource, other);
    const wrong = await http()
      .post(`${url}/violations`)
      .set('Authorization', auth)
      .send({
        itemId: calls!.id,
        reportedBy: { party: 'family_member', familyMemberId: stranger },
        occurredAt: '2099-01-01T00:00:00Z',
        severity: 'minor',
        description: 'x',
      })
      .expect(422);
    expect(wrong.body.errors.map((e: { field: string }) => e.field)).toEqual([
      'reportedBy',
      'occurredAt',
    ]);
    const all = await http().get(`${url}/violations`).set('Authorization', auth).expect(200);
    expect(all.body.data.map((v: { occurredAt: string }) => v.occurredAt)).toEqual([
      '2026-10-11T04:10:00.000Z',
      '2026-10-05T23:00:00.000Z',
      '2026-10-04T04:40:00.000Z',
    ]);
    const perItem = await http()
      .get(`${url}/violations`)
      .query({ itemId: calls!.id })
      .set('Authorization', auth)
      .expect(200);
    expect(perItem.body.data).toHaveLength(2);
    expect(perItem.body.data.every((v: { itemId: string }) => v.itemId === calls!.id)).toBe(true);
    const resolved = await http()
      .post(`${url}/violations/${first.body.id}/resolve`)
      .set('Authorization', auth)
      .expect(200);
    expect(resolved.body.resolvedAt).not.toBeNull();
    const agreement = await http().get(url).set('Authorization', auth).expect(200);
    expect(agreement.body).toMatchObject({ violationCount: 3, openViolationCount: 2 });
    // Recorded as a setback on a trust goal, the violation shows its setback too (the link runs both ways).
    const [goal] = await testApp.dataSource.query<{ id: string }[]>(
      `INSERT INTO trust_goals (practice_id, client_id, party_b_family_member_id, strategy, description, lifecycle_status,
                                baseline_rating, target_rating, start_date)
       VALUES ($1, $2, $3, 'healthy_boundaries', 'Respect evenings', 'active', 3, 8, current_date - 30) RETURNING id`,
      [client.practiceId, client.id, mother],
    );
    const [setback] = await testApp.dataSource.query<{ id: string }[]>(
      `INSERT INTO goal_setbacks (practice_id, client_id, goal_id, kind, severity, occurred_at, description, response_plan,
                                  boundary_violation_id, recorded_by)
       VALUES ($1, $2, $3, 'boundary_violation', 'minor', now() - interval '1 day', 'Late call', 'Review in session', $4, $5)
       RETURNING id`,
      [client.practiceId, client.id, goal!.id, first.body.id, team.counselor.id],
    );
    const linked = await http()
      .get(`${url}/violations`)
      .query({ itemId: calls!.id })
      .set('Authorization', auth)
      .expect(200);
    expect(linked.body.data.find((v: { id: string }) => v.id === first.body.id).setbackIds).toEqual(
      [setback!.id],
    );
    const audited = await testApp.dataSource.query<{ action: string; resource_type: string }[]>(
      `SELECT action, resource_type FROM audit_events WHERE client_id = $1 AND resource_type = 'boundary_violation' ORDER BY occurred_at`,
      [client.id],
    );
    expect(audited.map((e) => e.action)).toEqual([
      'create',
      'create',
      'create',
      'list',
      'list',
      'update',
      'list',
    ]);
  });

  it('lists agreements due for review across the caseload, in the practice’s notice period', async () => {
    const today = new Date();
    const inDays = (days: number) =>
      new Date(today.getTime() + days * 86_400_000).toISOString().slice(0, 10);
    const { practice, counselor } = await createTeam(testApp.dataSource);
    const mine = bearer(await tokenFor(testApp.app, counselor));
    const make = async (reviewDate: string, activate: boolean) => {
      const client = await createClient(testApp.dataSource, {
        practiceId: practice.id,
        primaryCounselorId: counselor.id,
      });
      const mother = await addFamilyMember(testApp.dataSource, client);
      const base = `/api/v1/clients/${client.id}/boundary-agreements`;
      const created = await http()
        .post(base)
        .set('Authorization', mine)
        .send({ title: reviewDate, parties: parties(mother), items: ITEMS(mother), reviewDate })
        .expect(201);
      const url = `${base}/${created.body.id}`;
      if (activate) {
        await http()
          .post(`${url}/status`)
          .set('Authorization', mine)
          .send({ status: 'proposed' })
          .expect(200);
        for (const party of parties(mother))
          await http()
            .post(`${url}/acknowledgments`)
            .set('Authorization', mine)
            .send({ party, method: 'written' })
            .expect(201);
        await http()
          .post(`${url}/status`)
          .set('Authorization', mine)
          .send({ status: 'active' })
          .expect(200);
      }
      return created.body.id as string;
    };
    const overdue = await make(inDays(-3), true);
    const soon = await make(inDays(10), true);
    await make(inDays(40), true); // beyond the 14-day notice period
    await make(inDays(-3), false); // a draft is not in force
    const due = await http()
      .get('/api/v1/boundary-agreements')
      .query({ reviewDue: true })
      .set('Authorization', mine)
      .expect(200);
    expect(due.body.data.map((a: { id: string }) => a.id)).toEqual([overdue, soon]);
    const outsider = await http()
      .get('/api/v1/boundary-agreements')
      .query({ reviewDue: true })
      .set('Authorization', auth)
      .expect(200);
    expect(outsider.body.data).toEqual([]);
  });

  it('answers 404 to those who may not see clinical content, and 401 without a token', async () => {
    const { url } = await proposed();
    for (const who of [team.trainee, team.intake, team.admin]) {
      await http()
        .get(url)
        .set('Authorization', bearer(await tokenFor(testApp.app, who)))
        .expect(404);
    }
    await http().get(url).expect(401);
  });
});
