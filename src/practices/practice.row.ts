/** A `practices` row: the tenant. Settings are a JSON object; each key has a default in code. */
export interface PracticeRow {
  id: string;
  name: string;
  time_zone: string;
  settings: Record<string, unknown>;
  created_at: Date;
  updated_at: Date;
}

export const PRACTICE_COLUMNS = `p.id, p.name, p.time_zone, p.settings, p.created_at, p.updated_at`;

/** What staff see of their own practice. */
export interface PracticeSummary {
  id: string;
  name: string;
  timeZone: string;
}

export function toPracticeSummary(
  row: Pick<PracticeRow, 'id' | 'name' | 'time_zone'>,
): PracticeSummary {
  return { id: row.id, name: row.name, timeZone: row.time_zone };
}
