import type { Client } from 'pg';
import { DEMO_SEED, recordSystemEvent } from '../audit/system-audit';
import { rowsOf } from '../common/sql/query-rows';
import { refreshGoalFigures } from '../trust-goals/goal-figures';

const DAY_MS = 86_400_000;

/** Twelve weekly check-ins: Grace's and Maya's trust ratings, the Sunday call kept or missed. */
const CHECK_INS: { grace: number; maya: number; kept: number; missed: number; note?: string }[] = [
  {
    grace: 3,
    maya: 5,
    kept: 1,
    missed: 0,
    note: 'First week of Sunday calls. Grace guarded, Maya hopeful.',
  },
  { grace: 3, maya: 5, kept: 1, missed: 0 },
  { grace: 4, maya: 6, kept: 1, missed: 0, note: 'Grace mentioned the call to a friend.' },
  { grace: 4, maya: 6, kept: 1, missed: 0, note: 'Fourth call in a row; Grace noticed.' },
  {
    grace: 5,
    maya: 6,
    kept: 0,
    missed: 1,
    note: 'Missed call: a late shift, and no text to say so.',
  },
  { grace: 5, maya: 7, kept: 1, missed: 0 },
  {
    grace: 2,
    maya: 4,
    kept: 0,
    missed: 1,
    note: 'After the relapse: Grace hurt and wary; Maya ashamed but told her herself.',
  },
  { grace: 3, maya: 5, kept: 1, missed: 0, note: 'The call happened; short, but it happened.' },
  { grace: 4, maya: 5, kept: 1, missed: 0 },
  { grace: 4, maya: 6, kept: 0, missed: 1, note: 'Called Monday instead, and said why.' },
  { grace: 5, maya: 6, kept: 1, missed: 0 },
  {
    grace: 6,
    maya: 7,
    kept: 1,
    missed: 0,
    note: 'Grace: "I am starting to believe the calls will come."',
  },
];

/**
 * The demo's trust-rebuilding goal between Maya Okafor (in recovery) and her mother Grace:
 * consistency and reliability through a weekly Sunday call, twelve weekly check-ins (the last two
 * days ago), a relapse after the sixth, one reached milestone ("four calls in a row") and one
 * ahead. Dated relative to now so the derived figures stay meaningful. Seeded once (while the
 * practice has no goal), in the caller's transaction; returns the number of goals created.
 */
