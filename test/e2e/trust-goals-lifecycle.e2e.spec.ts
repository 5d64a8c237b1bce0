import { createClient } from '../factories/client.factory';
import { createTeam } from '../factories/staff.factory';
import { bearer, tokenFor } from '../setup/auth';
import { daysAgo, trustGoalsFixture } from './trust-goals-fixture';
import { ownerQuery } from '../setup/database-roles';

describe('trust goals: lifecycle and access', () => {
  const fx = trustGoalsFixture();
  const { http, get, sql, setup, goalBody, activeGoal, checkIn, auditOf } = fx;

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
    const second = await get(`${s.goals}?limit=2&cursor=${first.body.nextCursor}`, s.auth);
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
    const inError = await get(`${s.goals}?lifecycleStatus=entered_in_error`, s.auth);
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

  it('answers 404 to an unrelated counselor, another practice and an intake coordinator; admins read only where allowed', async () => {
    const s = await setup();
    const goalId = await activeGoal(s);
    const goal = `${s.goals}/${goalId}`;
    const otherTeam = await createTeam(fx.testApp.dataSource);
    const unrelated = bearer(await tokenFor(fx.testApp.app, s.team.trainee));
    const elsewhere = bearer(await tokenFor(fx.testApp.app, otherTeam.counselor));
    const intake = bearer(await tokenFor(fx.testApp.app, s.team.intake));
    const admin = bearer(await tokenFor(fx.testApp.app, s.team.admin));
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
    const sibling = await createClient(fx.testApp.dataSource, {
      practiceId: s.team.practice.id,
      primaryCounselorId: s.team.counselor.id,
    });
    await http()
      .get(`/api/v1/clients/${sibling.id}/trust-goals/${goalId}`)
      .set('Authorization', s.auth)
      .expect(404);
    // The supervisor of the client's counselor reaches it.
    const supervisor = bearer(await tokenFor(fx.testApp.app, s.team.supervisor));
    await http().get(goal).set('Authorization', supervisor).expect(200);

    await ownerQuery(
      fx.testApp.dataSource,
      `UPDATE practices SET settings = '{"adminClinicalAccess": true}' WHERE id = $1`,
      [s.team.practice.id],
    );
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
});
