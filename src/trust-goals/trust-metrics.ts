import type { PartyId } from '../parties/party';
import type { AchievementStatus } from './goal-vocabulary';

/*
 * The figures a trust goal's check-ins add up to. Pure: plain data in, plain data out, no clock
 * and no database, so every rule below is pinned by unit tests (trust-metrics.spec.ts).
 */

/** How many of a party's latest ratings the trend is fitted to, unless the caller says otherwise. */
export const DEFAULT_TREND_WINDOW = 5;
export const MIN_TREND_WINDOW = 2;
export const MAX_TREND_WINDOW = 20;
/** The rolling window of the reliability ratio, in days, ending today (inclusive). */
export const DEFAULT_RELIABILITY_WINDOW_DAYS = 28;
/**
 * A slope within ±TREND_EPSILON rating points per check-in is "no change". Ratings are whole
 * numbers, and the smallest non-zero least-squares slope of n whole-number ratings that only ever
 * go one way is 6 / (n (n + 1)) — 0.014 at n = 20 — so any monotone, non-constant series within
 * MAX_TREND_WINDOW registers as a trend; only floating-point noise is absorbed.
 */
export const TREND_EPSILON = 0.01;
/**
 * A fall of this many points between a party's two latest ratings is a sharp drop: the suggestion
 * says "worsening" at once, even while the fitted trend over the last few check-ins still points
 * up (right after a relapse, one low rating barely moves a five-point fit).
 */
export const SHARP_DROP = 2;
/** Consecutive rated check-ins at or above the target for "achieved"; more than this is "sustaining". */
export const ACHIEVED_AFTER = 2;

/** One check-in, as the metrics see it. */
export interface CheckInFacts {
  /** Its calendar date in the practice's time zone, `YYYY-MM-DD`. */
  on: string;
  /** Each rated party's trust rating (0-10): a family member's id, or null for the client. */
  ratings: readonly { familyMemberId: PartyId; rating: number }[];
  /** Commitments kept and missed since the previous check-in. */
  kept: number;
  missed: number;
}

export interface TrustMetricsInput {
  /** The goal's parties (a family member's id, or null for the client). */
  parties: readonly PartyId[];
  targetRating: number;
  /** Oldest first (by when they happened, then by when they were recorded). */
  checkIns: readonly CheckInFacts[];
  /** Today in the practice's time zone, `YYYY-MM-DD`. */
  today: string;
  /** N, the number of a party's latest ratings the trend is fitted to (2-20, default 5). */
  trendWindow?: number;
  /** Days in the reliability window, ending today (default 28). */
  reliabilityWindowDays?: number;
}

export type TrendSign = -1 | 0 | 1;

export interface Trend {
  /** Least-squares slope in rating points per rated check-in; null with fewer than 2 ratings. */
  slope: number | null;
  sign: TrendSign | null;
  /** How many ratings the slope was fitted to. */
  points: number;
}

export interface PartyMetrics {
  familyMemberId: PartyId;
  /** The party's latest rating, null when never rated. */
  currentRating: number | null;
  ratedOn: string | null;
  /** Latest rating minus the one before it; null with fewer than 2 ratings. */
  lastChange: number | null;
  trend: Trend;
}

export interface Reliability {
  windowDays: number;
  /** First and last day of the window (inclusive). */
  from: string;
  to: string;
  kept: number;
  missed: number;
  /** kept / (kept + missed); null when nothing was kept or missed in the window. */
  ratio: number | null;
}

export interface TrustMetrics {
  checkInCount: number;
  lastCheckInOn: string | null;
  /** Whole days from the last check-in's date to today; null without check-ins. */
  daysSinceLastCheckIn: number | null;
  /** One entry per goal party, in the goal's order. */
  parties: PartyMetrics[];
  reliability: Reliability;
  /** How many of the latest rated check-ins in a row met the target (see {@link targetMetStreak}). */
  targetMetStreak: number;
  /** What the check-ins suggest (see {@link suggestAchievementStatus}); never applied by itself. */
  suggestedAchievementStatus: AchievementStatus | null;
}

/**
 * Every derived figure of a goal, from its check-ins. Ratings of anyone other than the goal's
 * parties are ignored (the service never stores one).
 */
