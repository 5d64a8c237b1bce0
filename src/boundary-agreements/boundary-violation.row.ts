import { timestampCursorSql } from '../common/pagination/cursor';

/** A `boundary_violations` row with the setbacks it caused and its list cursor. */
export interface ViolationRow {
  id: string;
  agreement_id: string;
  item_id: string;
  /** The reporter's stored id: a person's on a case's agreement, else a family member's (null: the client). */
  reported_by: string | null;
  occurred_at: Date;
  severity: string;
  description: string;
  response_taken: string | null;
  session_id: string | null;
  resolved_at: Date | null;
  created_at: Date;
  cursor_key: string;
  setback_ids: string[];
}

export const VIOLATION_COLUMNS = `v.id, v.agreement_id, v.item_id, coalesce(v.reported_by_person_id, v.reported_by_family_member_id) AS reported_by, v.occurred_at, v.severity,
  v.description, v.response_taken, v.session_id, v.resolved_at, v.created_at,
  coalesce((SELECT array_agg(b.id ORDER BY b.occurred_at) FROM goal_setbacks b
             WHERE b.practice_id = v.practice_id AND b.boundary_violation_id = v.id), '{}') AS setback_ids,
  ${timestampCursorSql('v.occurred_at')} AS cursor_key`;
