import type { NoteFormat, RiskLevel } from './note-format';
import type { AddendumView, SessionNoteView } from './session-note.dto';

export interface SessionNoteRow {
  id: string;
  practice_id: string;
  client_id: string;
  session_id: string;
  author_id: string;
  format: NoteFormat;
  content: Record<string, string>;
  goals_addressed: string[];
  interventions: string[];
  risk_level: RiskLevel | null;
  risk_plan: string | null;
  status: 'draft' | 'awaiting_cosign' | 'returned' | 'signed';
  signed_by: string | null;
  signed_at: Date | null;
  content_hash: string | null;
  cosigned_by: string | null;
  cosigned_at: Date | null;
  return_comment: string | null;
  version: number;
  created_at: Date;
  updated_at: Date;
  addenda: {
    id: string;
    author_id: string;
    text: string;
    signed_at: string;
    content_hash: string;
  }[];
}

export const NOTE_COLUMNS = `n.id, n.practice_id, n.client_id, n.session_id, n.author_id, n.format, n.content,
  n.goals_addressed, n.interventions, n.risk_level, n.risk_plan, n.status, n.signed_by, n.signed_at, n.content_hash,
  n.cosigned_by, n.cosigned_at, n.return_comment, n.version, n.created_at, n.updated_at,
  coalesce((SELECT json_agg(json_build_object('id', a.id, 'author_id', a.author_id, 'text', a.text,
              'signed_at', a.signed_at, 'content_hash', a.content_hash) ORDER BY a.signed_at, a.id)
              FROM note_addenda a WHERE a.practice_id = n.practice_id AND a.note_id = n.id), '[]'::json) AS addenda`;

export function toNoteView(row: SessionNoteRow): SessionNoteView {
  return {
    id: row.id,
    sessionId: row.session_id,
    clientId: row.client_id,
    authorId: row.author_id,
    format: row.format,
    content: row.content,
    goalsAddressed: row.goals_addressed,
    interventions: row.interventions,
    riskLevel: row.risk_level,
    riskPlan: row.risk_plan,
    status: row.status,
    signedBy: row.signed_by,
    signedAt: row.signed_at?.toISOString() ?? null,
    contentHash: row.content_hash,
    cosignedBy: row.cosigned_by,
    cosignedAt: row.cosigned_at?.toISOString() ?? null,
    returnComment: row.return_comment,
    addenda: row.addenda.map((a): AddendumView => ({
      id: a.id,
      authorId: a.author_id,
      text: a.text,
      signedAt: new Date(a.signed_at).toISOString(),
      contentHash: a.content_hash,
    })),
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}
