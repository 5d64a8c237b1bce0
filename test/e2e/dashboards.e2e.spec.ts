import request from 'supertest';
import type { DataSource } from 'typeorm';
import { refreshGoalFigures } from '../../src/trust-goals/goal-figures';
import { addFamilyMember, createClient, type TestClient } from '../factories/client.factory';
import { createStaff, createTeam } from '../factories/staff.factory';
import { bearer, tokenFor } from '../setup/auth';
import { countQueries } from '../setup/query-counter';
import { startTestApp, type TestApp } from '../setup/test-app';

const TZ = 'America/Chicago';

/** A timestamp `days` after today at `time`, in the practice's time zone (computed by PostgreSQL). */
async function localAt(dataSource: DataSource, days: number, time: string): Promise<string> {
  const [row] = await dataSource.query<{ at: Date }[]>(
    `SELECT (((now() AT TIME ZONE $1)::date + $2::int) + $3::time) AT TIME ZONE $1 AS at`,
    [TZ, days, time],
  );
  return row!.at.toISOString();
}

async function session(
  dataSource: DataSource,
  client: TestClient,
  counselorId: string,
  startsAt: string,
  extra: { status?: string; modality?: string; minutes?: number } = {},
) {
  const [row] = await dataSource.query<{ id: string }[]>(
    `INSERT INTO therapy_sessions (practice_id, client_id, counselor_id, starts_at, ends_at, modality, setting, status,
                                   cancel_reason, cancelled_at, completed_at)
     VALUES ($1, $2, $3, $4::timestamptz, $4::timestamptz + make_interval(mins => $5), $6, 'in_person', $7,
             CASE WHEN $7 = 'cancelled' THEN 'x' END, CASE WHEN $7 = 'cancelled' THEN now() END,
             CASE WHEN $7 = 'completed' THEN now() END) RETURNING id`,
    [
      client.practiceId,
      client.id,
      counselorId,
      startsAt,
      extra.minutes ?? 50,
      extra.modality ?? 'individual',
      extra.status ?? 'scheduled',
    ],
  );
  return row!.id;
}

async function note(
  dataSource: DataSource,
  client: TestClient,
  sessionId: string,
  authorId: string,
  status: string,
) {
  const signed = status !== 'draft';
  await dataSource.query(
    `INSERT INTO session_notes (practice_id, client_id, session_id, author_id, format, content, status, signed_by, signed_at, content_hash)
     VALUES ($1, $2, $3, $4, 'free', '{"text":"t"}', $5, CASE WHEN $6 THEN $4::uuid END, CASE WHEN $6 THEN now() END, CASE WHEN $6 THEN 'h' END)`,
    [client.practiceId, client.id, sessionId, authorId, status, signed],
  );
}

interface CheckIn {
  daysAgo: number;
  rating: number;
  kept?: number;
  missed?: number;
}
async function goal(
  dataSource: DataSource,
  client: TestClient,
  member: string,
  o: { targetDate?: string; startDaysAgo?: number; checkIns: CheckIn[]; achievement?: string },
) {
  const [row] = await dataSource.query<{ id: string }[]>(
    `INSERT INTO trust_goals (practice_id, client_id, party_a_family_member_id, party_b_family_member_id, strategy, description,
                              lifecycle_status, achievement_status, achievement_set_at, baseline_rating, target_rating, start_date, target_date)
     VALUES ($1, $2, NULL, $3, 'consistency_and_reliability', 'Weekly calls', 'active', $4,
             CASE WHEN $4 = 'achieved' THEN now() - interval '2 days' END, 3, 8, current_date - $5::int, $6::date) RETURNING id`,
    [
      client.practiceId,
      client.id,
      member,
      o.achievement ?? 'in_progress',
      o.startDaysAgo ?? 90,
      o.targetDate ?? null,
    ],
  );
  const goalId = row!.id;
  for (const c of o.checkIns) {
    const [checkIn] = await dataSource.query<{ id: string }[]>(
      `INSERT INTO goal_check_ins (practice_id, client_id, goal_id, occurred_at, commitments_kept, commitments_missed, recorded_by)
       SELECT $1, $2, $3, now() - make_interval(days => $4), $5, $6, s.id FROM staff s WHERE s.practice_id = $1 LIMIT 1 RETURNING id`,
      [client.practiceId, client.id, goalId, c.daysAgo, c.kept ?? 1, c.missed ?? 0],
    );
    await dataSource.query(
      `INSERT INTO goal_check_in_ratings (practice_id, goal_id, check_in_id, family_member_id, rating) VALUES ($1, $2, $3, NULL, $4), ($1, $2, $3, $5, $4)`,
      [client.practiceId, goalId, checkIn!.id, c.rating, member],
    );
  }
  await refreshGoalFigures((sql, params) => dataSource.query(sql, params), client.practiceId, [
    goalId,
  ]);
  return goalId;
}

