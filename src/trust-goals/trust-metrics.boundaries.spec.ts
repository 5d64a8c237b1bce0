import { MOTHER, TODAY, metrics, weekly } from '../../test/factories/check-ins';
import { STRANGER } from '../../test/factories/check-ins';
import { addDays, daysBetween, reliability, trend, type CheckInFacts } from './trust-metrics';

// The edges of the rules in trust-metrics.ts that mutation testing found unpinned: each test
// fails if the boundary it names moves.
describe('trust metrics at their boundaries', () => {
  describe('sharp drop', () => {
    it('is one party’s fall of two points, even while the other holds and both trends rise', () => {
      const result = metrics(
        weekly([
          { client: 5, mother: 5 },
          { client: 6, mother: 6 },
          { client: 7, mother: 7 },
          { client: 7, mother: 7 },
          { client: 7, mother: 5 },
        ]),
      );
      expect(result.parties.map((party) => party.lastChange)).toEqual([0, -2]);
      expect(result.parties.map((party) => party.trend.sign)).toEqual([1, 1]);
      expect(result.suggestedAchievementStatus).toBe('worsening');
    });

    it('is not a fall of one point', () => {
      const result = metrics(weekly([{ mother: 5 }, { mother: 6 }, { mother: 7 }, { mother: 6 }]), {
        parties: [MOTHER],
      });
      expect(result.parties[0]).toMatchObject({ lastChange: -1, trend: { sign: 1 } });
      expect(result.suggestedAchievementStatus).toBe('improving');
    });
  });

  describe('trend sign', () => {
    it('counts a slope of exactly ±0.01 point per check-in as no change', () => {
      expect(trend([0, 0.01])).toEqual({ slope: 0.01, sign: 0, points: 2 });
      expect(trend([0, -0.01])).toEqual({ slope: -0.01, sign: 0, points: 2 });
      expect(trend([0, 0.02]).sign).toBe(1);
      expect(trend([0, -0.02]).sign).toBe(-1);
    });
  });

  describe('parties', () => {
    it('never takes someone else’s rating for a party’s, the client’s included', () => {
      const checkIns: CheckInFacts[] = [
        { on: TODAY, ratings: [{ familyMemberId: STRANGER, rating: 9 }], kept: 0, missed: 0 },
      ];
      const result = metrics(checkIns);
      expect(result.parties.map((party) => party.currentRating)).toEqual([null, null]);
      expect(result.suggestedAchievementStatus).toBeNull();
    });
  });

  describe('trend window', () => {
    it.each([2, 20])('accepts %i and fits the trend to that many ratings', (trendWindow) => {
      const ratings = Array.from({ length: 25 }, (_, index) => ({ client: index % 11 }));
      const result = metrics(weekly(ratings), { trendWindow, parties: [null] });
      expect(result.parties[0]!.trend.points).toBe(trendWindow);
    });

    it('says which windows it accepts', () => {
      expect(() => metrics([], { trendWindow: 21 })).toThrow(
        new RangeError('trendWindow must be a whole number from 2 to 20'),
      );
    });
  });

  describe('reliability window', () => {
    it('is taken from the input, and refuses a fraction of a day', () => {
      const checkIns: CheckInFacts[] = [
        { on: addDays(TODAY, -7), ratings: [], kept: 0, missed: 3 },
        { on: addDays(TODAY, -6), ratings: [], kept: 1, missed: 0 },
      ];
      expect(metrics(checkIns, { reliabilityWindowDays: 7 }).reliability).toMatchObject({
        windowDays: 7,
        from: addDays(TODAY, -6),
        kept: 1,
        missed: 0,
      });
      expect(() => reliability(checkIns, TODAY, 1.5)).toThrow(
        new RangeError('windowDays must be a whole number of days, at least 1'),
      );
    });
  });

  describe('dates', () => {
    // Check-in dates come from PostgreSQL `date`s; anything else is a bug upstream, refused loudly
    // rather than dropped from reliability with NaN days since the last check-in.
    it.each(['not a date', '2026-3-1', '2026-02-30', '2026-13-01', ''])(
      'refuses the check-in date %p',
      (on) => {
        const checkIns: CheckInFacts[] = [{ on, ratings: [], kept: 1, missed: 0 }];
        expect(() => metrics(checkIns)).toThrow(new RangeError('dates are YYYY-MM-DD'));
      },
    );

    it('refuses a malformed today, and reads a leap day', () => {
      expect(() => metrics([], { today: '2026-02-29' })).toThrow(RangeError);
      expect(daysBetween('2028-02-28', '2028-02-29')).toBe(1);
    });
  });
});
