import type { DataSource } from 'typeorm';
import { refreshGoalFigures } from '../../src/trust-goals/goal-figures';
import type { TestClient } from './client.factory';

export interface TestGoal {
  id: string;
  practiceId: string;
  clientId: string;
  /** The two parties: a family member's id, or null for the client. */
  parties: [string | null, string | null];
}

export interface CheckInOptions {
  daysAgo: number;
  /** Every party's rating (see `ratings` to rate them apart). */
  rating?: number;
  /** Per party: a family member's id, or null for the client. */
  ratings?: { familyMemberId: string | null; rating: number }[];
  kept?: number;
  missed?: number;
  /** Who recorded it; by default some staff member of the practice. */
  recordedBy?: string;
}

export interface GoalOptions {
  /** Party A; the client unless given. */
  partyA?: string | null;
  lifecycleStatus?: 'proposed' | 'active' | 'on_hold' | 'completed';
  achievement?: string;
  description?: string;
  baselineRating?: number;
  targetRating?: number;
  startDaysAgo?: number;
  targetDate?: string;
  checkIns?: CheckInOptions[];
}

/**
 * A real goal between the client (or `partyA`) and `partyB`, with its check-ins and its stored
 * figures refreshed, as the service leaves them.
 */
export async function createGoal(
  dataSource: DataSource,
  client: TestClient,
  partyB: string | null,
  options: GoalOptions = {},
): Promise<TestGoal> {
  const partyA = options.partyA ?? null;
  const [row] = await dataSource.query<{ id: string }[]>(
    `INSERT INTO trust_goals (practice_id, client_id, party_a_family_member_id, party_b_family_member_id, strategy, description,
                              lifecycle_status, achievement_status, achievement_set_at, baseline_rating, target_rating, start_date, target_date)
     VALUES ($1, $2, $3, $4, 'consistency_and_reliability', $5, $6, $7,
             CASE WHEN $7 = 'achieved' THEN now() - interval '2 days' END, $8, $9, current_date - $10::int, $11::date) RETURNING id`,
    [
      client.practiceId,
      client.id,
      partyA,
      partyB,
      options.description ?? 'Weekly calls',
      options.lifecycleStatus ?? 'active',
      options.achievement ?? 'in_progress',
      options.baselineRating ?? 3,
      options.targetRating ?? 8,
      options.startDaysAgo ?? 90,
      options.targetDate ?? null,
    ],
  );
  const goal: TestGoal = {
    id: row!.id,
    practiceId: client.practiceId,
    clientId: client.id,
    parties: [partyA, partyB],
  };
  for (const checkIn of options.checkIns ?? []) await insertCheckIn(dataSource, goal, checkIn);
  await refresh(dataSource, goal);
  return goal;
}

/** A check-in of the goal, with a rating by each party; the goal's stored figures follow. */
export async function addCheckIn(
  dataSource: DataSource,
  goal: TestGoal,
  options: CheckInOptions,
): Promise<string> {
  const id = await insertCheckIn(dataSource, goal, options);
  await refresh(dataSource, goal);
  return id;
}

/** Weekly check-ins, the last one two days ago, each rated the same by both parties. */
export const weeklyCheckIns = (ratings: number[], kept = 1, missed = 0): CheckInOptions[] =>
  ratings.map((rating, i) => ({ daysAgo: 2 + 7 * (ratings.length - 1 - i), rating, kept, missed }));

async function insertCheckIn(
  dataSource: DataSource,
  goal: TestGoal,
  options: CheckInOptions,
): Promise<string> {
  const [row] = await dataSource.query<{ id: string }[]>(
    `INSERT INTO goal_check_ins (practice_id, client_id, goal_id, occurred_at, commitments_kept, commitments_missed, recorded_by)
     SELECT $1, $2, $3, now() - make_interval(days => $4), $5, $6, coalesce($7::uuid, s.id)
       FROM staff s WHERE s.practice_id = $1 LIMIT 1 RETURNING id`,
    [
      goal.practiceId,
      goal.clientId,
      goal.id,
      options.daysAgo,
      options.kept ?? 1,
      options.missed ?? 0,
      options.recordedBy ?? null,
    ],
  );
  if (!row) throw new Error('a check-in needs a staff member of the practice to record it');
  const ratings =
    options.ratings ??
    goal.parties.map((familyMemberId) => ({ familyMemberId, rating: options.rating ?? 5 }));
  await dataSource.query(
    `INSERT INTO goal_check_in_ratings (practice_id, goal_id, check_in_id, family_member_id, rating)
     SELECT $1, $2, $3, r.family_member_id, r.rating
       FROM jsonb_to_recordset($4::jsonb) AS r (family_member_id uuid, rating smallint)`,
    [
      goal.practiceId,
      goal.id,
      row.id,
      JSON.stringify(
        ratings.map((r) => ({ family_member_id: r.familyMemberId, rating: r.rating })),
      ),
    ],
  );
  return row.id;
}

const refresh = (dataSource: DataSource, goal: TestGoal) =>
  refreshGoalFigures((sql, params) => dataSource.query(sql, params), goal.practiceId, [goal.id]);
