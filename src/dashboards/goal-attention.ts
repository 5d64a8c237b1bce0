import type { SqlParams } from '../common/sql/sql-params';
import { DEFAULT_RELIABILITY_WINDOW_DAYS } from '../trust-goals/trust-metrics';

export type AttentionReason =
  'target_date_passed' | 'stalled' | 'trust_falling' | 'low_reliability';

/** The practice's calendar facts attention is judged against. */
export interface AttentionCalendar {
  timeZone: string;
  /** Today in the practice's time zone, `YYYY-MM-DD`. */
  today: string;
  /** The practice's stall limit in days (`goalStallDays`, default 14). */
  stallDays: number;
}

/**
 * Why the goal `g` (a `trust_goals` row) needs a clinician's attention: a LATERAL join for after
 * `FROM trust_goals g`, giving `${alias}.reasons` (`text[]`, empty when it does not need any):
 * - `target_date_passed`: its target date is behind us and it is neither achieved nor sustained;
 * - `stalled`: no check-in for more than `stallDays` days (counting from its start without one);
 * - `trust_falling`: its check-ins suggest "worsening" (the suggestion stored on every check-in,
 *   see goal-figures.ts, so the same one the goal's own view shows);
 * - `low_reliability`: commitments kept less than half of the time over the reliability window
 *   (28 days up to today, as trust-metrics.ts counts it); no commitments counted, no verdict.
 * Days are the practice's calendar days. Every reason is read from the goal row itself: reliability
 * from the commitments it keeps of its recent check-ins (`recent_commitments`, see goal-figures.ts),
 * so the cost follows the goals, not their check-in history (issue 19).
 * Both dashboards count attention with this one definition, so their counts agree.
 */
export function goalAttentionJoin(
  p: SqlParams,
  calendar: AttentionCalendar,
  alias: string,
): string {
  const tz = p.add(calendar.timeZone);
  const today = `${p.add(calendar.today)}::date`;
  const stallDays = p.add(calendar.stallDays);
  return `CROSS JOIN LATERAL (
      SELECT array_remove(ARRAY[
               CASE WHEN g.target_date < ${today} AND g.achievement_status NOT IN ('achieved', 'sustaining')
                    THEN 'target_date_passed' END,
               CASE WHEN coalesce((g.last_check_in_at AT TIME ZONE ${tz})::date, g.start_date) < ${today} - ${stallDays}::int
                    THEN 'stalled' END,
               CASE WHEN g.suggested_achievement_status = 'worsening' THEN 'trust_falling' END,
               CASE WHEN r.kept < r.missed THEN 'low_reliability' END
             ], NULL) AS reasons
        FROM (SELECT sum(k.kept) AS kept, sum(k.missed) AS missed
                FROM jsonb_to_recordset(g.recent_commitments) AS k (occurred_at timestamptz, kept int, missed int)
               WHERE ${inReliabilityWindow('k', today, tz)}) r) ${alias}`;
}

/**
 * SQL: the check-in `k` falls within the reliability window (the 28 calendar days up to `today`,
 * inclusive, in time zone `tz`, as trust-metrics.ts counts them), as a range of the goal's index.
 */
export function inReliabilityWindow(k: string, today: string, tz: string): string {
  const day = (offset: number) => `(${today} + ${offset})::timestamp AT TIME ZONE ${tz}`;
  return `${k}.occurred_at >= ${day(1 - DEFAULT_RELIABILITY_WINDOW_DAYS)} AND ${k}.occurred_at < ${day(1)}`;
}
