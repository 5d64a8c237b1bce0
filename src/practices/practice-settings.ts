/**
 * The practice settings the code reads from `practices.settings` (a JSON object), with their SQL
 * type and their default. A practice that never set a key gets the default written here, and only
 * here: the queries read each setting through `practiceSettingSql`.
 */
export const PRACTICE_SETTINGS = {
  /** Whether admins read clinical content (they never write it). */
  adminClinicalAccess: { type: 'boolean', default: false },
  /** How many days ahead an agreement's review date makes it "due for review". */
  boundaryReviewNoticeDays: { type: 'int', default: 14 },
  /** How long after a session's end its note is overdue. */
  noteOverdueHours: { type: 'int', default: 72 },
  /** How many days without a check-in make an active goal stalled. */
  goalStallDays: { type: 'int', default: 14 },
  /** How close to the start a cancellation counts as a late cancel. */
  cancellationWindowHours: { type: 'int', default: 24 },
} as const satisfies Record<string, { type: 'boolean' | 'int'; default: boolean | number }>;

export type PracticeSettingKey = keyof typeof PRACTICE_SETTINGS;

/**
 * `coalesce((p.settings ->> 'key')::type, default)`: one setting of the practices row aliased
 * `alias`, with its default. The text is built from the constants above and an alias written in
 * the calling code (never from input), so statements run as prepared ones keep a fixed text.
 */
export function practiceSettingSql(key: PracticeSettingKey, alias = 'p'): string {
  const setting = PRACTICE_SETTINGS[key];
  return `coalesce((${alias}.settings ->> '${key}')::${setting.type}, ${setting.default})`;
}
