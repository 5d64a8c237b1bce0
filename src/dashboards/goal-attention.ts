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
 * from the running totals it keeps of its recent check-ins' commitments (see goal-figures.ts), the
 * window's share found by binary search, so the cost follows the goals, not their check-in history
 * and not the number of their check-ins either (issue 19).
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
  // The day bounds as instants, each a scalar subquery so that PostgreSQL computes it once per
  // statement (an InitPlan): converting a time zone by name is costly, and done per goal (as a
  // goal's own instant converted to a local date) it was most of what the list cost. A local
  // date is before day D exactly when the instant is before D's first local instant.
  const once = (sql: string) => `(SELECT ${sql})`;
  const stallDay = `${today} - ${stallDays}::int`;
  const [from, to] = reliabilityWindow(today, tz);
  // How many recent check-ins fall before the window's start and before its end: the window's
  // totals are the difference of the running totals there (width_bucket counts, by binary search,
  // the sorted instants no later than its operand; a microsecond before a bound means "before" it).
  const before = (bound: string) =>
    `width_bucket(${once(`${bound} - interval '1 microsecond'`)}, g.recent_check_in_at) + 1`;
  return `CROSS JOIN LATERAL (
      SELECT array_remove(ARRAY[
               CASE WHEN g.target_date < ${today} AND g.achievement_status NOT IN ('achieved', 'sustaining')
                    THEN 'target_date_passed' END,
               CASE WHEN coalesce(g.last_check_in_at < ${once(`(${stallDay})::timestamp AT TIME ZONE ${tz}`)},
                                  g.start_date < ${stallDay})
                    THEN 'stalled' END,
               CASE WHEN g.suggested_achievement_status = 'worsening' THEN 'trust_falling' END,
               CASE WHEN g.recent_kept_totals[w.upto] - g.recent_kept_totals[w.since]
                         < g.recent_missed_totals[w.upto] - g.recent_missed_totals[w.since]
                    THEN 'low_reliability' END
             ], NULL) AS reasons
        FROM (SELECT ${before(from)} AS since, ${before(to)} AS upto) w) ${alias}`;
}

/**
 * The reliability window (the 28 calendar days up to `today`, inclusive, in time zone `tz`, as
 * trust-metrics.ts counts them) as SQL instants: from its first midnight, up to (not including)
 * the midnight after `today`.
 */
export function reliabilityWindow(today: string, tz: string): [string, string] {
  const day = (offset: number) => `((${today} + ${offset})::timestamp AT TIME ZONE ${tz})`;
  return [day(1 - DEFAULT_RELIABILITY_WINDOW_DAYS), day(1)];
}

/** SQL: the check-in `k` falls within the reliability window, as a range of the goal's index. */
export function inReliabilityWindow(k: string, today: string, tz: string): string {
  const [from, to] = reliabilityWindow(today, tz);
  return `${k}.occurred_at >= ${from} AND ${k}.occurred_at < ${to}`;
}
