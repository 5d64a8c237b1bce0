import request from 'supertest';
import { addFamilyMember, createClient, type TestClient } from '../factories/client.factory';
import { createSession } from '../factories/session.factory';
import { createTeam } from '../factories/staff.factory';
import { bearer, tokenFor } from '../setup/auth';
import { startTestApp, type TestApp } from '../setup/test-app';

const DAY_MS = 86_400_000;
const daysAgo = (days: number, hours = 0) =>
  new Date(Date.now() - days * DAY_MS - hours * 3_600_000).toISOString();

describe('trust goals', () => {
  let testApp: TestApp;

  beforeAll(async () => {
    testApp = await startTestApp();
  });
  afterAll(() => testApp.close());

  const http = () => request(testApp.app.getHttpServer());
  const sql = <T>(text: string, params: unknown[] = []) =>
    testApp.dataSource.query<T>(text, params);

  /** A practice of its own: a team, a client of the counselor's with a mother and a father. */
  async function setup() {
    const team = await createTeam(testApp.dataSource);
    const client = await createClient(testApp.dataSource, {
      practiceId: team.practice.id,
      primaryCounselorId: team.counselor.id,
      firstName: 'Maya',
    });
    const mother = await addFamilyMember(testApp.dataSource, client, 'mother', 'Grace');
    const father = await addFamilyMember(testApp.dataSource, client, 'father', 'Daniel');
    const auth = bearer(await tokenFor(testApp.app, team.counselor));
    const goals = `/api/v1/clients/${client.id}/trust-goals`;
    return { team, client, mother, father, auth, goals };
  }
  type Setup = Awaited<ReturnType<typeof setup>>;

  const goalBody = (mother: string, extra: Record<string, unknown> = {}) => ({
    parties: [{ party: 'client' }, { party: 'family_member', familyMemberId: mother }],
    strategy: 'consistency_and_reliability',
    description: 'Grace can count on Maya’s word again.',
    baselineRating: 3,
    targetRating: 7,
    startDate: daysAgo(60).slice(0, 10),
    ...extra,
  });

  /** An active goal between the client and the mother. */
  async function activeGoal(s: Setup, extra: Record<string, unknown> = {}): Promise<string> {
    const created = await http()
      .post(s.goals)
      .set('Authorization', s.auth)
      .send(goalBody(s.mother, { lifecycleStatus: 'active', ...extra }))
      .expect(201);
    return created.body.id as string;
  }

  const checkIn = (s: Setup, goalId: string, body: Record<string, unknown>) =>
    http().post(`${s.goals}/${goalId}/check-ins`).set('Authorization', s.auth).send(body);

  const ratings = (s: Setup, client: number, mother: number) => [
    { party: 'client', rating: client },
    { party: 'family_member', familyMemberId: s.mother, rating: mother },
  ];

  async function boundaryViolation(client: TestClient, counselorId: string): Promise<string> {
    const [agreement] = await sql<{ id: string }[]>(
      `INSERT INTO boundary_agreements (practice_id, client_id, title, facilitator_id, status)
       VALUES ($1, $2, 'Evenings', $3, 'active') RETURNING id`,
      [client.practiceId, client.id, counselorId],
    );
    await sql(
      `INSERT INTO boundary_agreement_versions (practice_id, agreement_id, number) VALUES ($1, $2, 1)`,
      [client.practiceId, agreement!.id],
    );
    const [item] = await sql<{ id: string }[]>(
      `INSERT INTO boundary_items (practice_id, agreement_id, version_number, position, category, boundary, expectation,
                                   response_if_crossed)
       VALUES ($1, $2, 1, 1, 'time', 'No calls after 10 pm.', 'Text instead.', 'We talk about it in session.')
       RETURNING id`,
      [client.practiceId, agreement!.id],
    );
    const [violation] = await sql<{ id: string }[]>(
      `INSERT INTO boundary_violations (practice_id, client_id, agreement_id, item_id, occurred_at, severity, description)
       VALUES ($1, $2, $3, $4, now() - interval '3 days', 'minor', 'Called at 11:40 pm.') RETURNING id`,
      [client.practiceId, client.id, agreement!.id, item!.id],
    );
    return violation!.id;
  }

  const auditOf = (clientId: string) =>
    sql<
      {
        action: string;
        resource_type: string;
        resource_id: string | null;
        actor_id: string | null;
        changed_fields: string[];
        metadata: Record<string, unknown>;
      }[]
    >(
      `SELECT action, resource_type, resource_id, actor_id, changed_fields, metadata FROM audit_events
        WHERE client_id = $1 AND resource_type LIKE '%goal%' ORDER BY occurred_at, id`,
      [clientId],
    );

  it('creates a goal, reads it with its ETag and (empty) derived figures, edits it with If-Match, and audits each step', async () => {
    const s = await setup();
    const created = await http()
      .post(s.goals)
      .set('Authorization', s.auth)
      .send(goalBody(s.mother, { targetDate: daysAgo(-120).slice(0, 10), priority: 'high' }))
      .expect(201);
    expect(created.headers.location).toBe(`${s.goals}/${created.body.id}`);
    expect(created.body).toMatchObject({
      clientId: s.client.id,
      parties: [
        { party: 'client', familyMemberId: null },
        { party: 'family_member', familyMemberId: s.mother },
      ],
      strategy: 'consistency_and_reliability',
      lifecycleStatus: 'proposed',
      achievementStatus: 'in_progress',
      baselineRating: 3,
      targetRating: 7,
      priority: 'high',
      commitments: [],
      milestones: [],
      derived: {
        checkInCount: 0,
        lastCheckInOn: null,
        daysSinceLastCheckIn: null,
        reliability: { windowDays: 28, kept: 0, missed: 0, ratio: null },
        targetMetStreak: 0,
        suggestedAchievementStatus: null,
        suggestionDiffers: false,
      },
    });
    const goal = `${s.goals}/${created.body.id}`;
    const read = await http().get(goal).set('Authorization', s.auth).expect(200);
    expect(read.headers.etag).toBe(created.headers.etag);
    expect(read.body.derived.parties).toEqual([
      expect.objectContaining({ party: 'client', currentRating: null, trend: expect.any(Object) }),
      expect.objectContaining({ party: 'family_member', familyMemberId: s.mother }),
    ]);
    const listed = await http().get(s.goals).set('Authorization', s.auth).expect(200);
    expect(listed.body).toEqual({ data: [read.body], nextCursor: null });

    const edited = await http()
      .patch(goal)
      .set('Authorization', s.auth)
      .set('If-Match', read.headers.etag as string)
      .send({ description: 'Calls happen when promised.', targetRating: 8 })
      .expect(200);
    expect(edited.body).toMatchObject({
      description: 'Calls happen when promised.',
      targetRating: 8,
    });
    expect(edited.headers.etag).not.toBe(read.headers.etag);
    await http()
      .patch(goal)
      .set('Authorization', s.auth)
      .set('If-Match', read.headers.etag as string)
      .send({ priority: 'low' })
      .expect(412);
    const badDates = await http()
      .patch(goal)
      .set('Authorization', s.auth)
      .send({ targetDate: daysAgo(90).slice(0, 10) })
      .expect(422);
    expect(badDates.body.errors).toEqual([
      { field: 'targetDate', message: 'The target date cannot be before the start date.' },
    ]);

    const events = await auditOf(s.client.id);
    expect(events.map((e) => `${e.action}:${e.resource_type}`)).toEqual([
      'create:trust_goal',
      'read:trust_goal',
      'list:trust_goal',
      'update:trust_goal',
    ]);
    expect(events[3]).toMatchObject({
      resource_id: created.body.id,
      actor_id: s.team.counselor.id,
      changed_fields: ['description', 'targetRating'],
    });
  });

  it('lists a client’s goals page by page, oldest first, and replays a retried creation', async () => {
    const s = await setup();
    const created: string[] = [];
    for (const strategy of ['consistency_and_reliability', 'active_listening', 'quality_time']) {
      const response = await http()
        .post(s.goals)
        .set('Authorization', s.auth)
        .set('Idempotency-Key', `goal-${strategy}`)
        .send(goalBody(s.mother, { strategy }))
        .expect(201);
      created.push(response.body.id as string);
    }
    const replay = await http()
      .post(s.goals)
      .set('Authorization', s.auth)
      .set('Idempotency-Key', 'goal-quality_time')
      .send(goalBody(s.mother, { strategy: 'quality_time' }))
      .expect(201);
    expect(replay.headers['idempotency-replayed']).toBe('true');
    expect(replay.body.id).toBe(created[2]);
    const first = await http().get(`${s.goals}?limit=2`).set('Authorization', s.auth).expect(200);
    expect(first.body.data.map((g: { id: string }) => g.id)).toEqual(created.slice(0, 2));
    const second = await http()
      .get(`${s.goals}?limit=2&cursor=${first.body.nextCursor}`)
      .set('Authorization', s.auth)
      .expect(200);
    expect(second.body).toEqual({
      data: [expect.objectContaining({ id: created[2] })],
      nextCursor: null,
    });
  });

  it('enforces lifecycle and achievement transitions, answering 409 with the current and requested status', async () => {
    const s = await setup();
    const created = await http()
      .post(s.goals)
      .set('Authorization', s.auth)
      .send(goalBody(s.mother))
      .expect(201);
    const goal = `${s.goals}/${created.body.id}`;
    const status = (body: Record<string, unknown>) =>
      http().post(`${goal}/status`).set('Authorization', s.auth).send(body);

    const refused = await status({ lifecycleStatus: 'completed' }).expect(409);
    expect(refused.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(refused.body).toMatchObject({
      type: 'urn:family-therapy:problem:invalid-status-transition',
      status: 409,
      statusKind: 'lifecycle',
      currentStatus: 'proposed',
      requestedStatus: 'completed',
      allowedStatuses: ['active', 'cancelled', 'entered_in_error'],
    });
    // A proposed goal is not assessed yet.
    const notYet = await status({ achievementStatus: 'improving' }).expect(409);
    expect(notYet.body).toMatchObject({
      statusKind: 'achievement',
      currentStatus: 'in_progress',
      requestedStatus: 'improving',
      allowedStatuses: [],
    });

    const active = await status({ lifecycleStatus: 'active' }).expect(200);
    expect(active.body.lifecycleStatus).toBe('active');
    const commitment = await http()
      .post(`${goal}/commitments`)
      .set('Authorization', s.auth)
      .send({ owner: { party: 'client' }, description: 'Call Mom every Sunday', cadence: 'weekly' })
      .expect(201);
    const improving = await status({ achievementStatus: 'improving' }).expect(200);
    expect(improving.body).toMatchObject({
      achievementStatus: 'improving',
      achievementSetBy: s.team.counselor.id,
    });
    expect((await status({ achievementStatus: 'not_achieved' }).expect(409)).body).toMatchObject({
      currentStatus: 'improving',
      requestedStatus: 'not_achieved',
    });
    await status({ lifecycleStatus: 'cancelled' }).expect(422);
    const noOutcome = await status({ lifecycleStatus: 'completed' }).expect(422);
    expect(noOutcome.body.errors[0].field).toBe('achievementStatus');
    await status({ achievementStatus: 'achieved' }).expect(200);
    const backwards = await status({ achievementStatus: 'in_progress' }).expect(409);
    expect(backwards.body).toMatchObject({
      currentStatus: 'achieved',
      allowedStatuses: ['sustaining', 'worsening'],
    });

    const completed = await status({ lifecycleStatus: 'completed' }).expect(200);
    expect(completed.body.lifecycleStatus).toBe('completed');
    expect(completed.body.commitments).toEqual([
      expect.objectContaining({
        id: commitment.body.id,
        status: 'ended',
        endedAt: expect.any(String),
      }),
    ]);
    const closed = await checkIn(s, created.body.id, { occurredAt: daysAgo(1) }).expect(409);
    expect(closed.body).toMatchObject({
      type: 'urn:family-therapy:problem:goal-not-under-way',
      currentStatus: 'completed',
    });
    // A relapse after the goal was met: re-open it, and say where things stand.
    const reopened = await status({
      lifecycleStatus: 'active',
      achievementStatus: 'worsening',
    }).expect(200);
    expect(reopened.body).toMatchObject({
      lifecycleStatus: 'active',
      achievementStatus: 'worsening',
    });
    await status({
      lifecycleStatus: 'entered_in_error',
      reason: 'Opened on the wrong client',
    }).expect(200);
    await status({ lifecycleStatus: 'active' }).expect(409);
    const listed = await http().get(s.goals).set('Authorization', s.auth).expect(200);
    expect(listed.body.data).toEqual([]);
    const inError = await http()
      .get(`${s.goals}?lifecycleStatus=entered_in_error`)
      .set('Authorization', s.auth)
      .expect(200);
    expect(inError.body.data[0]).toMatchObject({ statusReason: 'Opened on the wrong client' });

    const changes = (await auditOf(s.client.id)).filter(
      (e) => e.action === 'status_change' && e.resource_type === 'trust_goal',
    );
    expect(changes.map((e) => e.metadata)).toEqual([
      expect.objectContaining({ from: 'proposed', to: 'active' }),
      expect.objectContaining({ achievementFrom: 'in_progress', achievementTo: 'improving' }),
      expect.objectContaining({ achievementFrom: 'improving', achievementTo: 'achieved' }),
      expect.objectContaining({ from: 'active', to: 'completed', commitmentsEnded: 1 }),
      expect.objectContaining({ from: 'completed', to: 'active', achievementTo: 'worsening' }),
      expect.objectContaining({ from: 'active', to: 'entered_in_error' }),
    ]);
  });

  it('refuses parties outside the client, and ratings or owners who are not the goal’s parties, naming the fields', async () => {
    const s = await setup();
    const other = await createClient(testApp.dataSource, {
      practiceId: s.team.practice.id,
      primaryCounselorId: s.team.counselor.id,
    });
    const stranger = await addFamilyMember(testApp.dataSource, other, 'mother', 'Not Grace');

    const outsider = await http()
      .post(s.goals)
      .set('Authorization', s.auth)
      .send(goalBody(stranger))
      .expect(422);
    expect(outsider.body).toMatchObject({
      type: 'urn:family-therapy:problem:party-not-of-client',
      errors: [
        { field: 'parties[1].familyMemberId', message: 'is not a family member of this client' },
      ],
    });
    const twice = await http()
      .post(s.goals)
      .set('Authorization', s.auth)
      .send({ ...goalBody(s.mother), parties: [{ party: 'client' }, { party: 'client' }] })
      .expect(422);
    expect(twice.body.errors).toEqual([
      { field: 'parties[1]', message: 'must be a different party from parties[0]' },
    ]);
    const three = await http()
      .post(s.goals)
      .set('Authorization', s.auth)
      .send({ ...goalBody(s.mother), parties: [{ party: 'client' }] })
      .expect(400);
    expect(three.body.errors[0].field).toBe('parties');

    const goalId = await activeGoal(s);
    const goal = `${s.goals}/${goalId}`;
    const fatherOwns = await http()
      .post(`${goal}/commitments`)
      .set('Authorization', s.auth)
      .send({
        owner: { party: 'family_member', familyMemberId: s.father },
        description: 'Drive Maya to meetings',
        cadence: 'weekly',
      })
      .expect(422);
    expect(fatherOwns.body.errors).toEqual([
      { field: 'owner.familyMemberId', message: 'is not a party of this goal' },
    ]);
    const strangerOwns = await http()
      .post(`${goal}/commitments`)
      .set('Authorization', s.auth)
      .send({
        owner: { party: 'family_member', familyMemberId: stranger },
        description: 'Call every Sunday',
        cadence: 'weekly',
      })
      .expect(422);
    expect(strangerOwns.body.errors[0].field).toBe('owner.familyMemberId');

    const fatherRates = await checkIn(s, goalId, {
      occurredAt: daysAgo(1),
      ratings: [
        { party: 'client', rating: 5 },
        { party: 'family_member', familyMemberId: s.father, rating: 2 },
      ],
    }).expect(422);
    expect(fatherRates.body).toMatchObject({
      type: 'urn:family-therapy:problem:party-not-of-goal',
      errors: [{ field: 'ratings[1].familyMemberId', message: 'is not a party of this goal' }],
    });
    const strangerRates = await checkIn(s, goalId, {
      occurredAt: daysAgo(1),
      ratings: [{ party: 'family_member', familyMemberId: stranger, rating: 2 }],
    }).expect(422);
    expect(strangerRates.body.errors).toEqual([
      { field: 'ratings[0].familyMemberId', message: 'is not a family member of this client' },
    ]);
    const sameTwice = await checkIn(s, goalId, {
      occurredAt: daysAgo(1),
      ratings: [
        { party: 'client', rating: 5 },
        { party: 'client', rating: 6 },
      ],
    }).expect(422);
    expect(sameTwice.body.errors).toEqual([
      { field: 'ratings[1]', message: 'names a party already given' },
    ]);
    const outOfRange = await checkIn(s, goalId, {
      occurredAt: daysAgo(1),
      ratings: [{ party: 'client', rating: 11 }],
      commitmentsMissed: -1,
    }).expect(400);
    expect(outOfRange.body.errors.map((e: { field: string }) => e.field).sort()).toEqual([
      'commitmentsMissed',
      'ratings[0].rating',
    ]);
    const future = await checkIn(s, goalId, { occurredAt: daysAgo(-1) }).expect(422);
    expect(future.body.errors).toEqual([
      { field: 'occurredAt', message: 'must not be in the future' },
    ]);
    const otherSession = await createSession(testApp.dataSource, other, s.team.counselor.id, {
      startsAt: daysAgo(2),
      status: 'completed',
    });
    const wrongSession = await checkIn(s, goalId, {
      occurredAt: daysAgo(1),
      sessionId: otherSession,
    }).expect(422);
    expect(wrongSession.body).toMatchObject({
      type: 'urn:family-therapy:problem:session-not-of-client',
      errors: [
        { field: 'sessionId', message: 'The session is not one of this client’s sessions.' },
      ],
    });

    // Between two family members, the client is not a party.
    const members = await http()
      .post(s.goals)
      .set('Authorization', s.auth)
      .send(
        goalBody(s.mother, {
          parties: [
            { party: 'family_member', familyMemberId: s.mother },
            { party: 'family_member', familyMemberId: s.father },
          ],
          lifecycleStatus: 'active',
        }),
      )
      .expect(201);
    const clientRates = await checkIn(s, members.body.id as string, {
      occurredAt: daysAgo(1),
      ratings: [{ party: 'client', rating: 5 }],
    }).expect(422);
    expect(clientRates.body.errors).toEqual([
      { field: 'ratings[0].party', message: 'is not a party of this goal' },
    ]);

    // The database holds the same line on its own.
    await sql(
      `INSERT INTO goal_check_ins (practice_id, client_id, goal_id, occurred_at, recorded_by)
       VALUES ($1, $2, $3, now(), $4)`,
      [s.team.practice.id, s.client.id, goalId, s.team.counselor.id],
    );
    const [stored] = await sql<{ id: string }[]>(
      `SELECT id FROM goal_check_ins WHERE goal_id = $1`,
      [goalId],
    );
    await expect(
      sql(
        `INSERT INTO goal_check_in_ratings (practice_id, goal_id, check_in_id, family_member_id, rating)
         VALUES ($1, $2, $3, $4, 5)`,
        [s.team.practice.id, goalId, stored!.id, s.father],
      ),
    ).rejects.toThrow(/not one of the goal's two parties/);
  });

  it('returns the derived figures with the goal; the suggestion never overwrites the clinician’s achievement status', async () => {
    const s = await setup();
    const goalId = await activeGoal(s);
    const goal = `${s.goals}/${goalId}`;
    await http()
      .post(`${goal}/status`)
      .set('Authorization', s.auth)
      .send({ achievementStatus: 'improving' })
      .expect(200);
    const rows: [number, number, number, number, number][] = [
      // days ago, client, mother, kept, missed
      [40, 4, 3, 5, 0],
      [20, 6, 5, 2, 1],
      [12, 7, 7, 1, 0],
      [5, 8, 7, 0, 1],
    ];
    for (const [days, client, mother, kept, missed] of rows) {
      await checkIn(s, goalId, {
        occurredAt: daysAgo(days),
        ratings: ratings(s, client, mother),
        commitmentsKept: kept,
        commitmentsMissed: missed,
      }).expect(201);
    }
    const [expectedDays] = await sql<{ days: number }[]>(
      `SELECT (now() AT TIME ZONE p.time_zone)::date - ($2::timestamptz AT TIME ZONE p.time_zone)::date AS days
         FROM practices p WHERE p.id = $1`,
      [s.team.practice.id, daysAgo(5)],
    );
    const read = await http().get(goal).set('Authorization', s.auth).expect(200);
    expect(read.body.achievementStatus).toBe('improving');
    expect(read.body.derived).toMatchObject({
      checkInCount: 4,
      daysSinceLastCheckIn: expectedDays!.days,
      reliability: { windowDays: 28, kept: 3, missed: 2, ratio: 0.6 },
      trendWindow: 5,
      targetMetStreak: 2,
      suggestedAchievementStatus: 'achieved',
      suggestionDiffers: true,
    });
    expect(read.body.derived.parties).toEqual([
      expect.objectContaining({
        party: 'client',
        currentRating: 8,
        lastChange: 1,
        trend: { slope: 1.3, sign: 1, points: 4 },
      }),
      expect.objectContaining({
        familyMemberId: s.mother,
        currentRating: 7,
        lastChange: 0,
        trend: { slope: 1.4, sign: 1, points: 4 },
      }),
    ]);
    // Reading it again (or listing) changes nothing: the clinician decides.
    await http().get(s.goals).set('Authorization', s.auth).expect(200);
    const [stored] = await sql<{ achievement_status: string }[]>(
      `SELECT achievement_status FROM trust_goals WHERE id = $1`,
      [goalId],
    );
    expect(stored!.achievement_status).toBe('improving');

    const tuned = await http()
      .get(`${goal}?trendWindow=2&reliabilityWindowDays=60`)
      .set('Authorization', s.auth)
      .expect(200);
    expect(tuned.body.derived).toMatchObject({
      trendWindow: 2,
      reliability: { windowDays: 60, kept: 8, missed: 2, ratio: 0.8 },
    });
    expect(tuned.body.derived.parties[0].trend).toEqual({ slope: 1, sign: 1, points: 2 });
    await http().get(`${goal}?trendWindow=1`).set('Authorization', s.auth).expect(400);

    const accepted = await http()
      .post(`${goal}/status`)
      .set('Authorization', s.auth)
      .send({ achievementStatus: 'achieved' })
      .expect(200);
    expect(accepted.body.derived).toMatchObject({
      suggestedAchievementStatus: 'achieved',
      suggestionDiffers: false,
    });

    // A retried check-in (same Idempotency-Key) is recorded once.
    const body = { occurredAt: daysAgo(1), ratings: ratings(s, 8, 8), commitmentsKept: 1 };
    const first = await checkIn(s, goalId, body).set('Idempotency-Key', 'ci-1').expect(201);
    const retry = await checkIn(s, goalId, body).set('Idempotency-Key', 'ci-1').expect(201);
    expect(retry.headers['idempotency-replayed']).toBe('true');
    expect(retry.body).toEqual(first.body);
    const [count] = await sql<{ n: number }[]>(
      `SELECT count(*)::int AS n FROM goal_check_ins WHERE goal_id = $1`,
      [goalId],
    );
    expect(count!.n).toBe(5);
    expect(first.body).toMatchObject({
      goalId,
      ratings: [
        { party: 'client', familyMemberId: null, rating: 8 },
        { party: 'family_member', familyMemberId: s.mother, rating: 8 },
      ],
      commitmentsKept: 1,
      commitmentsMissed: 0,
      recordedBy: s.team.counselor.id,
    });
    const after = await http().get(goal).set('Authorization', s.auth).expect(200);
    expect(after.body.derived.suggestedAchievementStatus).toBe('sustaining');
    expect(after.body.achievementStatus).toBe('achieved');
  });

  it('lays out check-ins, setbacks and reached milestones in time order, ready for a chart', async () => {
    const s = await setup();
    const goalId = await activeGoal(s);
    const goal = `${s.goals}/${goalId}`;
    const late = await checkIn(s, goalId, {
      occurredAt: daysAgo(5),
      ratings: ratings(s, 6, 4),
    }).expect(201);
    const setback = await http()
      .post(`${goal}/setbacks`)
      .set('Authorization', s.auth)
      .send({
        kind: 'relapse',
        severity: 'major',
        occurredAt: daysAgo(20),
        description: 'Drank at a party and missed the Sunday call.',
        responsePlan: 'Daily meetings for 30 days; mid-week text to Grace.',
      })
      .expect(201);
    const early = await checkIn(s, goalId, {
      occurredAt: daysAgo(30),
      ratings: ratings(s, 5, 4),
    }).expect(201);
    const milestone = await http()
      .post(`${goal}/milestones`)
      .set('Authorization', s.auth)
      .send({ title: 'Four Sunday calls in a row', targetDate: daysAgo(10).slice(0, 10) })
      .expect(201);
    const upcoming = await http()
      .post(`${goal}/milestones`)
      .set('Authorization', s.auth)
      .send({ title: 'Sunday dinner together', targetDate: daysAgo(-20).slice(0, 10) })
      .expect(201);
    const middle = await checkIn(s, goalId, {
      occurredAt: daysAgo(15),
      ratings: [{ party: 'family_member', familyMemberId: s.mother, rating: 2 }],
      note: 'After the relapse.',
    }).expect(201);
    const reached = await http()
      .post(`${goal}/milestones/${milestone.body.id}/reach`)
      .set('Authorization', s.auth)
      .send({ reachedAt: daysAgo(10), celebrationNote: 'Dinner out to celebrate.' })
      .expect(200);
    expect(reached.body).toMatchObject({
      reachedBy: s.team.counselor.id,
      celebrationNote: 'Dinner out to celebrate.',
    });

    const timeline = await http().get(`${goal}/timeline`).set('Authorization', s.auth).expect(200);
    expect(timeline.body).toMatchObject({
      goalId,
      baselineRating: 3,
      targetRating: 7,
    });
    expect(timeline.body.events.map((e: { type: string; id: string }) => [e.type, e.id])).toEqual([
      ['check_in', early.body.id],
      ['setback', setback.body.id],
      ['check_in', middle.body.id],
      ['milestone', milestone.body.id],
      ['check_in', late.body.id],
    ]);
    const times = timeline.body.events.map((e: { at: string }) => e.at);
    expect([...times].sort()).toEqual(times);
    expect(timeline.body.events[1].setback).toMatchObject({
      kind: 'relapse',
      severity: 'major',
      responsePlan: 'Daily meetings for 30 days; mid-week text to Grace.',
    });
    expect(timeline.body.events[3].milestone.celebrationNote).toBe('Dinner out to celebrate.');
    expect(timeline.body.ratingSeries).toEqual([
      {
        party: 'client',
        familyMemberId: null,
        points: [
          expect.objectContaining({ checkInId: early.body.id, rating: 5 }),
          expect.objectContaining({ checkInId: late.body.id, rating: 6 }),
        ],
      },
      {
        party: 'family_member',
        familyMemberId: s.mother,
        points: [
          expect.objectContaining({ checkInId: early.body.id, rating: 4 }),
          expect.objectContaining({ checkInId: middle.body.id, rating: 2 }),
          expect.objectContaining({ checkInId: late.body.id, rating: 4 }),
        ],
      },
    ]);
    expect(timeline.body.upcomingMilestones).toEqual([
      expect.objectContaining({ id: upcoming.body.id, reachedAt: null }),
    ]);
  });

  it('keeps check-ins and setbacks append-only and a reached milestone reached: a setback resets nothing', async () => {
    const s = await setup();
    const goalId = await activeGoal(s);
    const goal = `${s.goals}/${goalId}`;
    const first = await checkIn(s, goalId, {
      occurredAt: daysAgo(14),
      ratings: ratings(s, 6, 6),
    }).expect(201);
    const milestone = await http()
      .post(`${goal}/milestones`)
      .set('Authorization', s.auth)
      .send({ title: 'First honest conversation' })
      .expect(201);
    await http()
      .post(`${goal}/milestones/${milestone.body.id}/reach`)
      .set('Authorization', s.auth)
      .send({})
      .expect(200);
    const again = await http()
      .post(`${goal}/milestones/${milestone.body.id}/reach`)
      .set('Authorization', s.auth)
      .send({ celebrationNote: 'Twice?' })
      .expect(409);
    expect(again.body.type).toBe('urn:family-therapy:problem:milestone-already-reached');

    const violation = await boundaryViolation(s.client, s.team.counselor.id);
    const other = await createClient(testApp.dataSource, {
      practiceId: s.team.practice.id,
      primaryCounselorId: s.team.counselor.id,
    });
    const othersViolation = await boundaryViolation(other, s.team.counselor.id);
    const setback = (body: Record<string, unknown>) =>
      http()
        .post(`${goal}/setbacks`)
        .set('Authorization', s.auth)
        .send({
          severity: 'moderate',
          occurredAt: daysAgo(3),
          description: 'Called after 10 pm, shouting.',
          responsePlan: 'Review the evening boundary in session.',
          ...body,
        });
    const foreign = await setback({
      kind: 'boundary_violation',
      boundaryViolationId: othersViolation,
    }).expect(422);
    expect(foreign.body).toMatchObject({
      type: 'urn:family-therapy:problem:violation-not-of-client',
      errors: [{ field: 'boundaryViolationId' }],
    });
    const unlinked = await setback({ kind: 'boundary_violation' }).expect(422);
    expect(unlinked.body.errors).toEqual([
      { field: 'boundaryViolationId', message: 'is required for a boundary violation' },
    ]);
    const linked = await setback({
      kind: 'boundary_violation',
      boundaryViolationId: violation,
    }).expect(201);
    expect(linked.body).toMatchObject({
      kind: 'boundary_violation',
      boundaryViolationId: violation,
    });
    await checkIn(s, goalId, { occurredAt: daysAgo(1), ratings: ratings(s, 4, 3) }).expect(201);

    // Nothing of the earlier progress moved: first check-in, its ratings, the reached milestone.
    const timeline = await http().get(`${goal}/timeline`).set('Authorization', s.auth).expect(200);
    expect(timeline.body.events.map((e: { type: string }) => e.type)).toEqual([
      'check_in',
      'setback',
      'check_in',
      'milestone',
    ]);
    expect(timeline.body.events[0].checkIn).toEqual(first.body);
    const read = await http().get(goal).set('Authorization', s.auth).expect(200);
    expect(read.body.derived).toMatchObject({
      checkInCount: 2,
      suggestedAchievementStatus: 'worsening',
    });

    for (const statement of [
      `UPDATE goal_check_ins SET note = 'rewritten' WHERE goal_id = $1`,
      `DELETE FROM goal_check_ins WHERE goal_id = $1`,
      `UPDATE goal_check_in_ratings SET rating = 10 WHERE goal_id = $1`,
      `DELETE FROM goal_check_in_ratings WHERE goal_id = $1`,
      `UPDATE goal_setbacks SET severity = 'minor' WHERE goal_id = $1`,
      `DELETE FROM goal_setbacks WHERE goal_id = $1`,
    ]) {
      await expect(sql(statement, [goalId])).rejects.toThrow(/append-only/);
    }
    await expect(
      sql(`UPDATE goal_milestones SET reached_at = NULL, reached_by = NULL WHERE goal_id = $1`, [
        goalId,
      ]),
    ).rejects.toThrow(/reached milestone .* never changes/);
    await expect(sql(`DELETE FROM trust_goals WHERE id = $1`, [goalId])).rejects.toThrow(
      /never deleted/,
    );
    await expect(
      sql(`UPDATE trust_goals SET party_b_family_member_id = $2 WHERE id = $1`, [goalId, s.father]),
    ).rejects.toThrow(/parties of a trust goal never change/);
  });

  it('pauses, resumes and ends commitments; an ended one cannot come back', async () => {
    const s = await setup();
    const goalId = await activeGoal(s);
    const goal = `${s.goals}/${goalId}`;
    const added = await http()
      .post(`${goal}/commitments`)
      .set('Authorization', s.auth)
      .send({
        owner: { party: 'family_member', familyMemberId: s.mother },
        description: 'Say thank you when the call comes',
        cadence: 'weekly',
      })
      .expect(201);
    expect(added.body).toMatchObject({
      owner: { party: 'family_member', familyMemberId: s.mother },
      cadence: 'weekly',
      status: 'active',
      endedAt: null,
    });
    const commitment = `${goal}/commitments/${added.body.id}`;
    const move = (action: string) =>
      http().post(`${commitment}/${action}`).set('Authorization', s.auth);
    expect((await move('pause').expect(200)).body.status).toBe('paused');
    expect((await move('pause').expect(409)).body).toMatchObject({
      currentStatus: 'paused',
      requestedStatus: 'paused',
    });
    expect((await move('resume').expect(200)).body.status).toBe('active');
    expect((await move('end').expect(200)).body).toMatchObject({
      status: 'ended',
      endedAt: expect.any(String),
    });
    const refused = await move('resume').expect(409);
    expect(refused.body).toMatchObject({
      type: 'urn:family-therapy:problem:invalid-status-transition',
      statusKind: 'commitment',
      currentStatus: 'ended',
      requestedStatus: 'active',
      allowedStatuses: [],
    });
    await http()
      .post(`${goal}/commitments/${goalId}/pause`)
      .set('Authorization', s.auth)
      .expect(404);
    const events = (await auditOf(s.client.id)).filter(
      (e) => e.resource_type === 'goal_commitment',
    );
    expect(events.map((e) => [e.action, e.metadata.to ?? null])).toEqual([
      ['create', null],
      ['status_change', 'paused'],
      ['status_change', 'active'],
      ['status_change', 'ended'],
    ]);
  });

  it('answers 404 to an unrelated counselor, another practice and an intake coordinator; admins read only where allowed', async () => {
    const s = await setup();
    const goalId = await activeGoal(s);
    const goal = `${s.goals}/${goalId}`;
    const otherTeam = await createTeam(testApp.dataSource);
    const unrelated = bearer(await tokenFor(testApp.app, s.team.trainee));
    const elsewhere = bearer(await tokenFor(testApp.app, otherTeam.counselor));
    const intake = bearer(await tokenFor(testApp.app, s.team.intake));
    const admin = bearer(await tokenFor(testApp.app, s.team.admin));
    for (const token of [unrelated, elsewhere, intake, admin]) {
      await http().get(goal).set('Authorization', token).expect(404);
      await http().get(s.goals).set('Authorization', token).expect(404);
      await http().get(`${goal}/timeline`).set('Authorization', token).expect(404);
      await checkIn(s, goalId, { occurredAt: daysAgo(1) })
        .set('Authorization', token)
        .expect(404);
    }
    await http().get(goal).expect(401);
    // Another client of the same counselor does not reach this goal either.
    const sibling = await createClient(testApp.dataSource, {
      practiceId: s.team.practice.id,
      primaryCounselorId: s.team.counselor.id,
    });
    await http()
      .get(`/api/v1/clients/${sibling.id}/trust-goals/${goalId}`)
      .set('Authorization', s.auth)
      .expect(404);
    // The supervisor of the client's counselor reaches it.
    const supervisor = bearer(await tokenFor(testApp.app, s.team.supervisor));
    await http().get(goal).set('Authorization', supervisor).expect(200);

    await sql(`UPDATE practices SET settings = '{"adminClinicalAccess": true}' WHERE id = $1`, [
      s.team.practice.id,
    ]);
    await http().get(goal).set('Authorization', admin).expect(200);
    await http()
      .post(`${goal}/status`)
      .set('Authorization', admin)
      .send({ lifecycleStatus: 'on_hold' })
      .expect(404);

    const [denied] = await sql<{ n: number }[]>(
      `SELECT count(*)::int AS n FROM audit_events
        WHERE action = 'access_denied' AND resource_id = $1 AND practice_id = $2`,
      [s.client.id, s.team.practice.id],
    );
    // Trainee, intake and admin (the other practice's counselor cannot even name this client):
    // 4 calls each for the three, plus the admin's refused write.
    expect(denied!.n).toBe(13);
    const [written] = await sql<{ n: number }[]>(
      `SELECT count(*)::int AS n FROM goal_check_ins WHERE goal_id = $1`,
      [goalId],
    );
    expect(written!.n).toBe(0);
  });

  it('audits every read and write of a goal’s records, including a milestone reached', async () => {
    const s = await setup();
    const goalId = await activeGoal(s);
    const goal = `${s.goals}/${goalId}`;
    const commitment = await http()
      .post(`${goal}/commitments`)
      .set('Authorization', s.auth)
      .send({ owner: { party: 'client' }, description: 'Call Mom every Sunday', cadence: 'weekly' })
      .expect(201);
    const checkInResponse = await checkIn(s, goalId, {
      occurredAt: daysAgo(2),
      ratings: ratings(s, 6, 5),
      commitmentsKept: 1,
      note: 'Good call.',
    }).expect(201);
    const milestone = await http()
      .post(`${goal}/milestones`)
      .set('Authorization', s.auth)
      .send({ title: 'Four Sunday calls in a row' })
      .expect(201);
    await http()
      .post(`${goal}/milestones/${milestone.body.id}/reach`)
      .set('Authorization', s.auth)
      .send({ celebrationNote: 'Grace looks forward to Sundays.' })
      .expect(200);
    const setback = await http()
      .post(`${goal}/setbacks`)
      .set('Authorization', s.auth)
      .send({
        kind: 'broken_commitment',
        commitmentId: commitment.body.id,
        severity: 'minor',
        occurredAt: daysAgo(1),
        description: 'No call, no text.',
        responsePlan: 'Talk it through on Tuesday.',
      })
      .expect(201);
    await http().get(`${goal}/timeline`).set('Authorization', s.auth).expect(200);
    await http().get(goal).set('Authorization', s.auth).expect(200);

    const events = await auditOf(s.client.id);
    expect(events.map((e) => `${e.action}:${e.resource_type}:${e.resource_id}`)).toEqual([
      `create:trust_goal:${goalId}`,
      `create:goal_commitment:${commitment.body.id}`,
      `create:goal_check_in:${checkInResponse.body.id}`,
      `create:goal_milestone:${milestone.body.id}`,
      `status_change:goal_milestone:${milestone.body.id}`,
      `create:goal_setback:${setback.body.id}`,
      `read:trust_goal:${goalId}`,
      `read:trust_goal:${goalId}`,
    ]);
    expect(events.every((e) => e.actor_id === s.team.counselor.id)).toBe(true);
    expect(events[4]).toMatchObject({
      changed_fields: ['reachedAt', 'celebrationNote'],
      metadata: { goalId, from: 'pending', to: 'reached', event: 'milestone_reached' },
    });
    expect(events[6]!.metadata).toEqual({ view: 'timeline' });
    // Codes and counts only: no note text, no setback kind in the audit trail.
    expect(JSON.stringify(events)).not.toMatch(/Good call|broken_commitment|Sundays/);
  });
});