export async function seedDemoTrustGoals(client: Client, practiceId: string): Promise<number> {
  const existing = await client.query(`SELECT 1 FROM trust_goals WHERE practice_id = $1 LIMIT 1`, [
    practiceId,
  ]);
  if (existing.rowCount) return 0;
  const found = await client.query<{ client_id: string; mother_id: string; counselor_id: string }>(
    `SELECT c.id AS client_id, f.id AS mother_id, m.staff_id AS counselor_id
       FROM clients c
       JOIN family_members f ON f.practice_id = c.practice_id AND f.client_id = c.id
                            AND f.relationship = 'mother' AND f.first_name = 'Grace'
       JOIN care_team_members m ON m.practice_id = c.practice_id AND m.client_id = c.id
                               AND m.role = 'primary_counselor' AND m.removed_at IS NULL
      WHERE c.practice_id = $1 AND c.first_name = 'Maya' AND c.last_name = 'Okafor'`,
    [practiceId],
  );
  const family = found.rows[0];
  if (!family) return 0;
  const { client_id: clientId, mother_id: motherId, counselor_id: counselorId } = family;
  const now = Date.now();
  // Check-in i happened (11 - i) weeks and two days ago; the goal started a week before the first.
  const checkInAt = (i: number) => new Date(now - ((11 - i) * 7 + 2) * DAY_MS);
  const startedAt = new Date(checkInAt(0).getTime() - 7 * DAY_MS);
  const audit = auditor(client, practiceId, clientId);

  const goal = await client.query<{ id: string }>(
    `INSERT INTO trust_goals (practice_id, client_id, party_a_family_member_id, party_b_family_member_id, strategy,
                              description, lifecycle_status, achievement_status, achievement_set_by, achievement_set_at,
                              baseline_rating, target_rating, start_date, target_date, priority, created_by, created_at)
     SELECT $1, $2, NULL, $3, 'consistency_and_reliability',
            'Grace can count on Maya''s word again: the Sunday call happens when promised, and a missed one is explained, not hidden.',
            'active', 'improving', $4, $6::timestamptz - interval '7 days', 3, 7,
            ($5::timestamptz AT TIME ZONE p.time_zone)::date,
            ($5::timestamptz AT TIME ZONE p.time_zone)::date + 182, 'high', $4, $5
       FROM practices p WHERE p.id = $1
     RETURNING id`,
    [practiceId, clientId, motherId, counselorId, startedAt, new Date(now)],
  );
  const goalId = goal.rows[0]!.id;
  await audit('create', 'trust_goal', goalId);

  const commitment = await client.query<{ id: string }>(
    `INSERT INTO goal_commitments (practice_id, client_id, goal_id, owner_family_member_id, description, cadence,
                                   status_changed_at, created_by, created_at)
     VALUES ($1, $2, $3, NULL, 'Call Mom every Sunday evening, and text ahead if the call cannot happen.', 'weekly',
             $4, $5, $4)
     RETURNING id`,
    [practiceId, clientId, goalId, startedAt, counselorId],
  );
  await audit('create', 'goal_commitment', commitment.rows[0]!.id);

  for (const [i, row] of CHECK_INS.entries()) {
    const checkIn = await client.query<{ id: string }>(
      `INSERT INTO goal_check_ins (practice_id, client_id, goal_id, occurred_at, commitments_kept, commitments_missed,
                                   note, recorded_by, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $4) RETURNING id`,
      [
        practiceId,
        clientId,
        goalId,
        checkInAt(i),
        row.kept,
        row.missed,
        row.note ?? null,
        counselorId,
      ],
    );
    const checkInId = checkIn.rows[0]!.id;
    await client.query(
      `INSERT INTO goal_check_in_ratings (practice_id, goal_id, check_in_id, family_member_id, rating)
       VALUES ($1, $2, $3, NULL, $4), ($1, $2, $3, $5, $6)`,
      [practiceId, goalId, checkInId, row.maya, motherId, row.grace],
    );
    await audit('create', 'goal_check_in', checkInId);
  }
  await refreshGoalFigures(rowsOf(client), practiceId, [goalId]);

  const relapseAt = new Date(checkInAt(5).getTime() + 3 * DAY_MS);
  const setback = await client.query<{ id: string }>(
    `INSERT INTO goal_setbacks (practice_id, client_id, goal_id, kind, severity, occurred_at, description, response_plan,
                                recorded_by, created_at)
     VALUES ($1, $2, $3, 'relapse', 'major', $4,
             'Maya drank at a friend''s party after 71 days sober and skipped the next Sunday call; she told Grace herself two days later.',
             'Back to daily meetings with her sponsor for 30 days; a mid-week text to Grace after Wednesday''s meeting; next session on honest disclosure without blame.',
             $5, $6)
     RETURNING id`,
    [practiceId, clientId, goalId, relapseAt, counselorId, new Date(relapseAt.getTime() + DAY_MS)],
  );
  await audit('create', 'goal_setback', setback.rows[0]!.id);

  const reached = await client.query<{ id: string }>(
    `INSERT INTO goal_milestones (practice_id, client_id, goal_id, title, description, target_date, reached_at, reached_by,
                                  celebration_note, created_by, created_at)
     SELECT $1, $2, $3, 'Four Sunday calls in a row', 'A month of calls that happened when promised.',
            ($4::timestamptz AT TIME ZONE p.time_zone)::date + 28, $5, $6,
            'Grace said she now looks forward to Sundays; Maya chose a dinner out together to celebrate.', $6, $4
       FROM practices p WHERE p.id = $1
     RETURNING id`,
    [
      practiceId,
      clientId,
      goalId,
      startedAt,
      new Date(checkInAt(3).getTime() + 3_600_000),
      counselorId,
    ],
  );
  await audit('create', 'goal_milestone', reached.rows[0]!.id);
  await audit('status_change', 'goal_milestone', reached.rows[0]!.id);

  const ahead = await client.query<{ id: string }>(
    `INSERT INTO goal_milestones (practice_id, client_id, goal_id, title, description, target_date, created_by)
     SELECT $1, $2, $3, 'Sunday dinner at Maya''s apartment', 'Grace visits for dinner instead of a call.',
            (now() AT TIME ZONE p.time_zone)::date + 21, $4
       FROM practices p WHERE p.id = $1
     RETURNING id`,
    [practiceId, clientId, goalId, counselorId],
  );
  await audit('create', 'goal_milestone', ahead.rows[0]!.id);
  return 1;
}

function auditor(client: Client, practiceId: string, clientId: string) {
  return async (
    action: 'create' | 'status_change',
    resourceType: string,
    resourceId: string,
  ): Promise<void> => {
    await recordSystemEvent(client, {
      practiceId,
      action,
      resourceType,
      resourceId,
      clientId,
      metadata: DEMO_SEED,
    });
  };
}
