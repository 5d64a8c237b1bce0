import { timestampCursorSql } from '../common/pagination/cursor';

/** A `psychotherapy_notes` row with its list cursor. */
export interface NoteRow {
  id: string;
  client_id: string;
  session_id: string | null;
  author_id: string;
  text: string;
  version: number;
  created_at: Date;
  updated_at: Date;
  cursor_key: string;
}

export const noteColumns = (
  text = 'n.text',
) => `n.id, n.client_id, n.session_id, n.author_id, ${text} AS text,
  n.version, n.created_at, n.updated_at,
  ${timestampCursorSql('n.created_at')} AS cursor_key`;
export const PSYCHOTHERAPY_NOTE_COLUMNS = noteColumns();
