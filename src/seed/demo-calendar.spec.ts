import { demoCalendar } from './demo-calendar';

describe(demoCalendar.name, () => {
  const TZ = 'America/Chicago';

  it('counts days and wall-clock times in the practice time zone, not in UTC', () => {
    // 03:30 UTC on 6 March is still the evening of 5 March in Chicago (UTC-6).
    const calendar = demoCalendar(new Date('2026-03-06T03:30:00Z'), TZ);
    expect(calendar.day(0)).toBe('2026-03-05');
    expect(calendar.day(-5)).toBe('2026-02-28');
    expect(calendar.at(0, '16:00')).toBe('2026-03-05T22:00:00.000Z');
  });

  it('keeps 15:00 at 15:00 local across the spring and autumn changes', () => {
    const spring = demoCalendar(new Date('2026-03-07T18:00:00Z'), TZ);
    expect(spring.at(0, '15:00')).toBe('2026-03-07T21:00:00.000Z'); // CST, UTC-6
    expect(spring.at(2, '15:00')).toBe('2026-03-09T20:00:00.000Z'); // CDT, UTC-5
    const autumn = demoCalendar(new Date('2026-10-31T18:00:00Z'), TZ);
    expect(autumn.at(0, '15:00')).toBe('2026-10-31T20:00:00.000Z');
    expect(autumn.at(1, '15:00')).toBe('2026-11-01T21:00:00.000Z');
    expect(autumn.after(autumn.at(0, '15:00'), 50)).toBe('2026-10-31T20:50:00.000Z');
  });

  it('moves a wall time the spring change skips to the hour after', () => {
    const spring = demoCalendar(new Date('2026-03-07T18:00:00Z'), TZ);
    expect(spring.at(1, '02:30')).toBe('2026-03-08T08:30:00.000Z'); // 03:30 CDT
  });
});
