import { timestampCursorSql } from '../common/pagination/cursor';

/** An `emergency_access_grants` row with the grantee's name and its list cursor. */
export interface GrantRow {
  id: string;
  client_id: string | null;
  case_id: string | null;
  staff_id: string;
  staff_name: string;
  reason: string;
  granted_at: Date;
  expires_at: Date;
  active: boolean;
  cursor_key: string;
}

export const GRANT_COLUMNS = `g.id, g.client_id, g.case_id, g.staff_id, s.first_name || ' ' || s.last_name AS staff_name, g.reason,
  g.granted_at, g.expires_at, g.expires_at > now() AS active,
  ${timestampCursorSql('g.granted_at')} AS cursor_key`;
