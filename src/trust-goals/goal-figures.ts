import type { QueryRows } from '../common/sql/query-rows';
import { checkInFacts } from './trust-goal.row';
import { computeTrustMetrics, type CheckInFacts } from './trust-metrics';
import type { AchievementStatus } from './goal-vocabulary';

interface GoalCheckInsRow {
  id: string;
  party_a: string | null;
  party_b: string | null;
  target_rating: number;
  last_check_in_at: Date | null;
  check_ins: CheckInFacts[];
}

/**
 * Stores the figures of goals that the dashboards filter on, so that finding the goals needing
 * attention is an indexed read rather than every goal's check-ins replayed on every dashboard:
 * when the latest check-in happened (`last_check_in_at`) and the achievement status all its
 * check-ins suggest with the default trend window (`suggested_achievement_status`, the figure the
 * goal's own view shows). Neither depends on today: only on the check-ins, the parties and the
 * target rating. So they are refreshed in the transaction of every write that changes one of those
 * (a check-in, a new target), under the goal's row lock, which keeps two concurrent check-ins from
 * storing figures that miss the other. Seeds and imports that write check-ins directly call this
 * too. `goalIds` 'all' refreshes every goal of the practice.
 *
 * It also stores the goal's recent commitments, for every check-in of the last
 * {@link RECENT_COMMITMENT_DAYS} days: when (`recent_check_in_at`, in time order) and the running
 * totals of commitments kept and missed up to each (`recent_kept_totals`, `recent_missed_totals`,
 * led by a 0), so the dashboards judge reliability over their 28-day window from the goal row, in
 * two binary searches and two subtractions (see goal-attention.ts), instead of probing every
 * goal's check-ins or unpacking a list per goal. Exact whatever day the dashboard is read: a
 * window of 28 calendar days ending today starts less than 29 days (plus a time-zone change)
 * before any later moment, so every check-in it holds is stored (the list reaches back from the
 * newest check-in, which is no later than today), and each new check-in refreshes the list.
 * `recentCommitments: false` leaves those columns alone, for the migration that ran before they
 * existed; `partiesByPerson: false` reads parties by family member only, for that same migration
 * (person parties came with case-held goals).
 */
export async function refreshGoalFigures(
  query: QueryRows,
  practiceId: string,
  goalIds: readonly string[] | 'all',
  {
    recentCommitments = true,
    partiesByPerson = true,
  }: { recentCommitments?: boolean; partiesByPerson?: boolean } = {},
): Promise<void> {
  const party = (side: 'a' | 'b') =>
    partiesByPerson
      ? `coalesce(g.party_${side}_person_id, g.party_${side}_family_member_id)`
      : `g.party_${side}_family_member_id`;
  const rows = await query<GoalCheckInsRow>(
    `SELECT g.id, ${party('a')} AS party_a, ${party('b')} AS party_b, g.target_rating,
            k.last_check_in_at, coalesce(k.check_ins, '[]'::json) AS check_ins
       FROM trust_goals g JOIN practices p ON p.id = g.practice_id
       LEFT JOIN LATERAL (
         SELECT max(ci.occurred_at) AS last_check_in_at,
                json_agg(${checkInFacts('ci', 'p.time_zone', partiesByPerson)} ORDER BY ci.occurred_at, ci.created_at, ci.id) AS check_ins
           FROM goal_check_ins ci WHERE ci.practice_id = g.practice_id AND ci.goal_id = g.id) k ON true
      WHERE g.practice_id = $1 AND ($2::uuid[] IS NULL OR g.id = ANY ($2::uuid[]))`,
    [practiceId, goalIds === 'all' ? null : goalIds],
  );
  if (rows.length === 0) return;
  const suggested = rows.map((row) => suggestedStatus(row));
  const params = [
    practiceId,
    rows.map((row) => row.id),
    rows.map((row) => row.last_check_in_at),
    suggested,
  ];
  if (!recentCommitments) {
    await query(
      `UPDATE trust_goals g SET last_check_in_at = f.last_check_in_at, suggested_achievement_status = f.suggested
         FROM unnest($2::uuid[], $3::timestamptz[], $4::text[]) AS f (id, last_check_in_at, suggested)
        WHERE g.practice_id = $1 AND g.id = f.id
          AND (g.last_check_in_at, g.suggested_achievement_status) IS DISTINCT FROM (f.last_check_in_at, f.suggested)`,
      params,
    );
    return;
  }
  await query(
    `UPDATE trust_goals g SET last_check_in_at = f.last_check_in_at, suggested_achievement_status = f.suggested,
            recent_check_in_at = r.at, recent_kept_totals = r.kept, recent_missed_totals = r.missed
       FROM unnest($2::uuid[], $3::timestamptz[], $4::text[]) AS f (id, last_check_in_at, suggested)
       CROSS JOIN LATERAL (${RECENT_COMMITMENTS_SQL('$1', 'f.id')}) r
      WHERE g.practice_id = $1 AND g.id = f.id
        AND (g.last_check_in_at, g.suggested_achievement_status, g.recent_check_in_at, g.recent_kept_totals,
             g.recent_missed_totals)
            IS DISTINCT FROM (f.last_check_in_at, f.suggested, r.at, r.kept, r.missed)`,
    params,
  );
}

/** How far back `recent_commitments` reaches: the 28-day window, a day, and a time-zone change. */
export const RECENT_COMMITMENT_DAYS = 30;

/**
 * SQL answering `at`, `kept` and `missed` for the goal's check-ins of the
 * {@link RECENT_COMMITMENT_DAYS} days up to its newest check-in, in time order: when each happened,
 * and the commitments kept and missed up to and including each, after a leading 0 (so the totals
 * of check-ins i+1..j are `kept[j + 1] - kept[i + 1]`). Anchored at the newest check-in rather than
 * the clock, the list holds at least what a window ending now would (no check-in is dated after
 * now), and a dashboard read as of an earlier day (the demo's pinned clock, a back-dated import)
 * still finds that day's window in it.
 */
export function RECENT_COMMITMENTS_SQL(practice: string, goal: string): string {
  return `SELECT coalesce(array_agg(k.occurred_at ORDER BY k.n), '{}') AS at,
                 '{0}'::int[] || coalesce(array_agg(k.kept ORDER BY k.n), '{}') AS kept,
                 '{0}'::int[] || coalesce(array_agg(k.missed ORDER BY k.n), '{}') AS missed
            FROM (SELECT k.occurred_at, row_number() OVER w AS n,
                         (sum(k.commitments_kept) OVER w)::int AS kept, (sum(k.commitments_missed) OVER w)::int AS missed
                    FROM goal_check_ins k
                   WHERE k.practice_id = ${practice} AND k.goal_id = ${goal}
                     AND k.occurred_at >= (SELECT max(l.occurred_at) FROM goal_check_ins l
                                            WHERE l.practice_id = ${practice} AND l.goal_id = ${goal})
                                          - make_interval(days => ${RECENT_COMMITMENT_DAYS})
                  WINDOW w AS (ORDER BY k.occurred_at, k.created_at, k.id)) k`;
}

function suggestedStatus(row: GoalCheckInsRow): AchievementStatus | null {
  return computeTrustMetrics({
    parties: [row.party_a, row.party_b],
    targetRating: row.target_rating,
    checkIns: row.check_ins,
    // The suggestion does not depend on the date; reliability and idle days, which do, are not stored.
    today: row.check_ins.at(-1)?.on ?? '1970-01-01',
  }).suggestedAchievementStatus;
}
