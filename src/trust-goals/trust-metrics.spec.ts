import {
  daysBetween,
  leastSquaresSlope,
  reliability,
  suggestAchievementStatus,
  targetMetStreak,
  trend,
  type CheckInFacts,
} from './trust-metrics';
import { MOTHER, STRANGER, TODAY, metrics, weekly } from '../../test/factories/check-ins';

describe('trust metrics', () => {
  describe('with no check-ins', () => {
    it('has no current ratings, no trend, no reliability, no days since and no suggestion', () => {
      expect(metrics([])).toEqual({
        checkInCount: 0,
        lastCheckInOn: null,
        daysSinceLastCheckIn: null,
        parties: [
          {
            familyMemberId: null,
            currentRating: null,
            ratedOn: null,
            lastChange: null,
            trend: { slope: null, sign: null, points: 0 },
          },
          {
            familyMemberId: MOTHER,
            currentRating: null,
            ratedOn: null,
            lastChange: null,
            trend: { slope: null, sign: null, points: 0 },
          },
        ],
        reliability: {
          windowDays: 28,
          from: '2026-03-02',
          to: TODAY,
          kept: 0,
          missed: 0,
          ratio: null,
        },
        targetMetStreak: 0,
        suggestedAchievementStatus: null,
      });
    });
  });

  describe('with a single check-in', () => {
    it('reports the ratings as current, no trend yet, and suggests in progress', () => {
      const result = metrics(weekly([{ client: 6, mother: 4, kept: 1 }], '2026-03-25'));
      expect(result.checkInCount).toBe(1);
      expect(result.lastCheckInOn).toBe('2026-03-25');
      expect(result.daysSinceLastCheckIn).toBe(4);
      expect(result.parties.map((p) => [p.currentRating, p.ratedOn, p.trend.slope])).toEqual([
        [6, '2026-03-25', null],
        [4, '2026-03-25', null],
      ]);
      expect(result.reliability).toMatchObject({ kept: 1, missed: 0, ratio: 1 });
      expect(result.suggestedAchievementStatus).toBe('in_progress');
    });

    it('does not call a goal achieved on one check-in at the target', () => {
      const result = metrics(weekly([{ client: 9, mother: 8 }]));
      expect(result.targetMetStreak).toBe(1);
      expect(result.suggestedAchievementStatus).toBe('in_progress');
    });

    it('suggests nothing when the only check-in has no rating', () => {
      const result = metrics(weekly([{ kept: 1, missed: 1 }]));
      expect(result.suggestedAchievementStatus).toBeNull();
      expect(result.reliability.ratio).toBe(0.5);
      expect(result.daysSinceLastCheckIn).toBe(0);
    });
  });

  describe('current rating per party', () => {
    it('is each party’s latest rating, kept from an earlier check-in when they were not rated since', () => {
      const result = metrics(
        weekly([{ client: 4, mother: 2 }, { client: 5, mother: 3 }, { client: 6 }]),
      );
      expect(result.parties).toEqual([
        expect.objectContaining({ currentRating: 6, ratedOn: TODAY, lastChange: 1 }),
        expect.objectContaining({ currentRating: 3, ratedOn: '2026-03-22', lastChange: 1 }),
      ]);
    });

    it('ignores ratings of anyone who is not a party of the goal', () => {
      const checkIns = weekly([{ client: 5 }, { client: 6 }]);
      checkIns[1] = {
        ...checkIns[1]!,
        ratings: [...checkIns[1]!.ratings, { familyMemberId: STRANGER, rating: 0 }],
      };
      const result = metrics(checkIns);
      expect(result.parties).toHaveLength(2);
      expect(result.parties[0]!.currentRating).toBe(6);
      expect(result.suggestedAchievementStatus).toBe('improving');
    });
  });

  describe('trend', () => {
    it('is the least-squares slope per rated check-in, with its sign', () => {
      expect(leastSquaresSlope([1, 2, 3])).toBe(1);
      expect(leastSquaresSlope([10, 8, 6])).toBe(-2);
      expect(leastSquaresSlope([4, 4, 4, 4])).toBe(0);
      expect(leastSquaresSlope([5, 5, 5, 5, 6])).toBeCloseTo(0.2, 12);
      expect(leastSquaresSlope([5, 6, 5, 6, 5])).toBeCloseTo(0, 12);
      expect(trend([3, 4, 4, 5, 6])).toEqual({
        slope: expect.closeTo(0.7, 12),
        sign: 1,
        points: 5,
      });
      expect(trend([7, 7, 7])).toEqual({ slope: 0, sign: 0, points: 3 });
      expect(trend([8, 6])).toEqual({ slope: -2, sign: -1, points: 2 });
    });

    it('has none with fewer than two ratings', () => {
      expect(trend([])).toEqual({ slope: null, sign: null, points: 0 });
      expect(trend([5])).toEqual({ slope: null, sign: null, points: 1 });
      expect(leastSquaresSlope([5])).toBeNull();
    });

    it('looks only at the last N ratings (default 5)', () => {
      // Falling early on, flat at the end: only the last five count.
      expect(trend([9, 7, 5, 3, 3, 3, 3, 3])).toEqual({ slope: 0, sign: 0, points: 5 });
      expect(trend([9, 7, 5, 3, 3, 3, 3, 3], 8).sign).toBe(-1);
      const result = metrics(weekly([1, 2, 3, 4, 5, 5, 5].map((client) => ({ client }))), {
        trendWindow: 3,
      });
      expect(result.parties[0]!.trend).toEqual({ slope: 0, sign: 0, points: 3 });
    });

    it('refuses a window outside 2-20', () => {
      expect(() => metrics([], { trendWindow: 1 })).toThrow(RangeError);
      expect(() => metrics([], { trendWindow: 21 })).toThrow(RangeError);
      expect(() => metrics([], { trendWindow: 2.5 })).toThrow(RangeError);
    });
  });

  describe('reliability ratio', () => {
    it('is kept / (kept + missed) over the check-ins of the last 28 days, today included', () => {
      const checkIns: CheckInFacts[] = [
        { on: '2026-03-01', ratings: [], kept: 0, missed: 9 }, // 28 days ago: outside
        { on: '2026-03-02', ratings: [], kept: 3, missed: 1 }, // 27 days ago: inside
        { on: TODAY, ratings: [], kept: 2, missed: 0 },
      ];
      expect(reliability(checkIns, TODAY)).toEqual({
        windowDays: 28,
        from: '2026-03-02',
        to: TODAY,
        kept: 5,
        missed: 1,
        ratio: 5 / 6,
      });
      expect(reliability(checkIns, TODAY, 1)).toMatchObject({ from: TODAY, kept: 2, ratio: 1 });
    });

    it('is 0 when only missed commitments were recorded', () => {
      const result = metrics(weekly([{ missed: 1 }, { missed: 2 }, { kept: 0, missed: 1 }]));
      expect(result.reliability).toMatchObject({ kept: 0, missed: 4, ratio: 0 });
    });

    it('is null (no data) when nothing was kept or missed in the window, even if earlier there was', () => {
      const old = weekly([{ kept: 4, missed: 0 }], '2026-01-10');
      expect(metrics(old).reliability).toMatchObject({ kept: 0, missed: 0, ratio: null });
      expect(metrics(weekly([{ client: 5 }])).reliability.ratio).toBeNull();
    });

    it('leaves out check-ins dated after today and honours another window length', () => {
      const checkIns: CheckInFacts[] = [
        { on: '2026-03-30', ratings: [], kept: 0, missed: 5 },
        { on: '2026-01-01', ratings: [], kept: 1, missed: 1 },
      ];
      expect(reliability(checkIns, TODAY).ratio).toBeNull();
      expect(reliability(checkIns, TODAY, 90)).toMatchObject({ from: '2025-12-30', ratio: 0.5 });
      expect(() => reliability(checkIns, TODAY, 0)).toThrow(RangeError);
    });
  });

  describe('days since the last check-in', () => {
    it('counts calendar days, across month and leap-year ends', () => {
      expect(daysBetween('2028-02-28', '2028-03-01')).toBe(2);
      expect(daysBetween('2026-12-31', '2027-01-01')).toBe(1);
      // Daylight saving changes nothing: these are calendar dates, not instants.
      expect(daysBetween('2026-03-07', '2026-03-09')).toBe(2);
      expect(metrics(weekly([{ client: 5 }], '2026-03-01')).daysSinceLastCheckIn).toBe(28);
      expect(metrics(weekly([{ client: 5 }, { client: 5 }])).daysSinceLastCheckIn).toBe(0);
    });

    it('never goes below zero for a check-in dated later than today', () => {
      expect(metrics(weekly([{ client: 5 }], '2026-03-30')).daysSinceLastCheckIn).toBe(0);
    });
  });

  describe('target met streak and the suggested achievement status', () => {
    it('suggests improving while ratings rise below the target', () => {
      const result = metrics(
        weekly([
          { client: 3, mother: 2 },
          { client: 4, mother: 3 },
        ]),
      );
      expect(result.targetMetStreak).toBe(0);
      expect(result.suggestedAchievementStatus).toBe('improving');
    });

    it('suggests achieved when every party met the target at two consecutive check-ins', () => {
      const result = metrics(
        weekly([
          { client: 5, mother: 5 },
          { client: 7, mother: 8 },
          { client: 8, mother: 7 },
        ]),
      );
      expect(result.targetMetStreak).toBe(2);
      expect(result.suggestedAchievementStatus).toBe('achieved');
    });

    it('does not call it achieved while one party is still below the target', () => {
      const result = metrics(
        weekly([
          { client: 8, mother: 5 },
          { client: 9, mother: 6 },
        ]),
      );
      expect(result.targetMetStreak).toBe(0);
      expect(result.suggestedAchievementStatus).toBe('improving');
    });

    it('suggests sustaining when the target stays met beyond two check-ins', () => {
      const result = metrics(
        weekly([
          { client: 7, mother: 7 },
          { client: 8, mother: 7 },
          { client: 7, mother: 9 },
        ]),
      );
      expect(result.targetMetStreak).toBe(3);
      expect(result.suggestedAchievementStatus).toBe('sustaining');
    });

    it('carries a party’s last rating forward, and unrated check-ins neither count nor break the run', () => {
      const checkIns = weekly([
        { client: 8, mother: 7 },
        { kept: 1 },
        { client: 8 }, // the mother's 7 still stands
      ]);
      expect(targetMetStreak(checkIns, 7)).toBe(2);
      const fallen = weekly([{ client: 8, mother: 4 }, { client: 9 }, { client: 9 }]);
      expect(targetMetStreak(fallen, 7)).toBe(0);
    });

    it('suggests no change on a flat series and worsening on a falling one', () => {
      expect(
        metrics(weekly([{ client: 5, mother: 4 }, { client: 5, mother: 4 }, { client: 5 }]))
          .suggestedAchievementStatus,
      ).toBe('no_change');
      expect(
        metrics(weekly([{ client: 6, mother: 5 }, { client: 5, mother: 5 }, { client: 4 }]))
          .suggestedAchievementStatus,
      ).toBe('worsening');
    });

    it('suggests worsening when one party’s trust falls while the other’s rises', () => {
      const result = metrics(
        weekly([
          { client: 4, mother: 6 },
          { client: 5, mother: 5 },
          { client: 6, mother: 4 },
        ]),
      );
      expect(result.parties.map((p) => p.trend.sign)).toEqual([1, -1]);
      expect(result.suggestedAchievementStatus).toBe('worsening');
    });

    it('suggests worsening when ratings fall after a setback, before the fitted trend turns', () => {
      const beforeSetback = weekly([{ mother: 5 }, { mother: 6 }, { mother: 7 }, { mother: 7 }]);
      expect(metrics(beforeSetback, { parties: [MOTHER] }).suggestedAchievementStatus).toBe(
        'achieved',
      );
      // A relapse: the next rating falls from 7 to 5. The five-point fit still leans up…
      const afterSetback = weekly([
        { mother: 5 },
        { mother: 6 },
        { mother: 7 },
        { mother: 7 },
        { mother: 5 },
      ]);
      const result = metrics(afterSetback, { parties: [MOTHER] });
      expect(result.parties[0]!.trend).toEqual({ slope: 0.1, sign: 1, points: 5 });
      expect(result.parties[0]!.lastChange).toBe(-2);
      expect(result.targetMetStreak).toBe(0);
      // …but the sharp drop is what the clinician must see.
      expect(result.suggestedAchievementStatus).toBe('worsening');
      // A slower slide turns the trend itself.
      const sliding = metrics(
        weekly([{ mother: 7 }, { mother: 7 }, { mother: 6 }, { mother: 6 }, { mother: 5 }]),
        { parties: [MOTHER] },
      );
      expect(sliding.parties[0]!.trend.sign).toBe(-1);
      expect(sliding.suggestedAchievementStatus).toBe('worsening');
    });

    it('keeps the earlier progress in the figures after a setback (nothing is reset)', () => {
      const result = metrics(weekly([{ client: 3 }, { client: 6 }, { client: 8 }, { client: 6 }]), {
        parties: [null],
        trendWindow: 4,
      });
      expect(result.checkInCount).toBe(4);
      expect(result.parties[0]).toMatchObject({ currentRating: 6, lastChange: -2 });
      expect(result.parties[0]!.trend.slope).toBeCloseTo(1.1, 12);
    });

    it('never suggests not achieved, and suggests nothing without a rating', () => {
      expect(
        suggestAchievementStatus({ ratedCheckIns: 0, targetMetStreak: 0, parties: [] }),
      ).toBeNull();
      expect(
        suggestAchievementStatus({
          ratedCheckIns: 1,
          targetMetStreak: 0,
          parties: [{ lastChange: null, trend: { slope: null, sign: null, points: 1 } }],
        }),
      ).toBe('in_progress');
    });
  });
});
