import request from 'supertest';
import type { DataSource } from 'typeorm';
import {
  acknowledge,
  addBoundaryItem,
  createAgreement,
  reportViolation,
} from '../factories/boundary-agreement.factory';
import { addFamilyMember, createClient, type TestClient } from '../factories/client.factory';
import { createStaff, createTeam } from '../factories/staff.factory';
import { createGoal, weeklyCheckIns, type GoalOptions } from '../factories/trust-goal.factory';
import { startTestApp, type TestApp } from '../setup/test-app';
import { ownerQuery } from '../setup/database-roles';

export const TZ = 'America/Chicago';

/** A timestamp `days` after today at `time`, in the practice's time zone (computed by PostgreSQL). */
export async function localAt(dataSource: DataSource, days: number, time: string): Promise<string> {
  const [row] = await dataSource.query<{ at: Date }[]>(
    `SELECT (((now() AT TIME ZONE $1)::date + $2::int) + $3::time) AT TIME ZONE $1 AS at`,
    [TZ, days, time],
  );
  return row!.at.toISOString();
}

export async function session(
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

export async function note(
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

/** A goal between the client and `member`, with its check-ins; returns its id. */
export const goal = async (
  dataSource: DataSource,
  client: TestClient,
  member: string,
  options: GoalOptions,
) => (await createGoal(dataSource, client, member, options)).id;

/**
 * A counselor's caseload where every dashboard section has something to show and something it
 * must leave out: clients in each status, sessions either side of midnight, notes in each state,
 * goals needing attention for each reason, boundaries, emergency access.
 */
export async function knownCaseload(ds: DataSource) {
  const team = await createTeam(ds);
  await ownerQuery(ds, `UPDATE practices SET time_zone = $2 WHERE id = $1`, [team.practice.id, TZ]);
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
  await ds.query(`UPDATE clients SET discharged_on = (now() AT TIME ZONE $2)::date WHERE id = $1`, [
    d.id,
    TZ,
  ]);
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
  const pastTarget = await goal(ds, a, mother, {
    targetDate: '2026-01-01',
    startDaysAgo: 400,
    checkIns: weeklyCheckIns([5, 5, 5]),
  });
  const stalled = await goal(ds, a, mother, {
    checkIns: [
      { daysAgo: 20, rating: 5 },
      { daysAgo: 27, rating: 5 },
    ],
  });
  const falling = await goal(ds, a, mother, { checkIns: weeklyCheckIns([8, 7, 6, 5, 4]) });
  const unreliable = await goal(ds, a, mother, { checkIns: weeklyCheckIns([5, 5, 5], 1, 3) });
  const healthy = await goal(ds, a, mother, {
    checkIns: weeklyCheckIns([4, 5, 6, 7]),
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
  const agreement = async (status: 'active' | 'proposed', reviewInDays: number | null) =>
    createAgreement(ds, a, C, { status, reviewInDays, parties: [null, mother] });
  const inForce = await agreement('active', 60);
  const item = await addBoundaryItem(ds, inForce, {
    boundary: 'No calls after 10 pm',
    expectation: 'Text',
    responseIfCrossed: 'Unanswered',
  });
  const violation = await reportViolation(ds, inForce, item, {
    daysAgo: 2,
    severity: 'moderate',
    description: 'Late call',
  });
  await reportViolation(ds, inForce, item, {
    daysAgo: 40,
    severity: 'minor',
    description: 'Old late call',
  });
  const awaiting = await agreement('proposed', null);
  await acknowledge(ds, awaiting, null, C);
  const dueSoon = await agreement('active', 5);

  // Emergency access by a clinician outside the team: yesterday (shown) and 40 days ago (not).
  await ds.query(
    `INSERT INTO emergency_access_grants (practice_id, client_id, staff_id, reason, granted_at, expires_at)
       VALUES ($1, $2, $3, 'Crisis call while the counselor was away', now() - interval '1 day', now() - interval '23 hours'),
              ($1, $2, $3, 'Crisis call while the counselor was away', now() - interval '40 days', now() - interval '39 days')`,
    [practiceId, a.id, other.id],
  );

  return {
    team,
    other,
    C,
    a,
    b,
    d,
    sister,
    tonight,
    afterMidnight,
    family,
    overdue,
    fresh,
    returned,
    traineeSession,
    pastTarget,
    stalled,
    falling,
    unreliable,
    violation,
    awaiting: awaiting.id,
    dueSoon: dueSoon.id,
  };
}

/** One app per spec file, started and closed around it. */
export function dashboardsFixture() {
  let testApp: TestApp;
  beforeAll(async () => {
    testApp = await startTestApp();
  });
  afterAll(() => testApp.close());

  const http = () => request(testApp.app.getHttpServer());
  /** A GET that must answer 200. */
  const get = (path: string, auth: string) =>
    http().get(path).set('Authorization', auth).expect(200);

  return {
    get testApp() {
      return testApp;
    },
    http,
    get,
  };
}