export function computeTrustMetrics(input: TrustMetricsInput): TrustMetrics {
  const window = input.trendWindow ?? DEFAULT_TREND_WINDOW;
  if (!Number.isInteger(window) || window < MIN_TREND_WINDOW || window > MAX_TREND_WINDOW) {
    throw new RangeError(
      `trendWindow must be a whole number from ${MIN_TREND_WINDOW} to ${MAX_TREND_WINDOW}`,
    );
  }
  const partyKeys = new Set(input.parties.map(partyKey));
  const checkIns = input.checkIns.map((checkIn) => ({
    ...checkIn,
    ratings: checkIn.ratings.filter((r) => partyKeys.has(partyKey(r.familyMemberId))),
  }));
  const parties = input.parties.map((party) => partyMetrics(party, checkIns, window));
  const streak = targetMetStreak(checkIns, input.targetRating);
  const last = checkIns[checkIns.length - 1];
  return {
    checkInCount: checkIns.length,
    lastCheckInOn: last?.on ?? null,
    daysSinceLastCheckIn: last ? Math.max(0, daysBetween(last.on, input.today)) : null,
    parties,
    reliability: reliability(
      checkIns,
      input.today,
      input.reliabilityWindowDays ?? DEFAULT_RELIABILITY_WINDOW_DAYS,
    ),
    targetMetStreak: streak,
    suggestedAchievementStatus: suggestAchievementStatus({
      ratedCheckIns: checkIns.filter((checkIn) => checkIn.ratings.length > 0).length,
      targetMetStreak: streak,
      parties,
    }),
  };
}

function partyMetrics(
  party: PartyId,
  checkIns: readonly CheckInFacts[],
  window: number,
): PartyMetrics {
  const key = partyKey(party);
  const rated = checkIns.flatMap((checkIn) =>
    checkIn.ratings
      .filter((r) => partyKey(r.familyMemberId) === key)
      .map((r) => ({ on: checkIn.on, rating: r.rating })),
  );
  const latest = rated[rated.length - 1];
  const previous = rated[rated.length - 2];
  return {
    familyMemberId: party,
    currentRating: latest?.rating ?? null,
    ratedOn: latest?.on ?? null,
    lastChange: latest && previous ? latest.rating - previous.rating : null,
    trend: trend(
      rated.map((r) => r.rating),
      window,
    ),
  };
}

/**
 * The trend of a series of ratings (oldest first): the least-squares slope of its last `window`
 * values against their position (0, 1, 2…), so in rating points per rated check-in, and its sign
 * (±1 beyond ±{@link TREND_EPSILON}, else 0). Fewer than two values have no trend (null).
 */
export function trend(ratings: readonly number[], window = DEFAULT_TREND_WINDOW): Trend {
  const values = ratings.slice(-window);
  const slope = leastSquaresSlope(values);
  return { slope, sign: slope === null ? null : signOf(slope), points: values.length };
}

/** Ordinary least-squares slope of `values[i]` against `i`; null for fewer than two values. */
export function leastSquaresSlope(values: readonly number[]): number | null {
  const n = values.length;
  if (n < 2) return null;
  const meanX = (n - 1) / 2;
  // Σ(x − x̄) = 0, so ȳ cancels out of the covariance: Stryker's `/ n` → `* n` here is an
  // equivalent mutant, left to survive (a disable would also hide `+` → `-`, which the ±0.01 test kills).
  const meanY = values.reduce((sum, value) => sum + value, 0) / n;
  let covariance = 0;
  let variance = 0;
  values.forEach((value, x) => {
    covariance += (x - meanX) * (value - meanY);
    variance += (x - meanX) ** 2;
  });
  return covariance / variance;
}

function signOf(slope: number): TrendSign {
  if (slope > TREND_EPSILON) return 1;
  if (slope < -TREND_EPSILON) return -1;
  return 0;
}

/**
 * Commitments kept / (kept + missed), summed over the check-ins dated within the last
 * `windowDays` days up to and including `today` (each check-in counts what happened since the one
 * before it, so its whole count falls on its own date). Null when the window has nothing to count:
 * "no data" is neither perfect nor failed reliability.
 */
