import { createClient } from '../factories/client.factory';
import { adminQuery } from '../setup/database-roles';
import { daysAgo, trustGoalsFixture } from './trust-goals-fixture';

describe('trust goals: records, timeline and audit', () => {
  const fx = trustGoalsFixture();
  const { http, sql, setup, activeGoal, checkIn, ratings, boundaryViolation, auditOf } = fx;

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
    const other = await createClient(fx.testApp.dataSource, {
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
      // As the superuser: the application role is refused by its grants already (database-roles).
      await expect(adminQuery(fx.testApp.dataSource, statement, [goalId])).rejects.toThrow(
        /append-only/,
      );
    }
    await expect(
      sql(`UPDATE goal_milestones SET reached_at = NULL, reached_by = NULL WHERE goal_id = $1`, [
        goalId,
      ]),
    ).rejects.toThrow(/reached milestone .* never changes/);
    await expect(
      adminQuery(fx.testApp.dataSource, `DELETE FROM trust_goals WHERE id = $1`, [goalId]),
    ).rejects.toThrow(/never deleted/);
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
