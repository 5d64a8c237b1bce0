import { addFamilyMember, createClient } from '../factories/client.factory';
import { createSession } from '../factories/session.factory';
import { daysAgo, trustGoalsFixture } from './trust-goals-fixture';

describe('trust goals: parties, check-ins and derived figures', () => {
  const fx = trustGoalsFixture();
  const { http, get, sql, setup, goalBody, activeGoal, checkIn, ratings } = fx;

  it('refuses parties outside the client, and ratings or owners who are not the goal’s parties, naming the fields', async () => {
    const s = await setup();
    const other = await createClient(fx.testApp.dataSource, {
      practiceId: s.team.practice.id,
      primaryCounselorId: s.team.counselor.id,
    });
    const stranger = await addFamilyMember(fx.testApp.dataSource, other, 'mother', 'Not Grace');

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
    const otherSession = await createSession(fx.testApp.dataSource, other, s.team.counselor.id, {
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

    const tuned = await get(`${goal}?trendWindow=2&reliabilityWindowDays=60`, s.auth);
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
});
