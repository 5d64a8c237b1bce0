import fc from 'fast-check';
import {
  addDays,
  daysBetween,
  leastSquaresSlope,
  MAX_TREND_WINDOW,
  reliability,
  trend,
} from './trust-metrics';
import { TODAY, metrics, weekly } from '../../test/factories/check-ins';

describe('trust metrics', () => {
  describe('properties', () => {
    const rating = fc.integer({ min: 0, max: 10 });
    const date = fc
      .integer({ min: 0, max: 120 })
      .map((daysBefore) => addDays(TODAY, -daysBefore + 5));
    const checkIn = fc.record({
      on: date,
      ratings: fc.constant([]),
      kept: fc.integer({ min: 0, max: 50 }),
      missed: fc.integer({ min: 0, max: 50 }),
    });

    it('the reliability ratio stays within [0, 1], and is null exactly when there is nothing to count', () => {
      fc.assert(
        fc.property(
          fc.array(checkIn, { maxLength: 40 }),
          fc.integer({ min: 1, max: 365 }),
          (checkIns, windowDays) => {
            const result = reliability(checkIns, TODAY, windowDays);
            if (result.kept + result.missed === 0) {
              expect(result.ratio).toBeNull();
            } else {
              expect(result.ratio).toBeGreaterThanOrEqual(0);
              expect(result.ratio).toBeLessThanOrEqual(1);
              expect(result.ratio).toBe(result.kept / (result.kept + result.missed));
            }
            expect(result.kept).toBeLessThanOrEqual(checkIns.reduce((s, c) => s + c.kept, 0));
            expect(daysBetween(result.from, result.to)).toBe(windowDays - 1);
          },
        ),
      );
    });

    /** Whole-number ratings that never go down (or up), and are not all the same. */
    const monotone = fc
      .array(rating, { minLength: 2, maxLength: MAX_TREND_WINDOW })
      .filter((values) => new Set(values).size > 1)
      .map((values) => [...values].sort((a, b) => a - b));

    it('the trend’s sign follows a monotone series: +1 rising, -1 falling, 0 flat', () => {
      fc.assert(
        fc.property(monotone, (rising) => {
          expect(trend(rising, rising.length).sign).toBe(1);
          expect(trend([...rising].reverse(), rising.length).sign).toBe(-1);
        }),
      );
      fc.assert(
        fc.property(rating, fc.integer({ min: 2, max: MAX_TREND_WINDOW }), (value, length) => {
          expect(trend(Array(length).fill(value), length)).toMatchObject({ slope: 0, sign: 0 });
        }),
      );
    });

    it('the slope ignores a shift of every rating and flips sign when the series is reversed', () => {
      fc.assert(
        fc.property(
          fc.array(rating, { minLength: 2, maxLength: MAX_TREND_WINDOW }),
          fc.integer({ min: -5, max: 5 }),
          (values, shift) => {
            const slope = leastSquaresSlope(values)!;
            expect(leastSquaresSlope(values.map((v) => v + shift))).toBeCloseTo(slope, 9);
            expect(leastSquaresSlope([...values].reverse())).toBeCloseTo(-slope, 9);
          },
        ),
      );
    });

    it('the suggestion follows monotone series below the target: improving or worsening', () => {
      // Within the default window of five, below the target of 7.
      const belowTarget = fc
        .array(fc.integer({ min: 0, max: 6 }), { minLength: 2, maxLength: 5 })
        .filter((values) => new Set(values).size > 1)
        .map((values) => [...values].sort((a, b) => a - b));
      fc.assert(
        fc.property(belowTarget, (rising) => {
          const up = metrics(weekly(rising.map((client) => ({ client, mother: client }))));
          expect(up.suggestedAchievementStatus).toBe('improving');
          const falling = [...rising].reverse();
          const down = metrics(weekly(falling.map((client) => ({ client, mother: client }))));
          expect(down.suggestedAchievementStatus).toBe('worsening');
        }),
      );
    });

    it('the current rating is the last given, the streak never exceeds the rated check-ins, and the suggestion is never not achieved', () => {
      const row = fc.record(
        { client: rating, mother: rating, kept: fc.nat(5), missed: fc.nat(5) },
        { requiredKeys: ['kept', 'missed'] },
      );
      fc.assert(
        fc.property(fc.array(row, { maxLength: 30 }), rating, (rows, target) => {
          const result = metrics(weekly(rows), { targetRating: target });
          const clientRatings = rows.flatMap((r) => (r.client === undefined ? [] : [r.client]));
          expect(result.parties[0]!.currentRating).toBe(clientRatings.at(-1) ?? null);
          const rated = rows.filter((r) => r.client !== undefined || r.mother !== undefined);
          expect(result.targetMetStreak).toBeLessThanOrEqual(rated.length);
          expect(result.suggestedAchievementStatus).not.toBe('not_achieved');
          expect(result.suggestedAchievementStatus === null).toBe(rated.length === 0);
        }),
      );
    });
  });
});
