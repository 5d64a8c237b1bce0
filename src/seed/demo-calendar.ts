/**
 * The demo's dates, relative to the day it is seeded in the practice's time zone: "three days ago
 * at 15:00" is 15:00 on the wall clock there, whatever daylight-saving change lies in between.
 */
export interface DemoCalendar {
  /** The instant the demo is seeded at. */
  now: Date;
  /** `YYYY-MM-DD`, `days` after today (negative: before). */
  day(days: number): string;
  /** ISO timestamp of `time` (`HH:MM`) local time, `days` after today. */
  at(days: number, time: string): string;
  /** ISO timestamp `minutes` after `at(days, time)`. */
  after(iso: string, minutes: number): string;
}

export function demoCalendar(now: Date, timeZone: string): DemoCalendar {
  const today = localParts(now, timeZone);
  const shifted = (days: number) =>
    new Date(Date.UTC(today.year, today.month - 1, today.day + days));
  return {
    now,
    day: (days) => shifted(days).toISOString().slice(0, 10),
    at: (days, time) => {
      const [hours, minutes] = time.split(':').map(Number) as [number, number];
      const date = shifted(days);
      const wall = Date.UTC(
        date.getUTCFullYear(),
        date.getUTCMonth(),
        date.getUTCDate(),
        hours,
        minutes,
      );
      return new Date(wallToInstant(wall, timeZone)).toISOString();
    },
    after: (iso, minutes) => new Date(Date.parse(iso) + minutes * 60_000).toISOString(),
  };
}

interface LocalParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

function localParts(instant: Date, timeZone: string): LocalParts {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
  }).formatToParts(instant);
  const get = (type: string) => Number(parts.find((part) => part.type === type)!.value);
  return {
    year: get('year'),
    month: get('month'),
    day: get('day'),
    hour: get('hour'),
    minute: get('minute'),
    second: get('second'),
  };
}

/** How far the zone's wall clock is ahead of UTC at `instant`, in milliseconds. */
function offsetAt(instant: number, timeZone: string): number {
  const p = localParts(new Date(instant), timeZone);
  const wall = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  return wall - Math.floor(instant / 1000) * 1000;
}

/**
 * The instant the zone's wall clock shows `wall` (a UTC-encoded wall time). Twice refined, so an
 * offset that changes between the guess and the answer is taken into account; a wall time that
 * the spring change skips (it never shows) lands an hour later, as a clock set forward reads.
 */
function wallToInstant(wall: number, timeZone: string): number {
  const first = wall - offsetAt(wall, timeZone);
  const second = wall - offsetAt(first, timeZone);
  return wall - second === offsetAt(second, timeZone) ? second : first;
}