export function reliability(
  checkIns: readonly Pick<CheckInFacts, 'on' | 'kept' | 'missed'>[],
  today: string,
  windowDays = DEFAULT_RELIABILITY_WINDOW_DAYS,
): Reliability {
  if (!Number.isInteger(windowDays) || windowDays < 1) {
    throw new RangeError('windowDays must be a whole number of days, at least 1');
  }
  let kept = 0;
  let missed = 0;
  for (const checkIn of checkIns) {
    const age = daysBetween(checkIn.on, today);
    if (age >= 0 && age < windowDays) {
      kept += checkIn.kept;
      missed += checkIn.missed;
    }
  }
  const total = kept + missed;
  return {
    windowDays,
    from: addDays(today, 1 - windowDays),
    to: today,
    kept,
    missed,
    ratio: total === 0 ? null : kept / total,
  };
}

/**
 * How many of the latest rated check-ins, in a row, met the target. A check-in meets it when every
 * party rated so far stands at or above the target, each by their most recent rating as of that
 * check-in (a party not rated that day keeps their previous rating). Check-ins without any rating
 * neither meet the target nor break the run.
 */
export function targetMetStreak(checkIns: readonly CheckInFacts[], targetRating: number): number {
  const latest = new Map<string, number>();
  const met: boolean[] = [];
  for (const checkIn of checkIns) {
    if (checkIn.ratings.length === 0) continue;
    for (const r of checkIn.ratings) latest.set(partyKey(r.familyMemberId), r.rating);
    met.push([...latest.values()].every((rating) => rating >= targetRating));
  }
  let streak = 0;
  // Stryker disable next-line ConditionalExpression: equivalent, met[-1] is undefined and ends the loop too
  for (let i = met.length - 1; i >= 0 && met[i]; i -= 1) streak += 1;
  return streak;
}

/**
 * The achievement status the check-ins point to, first rule that applies:
 * - null: no rated check-in yet, nothing to judge;
 * - `sustaining`: the target met at more than {@link ACHIEVED_AFTER} rated check-ins in a row;
 * - `achieved`: met at exactly {@link ACHIEVED_AFTER} in a row;
 * - `worsening`: any party's trend is falling, or their latest rating fell by {@link SHARP_DROP}
 *   or more (trust lost by one party is not offset by the other's gain);
 * - `in_progress`: no party has two ratings yet, so there is no trend;
 * - `improving`: some party's trend is rising (and none is falling);
 * - `no_change`: otherwise.
 * Never `not_achieved`: that is a clinician's judgement when a goal is closed.
 */
export function suggestAchievementStatus(facts: {
  ratedCheckIns: number;
  targetMetStreak: number;
  parties: readonly Pick<PartyMetrics, 'trend' | 'lastChange'>[];
}): AchievementStatus | null {
  if (facts.ratedCheckIns === 0) return null;
  if (facts.targetMetStreak > ACHIEVED_AFTER) return 'sustaining';
  if (facts.targetMetStreak === ACHIEVED_AFTER) return 'achieved';
  const signs = facts.parties.map((party) => party.trend.sign).filter((sign) => sign !== null);
  const sharpDrop = facts.parties.some(
    (party) => party.lastChange !== null && party.lastChange <= -SHARP_DROP,
  );
  if (sharpDrop || signs.includes(-1)) return 'worsening';
  if (signs.length === 0) return 'in_progress';
  if (signs.includes(1)) return 'improving';
  return 'no_change';
}

/** Whole days from `from` to `to` (both `YYYY-MM-DD`); negative when `to` is earlier. */
export function daysBetween(from: string, to: string): number {
  return dayNumber(to) - dayNumber(from);
}

export function addDays(date: string, days: number): string {
  return new Date((dayNumber(date) + days) * DAY_MS).toISOString().slice(0, 10);
}

const DAY_MS = 86_400_000;

function dayNumber(date: string): number {
  const time = Date.parse(`${date}T00:00:00Z`);
  // Date.parse rolls an impossible day over (2026-02-30 becomes March 2): a date must read back.
  if (Number.isNaN(time) || new Date(time).toISOString().slice(0, 10) !== date) {
    throw new RangeError('dates are YYYY-MM-DD');
  }
  return Math.round(time / DAY_MS);
}

function partyKey(party: PartyId): string {
  // Stryker disable next-line StringLiteral: equivalent, any key no family member id can be will do
  return party ?? 'client';
}