describe('dashboards', () => {
  let testApp: TestApp;

  beforeAll(async () => {
    testApp = await startTestApp();
  });
  afterAll(() => testApp.close());

  const http = () => request(testApp.app.getHttpServer());

  it('shows every section of a known caseload exactly', async () => {
    const ds = testApp.dataSource;
    const team = await createTeam(ds);
    await ds.query(`UPDATE practices SET time_zone = $2 WHERE id = $1`, [team.practice.id, TZ]);
    const other = await createStaff(ds, { practiceId: team.practice.id, role: 'counselor' });
    const C = team.counselor.id;
    const practiceId = team.practice.id;
    const a = await createClient(ds, {
      practiceId,
      primaryCounselorId: C,
      firstName: 'Maya',
      lastName: 'Okafor',
    });
    const b = await createClient(ds, {
      practiceId,
      primaryCounselorId: C,
      status: 'on_hold',
      firstName: 'Ben',
      lastName: 'Ruiz',
    });
    const d = await createClient(ds, { practiceId, primaryCounselorId: C, status: 'discharged' });
    await ds.query(
      `UPDATE clients SET discharged_on = (now() AT TIME ZONE $2)::date WHERE id = $1`,
      [d.id, TZ],
    );
    const e = await createClient(ds, { practiceId, primaryCounselorId: team.trainee.id });
    const mother = await addFamilyMember(ds, a, 'mother', 'Grace');
    const sister = await addFamilyMember(ds, b, 'sibling', 'Ana');
    await addFamilyMember(ds, b, 'father', 'Luis');
    await ds.query(`UPDATE family_members SET participation = 'participating' WHERE id = $1`, [
      sister,
    ]);

    // Schedule: 23:30 tonight belongs to today; 00:30 is tomorrow; cancelled and far sessions are left out.
    const tonight = await session(ds, a, C, await localAt(ds, 0, '23:30'), { minutes: 30 });
    const afterMidnight = await session(ds, a, C, await localAt(ds, 1, '00:30'));
    await session(ds, a, C, await localAt(ds, 2, '10:00'), { status: 'cancelled' });
    await session(ds, a, C, await localAt(ds, 9, '10:00'));
    const family = await session(ds, b, C, await localAt(ds, 3, '15:00'), { modality: 'family' });
    // Notes: overdue and fresh unsigned notes, a signed one, one returned, one awaiting the supervisor.
    const overdue = await session(ds, a, C, new Date(Date.now() - 5 * 86_400_000).toISOString(), {
      status: 'completed',
    });
    const fresh = await session(ds, b, C, new Date(Date.now() - 30 * 3_600_000).toISOString(), {
      status: 'completed',
    });
    await note(ds, b, fresh, C, 'draft');
    const signed = await session(ds, a, C, new Date(Date.now() - 10 * 86_400_000).toISOString(), {
      status: 'completed',
    });
    await note(ds, a, signed, C, 'signed');
    const returned = await session(ds, a, C, new Date(Date.now() - 12 * 86_400_000).toISOString(), {
      status: 'completed',
    });
    await note(ds, a, returned, C, 'returned');
    const traineeSession = await session(
      ds,
      e,
      team.trainee.id,
      new Date(Date.now() - 86_400_000).toISOString(),
      { status: 'completed' },
    );
    await note(ds, e, traineeSession, team.trainee.id, 'awaiting_cosign');

    // Goals of client A.
    const weekly = (ratings: number[], kept = 1, missed = 0) =>
      ratings.map((rating, i) => ({
        daysAgo: 2 + 7 * (ratings.length - 1 - i),
        rating,
        kept,
        missed,
      }));
    const pastTarget = await goal(ds, a, mother, {
      targetDate: '2026-01-01',
      startDaysAgo: 400,
      checkIns: weekly([5, 5, 5]),
    });
    const stalled = await goal(ds, a, mother, {
      checkIns: [
        { daysAgo: 20, rating: 5 },
        { daysAgo: 27, rating: 5 },
      ],
    });
    const falling = await goal(ds, a, mother, { checkIns: weekly([8, 7, 6, 5, 4]) });
    const unreliable = await goal(ds, a, mother, { checkIns: weekly([5, 5, 5], 1, 3) });
    const healthy = await goal(ds, a, mother, {
      checkIns: weekly([4, 5, 6, 7]),
      achievement: 'achieved',
    });
    await ds.query(
      `INSERT INTO goal_milestones (practice_id, client_id, goal_id, title, reached_at, reached_by)
       VALUES ($1, $2, $3, 'First calm Sunday call', now() - interval '3 days', $4),
              ($1, $2, $3, 'Old milestone', now() - interval '20 days', $4)`,
      [practiceId, a.id, healthy, C],
    );
    await ds.query(
      `INSERT INTO goal_setbacks (practice_id, client_id, goal_id, kind, severity, occurred_at, description, response_plan, recorded_by)
       VALUES ($1, $2, $3, 'relapse', 'major', now() - interval '5 days', 'Used once', 'Daily check-ins', $4),
              ($1, $2, $3, 'other', 'minor', now() - interval '30 days', 'Old', 'Old', $4)`,
      [practiceId, a.id, healthy, C],
    );

    // Boundaries: a recent violation, an agreement awaiting acknowledgment, one due for review.
    const agreement = async (status: string, reviewInDays: number | null) => {
      const [row] = await ds.query<{ id: string }[]>(
        `INSERT INTO boundary_agreements (practice_id, client_id, title, facilitator_id, status, review_date)
         VALUES ($1, $2, 'Evenings', $3, $4, CASE WHEN $5::int IS NULL THEN NULL ELSE current_date + $5::int END) RETURNING id`,
        [practiceId, a.id, C, status, reviewInDays],
      );
      await ds.query(
        `INSERT INTO boundary_agreement_parties (practice_id, client_id, agreement_id, family_member_id) VALUES ($1, $2, $3, NULL), ($1, $2, $3, $4)`,
        [practiceId, a.id, row!.id, mother],
      );
      await ds.query(
        `INSERT INTO boundary_agreement_versions (practice_id, agreement_id, number) VALUES ($1, $2, 1)`,
        [practiceId, row!.id],
      );
      return row!.id;
    };
    const inForce = await agreement('active', 60);
    const [item] = await ds.query<{ id: string }[]>(
      `INSERT INTO boundary_items (practice_id, agreement_id, version_number, position, category, boundary, expectation, response_if_crossed)
       VALUES ($1, $2, 1, 1, 'time', 'No calls after 10 pm', 'Text', 'Unanswered') RETURNING id`,
      [practiceId, inForce],
    );
    const [violation] = await ds.query<{ id: string }[]>(
      `INSERT INTO boundary_violations (practice_id, client_id, agreement_id, item_id, occurred_at, severity, description)
       VALUES ($1, $2, $3, $4, now() - interval '2 days', 'moderate', 'Late call'),
              ($1, $2, $3, $4, now() - interval '40 days', 'minor', 'Old late call') RETURNING id`,
      [practiceId, a.id, inForce, item!.id],
    );
    const awaiting = await agreement('proposed', null);
    await ds.query(
      `INSERT INTO boundary_acknowledgments (practice_id, agreement_id, version_number, family_member_id, method, recorded_by) VALUES ($1, $2, 1, NULL, 'verbal', $3)`,
      [practiceId, awaiting, C],
    );
    const dueSoon = await agreement('active', 5);

    // Emergency access by a clinician outside the team: yesterday (shown) and 40 days ago (not).
    await ds.query(
      `INSERT INTO emergency_access_grants (practice_id, client_id, staff_id, reason, granted_at, expires_at)
       VALUES ($1, $2, $3, 'Crisis call while the counselor was away', now() - interval '1 day', now() - interval '23 hours'),
              ($1, $2, $3, 'Crisis call while the counselor was away', now() - interval '40 days', now() - interval '39 days')`,
      [practiceId, a.id, other.id],
    );

    const response = await http()
      .get('/api/v1/dashboard')
      .set('Authorization', bearer(await tokenFor(testApp.app, team.counselor)))
      .expect(200);
    const body = response.body;
    const [today] = await ds.query<{ d: string; t: string }[]>(
      `SELECT (now() AT TIME ZONE $1)::date::text AS d, ((now() AT TIME ZONE $1)::date + 1)::text AS t`,
      [TZ],
    );
    expect(body.today).toBe(today!.d);
    expect(body.caseload).toEqual({
      byStatus: { active: 1, on_hold: 1, discharged: 1 },
      total: 3,
      newThisMonth: 3,
      dischargedThisMonth: 1,
    });
    expect(body.schedule.map((s: { id: string; day: string }) => [s.id, s.day])).toEqual([
      [tonight, today!.d],
      [afterMidnight, today!.t],
      [family, expect.any(String)],
    ]);
    expect(body.schedule[0]).toMatchObject({
      clientNumber: expect.stringMatching(/^C-\d{6}$/),
      initials: 'MO',
    });
    expect(JSON.stringify(body.schedule)).not.toContain('Maya');
    expect(body.schedule[2].expectedAttendees).toEqual([
      { party: 'client', familyMemberId: null },
      { party: 'family_member', familyMemberId: sister },
    ]);
    expect(
      body.notes.toWrite.map(
        (n: { sessionId: string; overdue: boolean; noteStatus: string | null }) => [
          n.sessionId,
          n.overdue,
          n.noteStatus,
        ],
      ),
    ).toEqual([
      [overdue, true, null],
      [fresh, false, 'draft'],
    ]);
    expect(body.notes.returnedToMe.map((n: { sessionId: string }) => n.sessionId)).toEqual([
      returned,
    ]);
    expect(body.notes.awaitingMyCosignature).toEqual([]);
    const reasons = Object.fromEntries(
      body.goalsNeedingAttention.map((g: { goalId: string; reasons: string[] }) => [
        g.goalId,
        g.reasons,
      ]),
    );
    expect(reasons).toEqual({
      [pastTarget]: ['target_date_passed'],
      [stalled]: ['stalled'],
      [falling]: ['trust_falling'],
      [unreliable]: ['low_reliability'],
    });
    expect(body.celebrate.map((c: { kind: string; title: string | null }) => c.kind)).toEqual([
      'goal_achieved',
      'milestone',
    ]);
    expect(body.setbacks.map((s: { severity: string }) => s.severity)).toEqual(['major']);
    expect(body.boundaries.recentViolations.map((v: { id: string }) => v.id)).toEqual([
      violation!.id,
    ]);
    expect(body.boundaries.awaitingAcknowledgment.map((v: { id: string }) => v.id)).toEqual([
      awaiting,
    ]);
    expect(body.boundaries.dueForReview.map((v: { id: string }) => v.id)).toEqual([dueSoon]);
    expect(body.emergencyAccess).toEqual([
      expect.objectContaining({ clientId: a.id, staffId: other.id }),
    ]);

    // The supervisor sees the trainee's note awaiting co-signature, and may open the counselor's dashboard.
    const supervisorAuth = bearer(await tokenFor(testApp.app, team.supervisor));
    const supervisor = await http()
      .get('/api/v1/dashboard')
      .set('Authorization', supervisorAuth)
      .expect(200);
    expect(
      supervisor.body.notes.awaitingMyCosignature.map((n: { sessionId: string }) => n.sessionId),
    ).toEqual([traineeSession]);
    const overseen = await http()
      .get('/api/v1/dashboard')
      .query({ counselorId: C })
      .set('Authorization', supervisorAuth)
      .expect(200);
    expect(overseen.body.counselorId).toBe(C);
    expect(overseen.body.caseload.total).toBe(3);
    await http()
      .get('/api/v1/dashboard')
      .query({ counselorId: C })
      .set('Authorization', bearer(await tokenFor(testApp.app, team.trainee)))
      .expect(403);

    // The team dashboard counts the same goals as needing attention as the counselor's own dashboard lists.
    const teamView = await http()
      .get('/api/v1/dashboard/team')
      .set('Authorization', supervisorAuth)
      .expect(200);
    const counselorRow = teamView.body.team.find(
      (m: { counselorId: string }) => m.counselorId === C,
    );
    expect(counselorRow.goalsNeedingAttention).toBe(4);
    expect(counselorRow.goalsNeedingAttention).toBe(body.goalsNeedingAttention.length);

    // One read event per call, listing the clients shown, in each of their access logs.
    const events = await ds.query<{ client_ids: string[] }[]>(
      `SELECT metadata -> 'clientIds' AS client_ids FROM audit_events
        WHERE resource_type = 'dashboard' AND resource_id = $1::text AND actor_id = $1::uuid`,
      [C],
    );
    expect(events).toEqual([{ client_ids: [a.id, b.id].sort() }]);
    const counselorAuth = bearer(await tokenFor(testApp.app, team.counselor));
    const dashboardReads = async (clientId: string) =>
      (
        await http()
          .get(`/api/v1/clients/${clientId}/access-log`)
          .set('Authorization', counselorAuth)
          .expect(200)
      ).body.data
        .filter((entry: { resourceType: string }) => entry.resourceType === 'dashboard')
        .map((entry: { actorId: string }) => entry.actorId);
    // Newest first: the supervisor's view of the counselor's dashboard, the supervisor's own (which
    // shows A's goals, not B), the counselor's.
    const S = team.supervisor.id;
    expect(await dashboardReads(a.id)).toEqual([S, S, C]);
    expect(await dashboardReads(b.id)).toEqual([S, C]);
    expect(await dashboardReads(d.id)).toEqual([]);
    // The audit log's client filter finds the same events.
    const audited = await http()
      .get('/api/v1/audit-events')
      .query({ clientId: b.id, resourceType: 'dashboard' })
      .set('Authorization', bearer(await tokenFor(testApp.app, team.admin)))
      .expect(200);
    expect(audited.body.data.map((e: { actorId: string }) => e.actorId)).toEqual([S, C]);
  });

  it('issues the same number of SQL statements for 5 clients as for 200', async () => {
    const ds = testApp.dataSource;
    const sizes = [5, 200];
    const counts: number[] = [];
    for (const size of sizes) {
      const team = await createTeam(ds);
      const C = team.counselor.id;
      await ds.query(
        `WITH c AS (
           INSERT INTO clients (practice_id, client_number, first_name, last_name, date_of_birth, status)
           SELECT $1, n, 'First' || n, 'Last' || n, '1990-01-01', 'active' FROM generate_series(1, $2) n RETURNING id)
         INSERT INTO care_team_members (practice_id, client_id, staff_id, role) SELECT $1, id, $3, 'primary_counselor' FROM c`,
        [team.practice.id, size, C],
      );
      await ds.query(
        `INSERT INTO therapy_sessions (practice_id, client_id, counselor_id, starts_at, ends_at, modality, setting, status, completed_at)
         SELECT c.practice_id, c.id, $2, now() - make_interval(days => 3) - make_interval(hours => n::int), now() - make_interval(days => 3) - make_interval(hours => n::int) + interval '50 minutes',
                'individual', 'in_person', 'completed', now()
           FROM (SELECT row_number() OVER () AS n, * FROM clients WHERE practice_id = $1) c`,
        [team.practice.id, C],
      );
      await ds.query(
        `INSERT INTO family_members (practice_id, client_id, first_name, relationship)
         SELECT practice_id, id, 'M', 'mother' FROM clients WHERE practice_id = $1`,
        [team.practice.id],
      );
      await ds.query(
        `INSERT INTO trust_goals (practice_id, client_id, strategy, description, lifecycle_status, baseline_rating, target_rating,
                                  start_date, party_b_family_member_id)
         SELECT f.practice_id, f.client_id, 'patience_and_time', 'g', 'active', 2, 8, current_date - 30, f.id
           FROM family_members f WHERE f.practice_id = $1`,
        [team.practice.id],
      );
      const auth = bearer(await tokenFor(testApp.app, team.counselor));
      const { result, statements } = await countQueries(() =>
        http().get('/api/v1/dashboard').set('Authorization', auth),
      );
      expect(result.status).toBe(200);
      expect(result.body.notes.toWrite).toHaveLength(size);
      expect(result.body.goalsNeedingAttention.length).toBe(size);
      counts.push(statements);
    }
    expect(counts[0]).toBe(counts[1]);
    expect(counts[0]).toBeLessThanOrEqual(12);
  });

  it('shows a team dashboard to supervisors and admins only', async () => {
    const team = await createTeam(testApp.dataSource);
    const supervisor = await http()
      .get('/api/v1/dashboard/team')
      .set('Authorization', bearer(await tokenFor(testApp.app, team.supervisor)))
      .expect(200);
    expect(supervisor.body.team.map((m: { counselorId: string }) => m.counselorId).sort()).toEqual(
      [team.counselor.id, team.trainee.id].sort(),
    );
    expect(supervisor.body.team[0]).toEqual(
      expect.objectContaining({
        activeCaseload: 0,
        sessionsThisWeek: 0,
        overdueNotes: 0,
        noShowRate: null,
        goalsNeedingAttention: 0,
        openMajorViolations: 0,
      }),
    );
    const admin = await http()
      .get('/api/v1/dashboard/team')
      .set('Authorization', bearer(await tokenFor(testApp.app, team.admin)))
      .expect(200);
    expect(admin.body.team).toHaveLength(3);
    await http()
      .get('/api/v1/dashboard/team')
      .set('Authorization', bearer(await tokenFor(testApp.app, team.counselor)))
      .expect(403);
  });

  it('summarises one client in one call, at a constant cost', async () => {
    const ds = testApp.dataSource;
    const team = await createTeam(ds);
    const client = await createClient(ds, {
      practiceId: team.practice.id,
      primaryCounselorId: team.counselor.id,
    });
    const mother = await addFamilyMember(ds, client, 'mother', 'Grace');
    const next = await session(
      ds,
      client,
      team.counselor.id,
      new Date(Date.now() + 2 * 86_400_000).toISOString(),
    );
    await session(
      ds,
      client,
      team.counselor.id,
      new Date(Date.now() - 9 * 86_400_000).toISOString(),
      { status: 'completed' },
    );
    await session(
      ds,
      client,
      team.counselor.id,
      new Date(Date.now() - 16 * 86_400_000).toISOString(),
      { status: 'completed' },
    );
    await ds.query(
      `INSERT INTO therapy_sessions (practice_id, client_id, counselor_id, starts_at, ends_at, modality, setting, status)
       VALUES ($1, $2, $3, now() - interval '23 days', now() - interval '23 days' + interval '50 minutes', 'individual', 'phone', 'no_show')`,
      [team.practice.id, client.id, team.counselor.id],
    );
    const goalId = await goal(ds, client, mother, {
      checkIns: [4, 5, 6, 7].map((rating, i) => ({ daysAgo: 2 + 7 * (3 - i), rating })),
    });
    const auth = bearer(await tokenFor(testApp.app, team.counselor));
    const { result, statements } = await countQueries(() =>
      http().get(`/api/v1/clients/${client.id}/summary`).set('Authorization', auth),
    );
    expect(result.status).toBe(200);
    expect(statements).toBeLessThanOrEqual(3);
    const body = result.body;
    expect(body.client.id).toBe(client.id);
    expect(body.careTeam).toEqual([
      expect.objectContaining({ staffId: team.counselor.id, role: 'primary_counselor' }),
    ]);
    expect(body.nextSession.id).toBe(next);
    expect(body.attendanceRate).toBeCloseTo(2 / 3, 4);
    expect(body.goals).toEqual([
      expect.objectContaining({
        id: goalId,
        suggestedAchievementStatus: 'improving',
        parties: [
          expect.objectContaining({
            party: { party: 'client', familyMemberId: null },
            currentRating: 7,
            series: [4, 5, 6, 7],
          }),
          expect.objectContaining({
            party: { party: 'family_member', familyMemberId: mother },
            currentRating: 7,
            series: [4, 5, 6, 7],
          }),
        ],
      }),
    ]);
    await http()
      .get(`/api/v1/clients/${client.id}/summary`)
      .set('Authorization', bearer(await tokenFor(testApp.app, team.intake)))
      .expect(404);
  });

  it('shows a dashboard viewed for someone else only as far as the viewer reaches', async () => {
    const ds = testApp.dataSource;
    const team = await createTeam(ds);
    const C = team.counselor.id;
    const client = await createClient(ds, { practiceId: team.practice.id, primaryCounselorId: C });
    const mother = await addFamilyMember(ds, client, 'mother', 'Grace');
    await goal(ds, client, mother, { checkIns: [{ daysAgo: 30, rating: 5 }] }); // stalled: needs attention
    await session(ds, client, C, new Date(Date.now() - 5 * 86_400_000).toISOString(), {
      status: 'completed',
    });
    await session(ds, client, C, new Date(Date.now() + 86_400_000).toISOString());
    const own = await http()
      .get('/api/v1/dashboard')
      .set('Authorization', bearer(await tokenFor(testApp.app, team.counselor)))
      .expect(200);
    expect(own.body.goalsNeedingAttention).toHaveLength(1);
    expect(own.body.notes.toWrite).toHaveLength(1);
    expect(own.body.schedule).toHaveLength(1);

    // An admin without clinical access: the caseload counts (demographics), nothing clinical.
    const admin = await http()
      .get('/api/v1/dashboard')
      .query({ counselorId: C })
      .set('Authorization', bearer(await tokenFor(testApp.app, team.admin)))
      .expect(200);
    expect(admin.body.caseload.total).toBe(1);
    expect(admin.body.goalsNeedingAttention).toEqual([]);
    expect(admin.body.notes.toWrite).toEqual([]);
    expect(admin.body.schedule).toEqual([]);

    // A supervisor of a supervisor does not reach the grand-supervisee's clients.
    const top = await createStaff(ds, { practiceId: team.practice.id, role: 'supervisor' });
    await ds.query(`UPDATE staff SET supervisor_id = $2, role = 'counselor' WHERE id = $1`, [
      team.supervisor.id,
      top.id,
    ]);
    const middle = await http()
      .get('/api/v1/dashboard')
      .query({ counselorId: team.supervisor.id })
      .set('Authorization', bearer(await tokenFor(testApp.app, top)))
      .expect(200);
    expect(middle.body.goalsNeedingAttention).toEqual([]);
    expect(middle.body.caseload.total).toBe(0);
  });
});
