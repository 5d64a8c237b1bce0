import {
  addDays,
  computeTrustMetrics,
  type CheckInFacts,
  type TrustMetricsInput,
} from '../../src/trust-goals/trust-metrics';

/** Shared inputs of the trust-metrics specs: a client, their mother, and weekly check-ins. */
export const MOTHER = '6a1f3c52-1d0e-4a55-9d55-0d4b1c1e2f01';
export const STRANGER = '6a1f3c52-1d0e-4a55-9d55-0d4b1c1e2f99';
export const TODAY = '2026-03-29';

/** Weekly check-ins ending on `lastOn`, with the client's and the mother's ratings. */
export function weekly(
  rows: readonly { client?: number; mother?: number; kept?: number; missed?: number }[],
  lastOn = TODAY,
): CheckInFacts[] {
  return rows.map((row, index) => ({
    on: addDays(lastOn, -7 * (rows.length - 1 - index)),
    ratings: [
      ...(row.client === undefined ? [] : [{ familyMemberId: null, rating: row.client }]),
      ...(row.mother === undefined ? [] : [{ familyMemberId: MOTHER, rating: row.mother }]),
    ],
    kept: row.kept ?? 0,
    missed: row.missed ?? 0,
  }));
}

export function metrics(checkIns: CheckInFacts[], overrides: Partial<TrustMetricsInput> = {}) {
  return computeTrustMetrics({
    parties: [null, MOTHER],
    targetRating: 7,
    checkIns,
    today: TODAY,
    ...overrides,
  });
}
