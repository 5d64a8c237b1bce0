import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { ClientAccessService } from '../access/client-access.service';
import { AuditService } from '../audit/audit.service';
import type { StaffActor } from '../common/actor/actor';
import { NOTE_COLUMNS, toNoteView, type SessionNoteRow } from './session-note.row';
import type { SessionNoteView } from './session-note.dto';

/**
 * SQL over a session `s`: the client in parameter `$2` (of practice `$1`) is in its chart — their
 * own session, or a joint session of a case they came to. One note per session, signed once,
 * shows in the chart of every client who came.
 */
export const SESSION_IN_CHART = `(s.client_id = $2 OR EXISTS (
    SELECT 1 FROM session_case_attendees a JOIN clients c ON c.practice_id = a.practice_id AND c.person_id = a.person_id
     WHERE a.practice_id = s.practice_id AND a.session_id = s.id AND c.id = $2
       AND a.attendance IN ('attended', 'late')))`;

@Injectable()
export class ClientNotesQueryService {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly access: ClientAccessService,
    private readonly audit: AuditService,
  ) {}

  async list(actor: StaffActor, clientId: string): Promise<SessionNoteView[]> {
    await this.access.require(actor, clientId, 'readClinical');
    const rows = await this.txHost.tx.query<SessionNoteRow[]>(
      `SELECT ${NOTE_COLUMNS} FROM session_notes n
         JOIN therapy_sessions s ON s.practice_id = n.practice_id AND s.id = n.session_id
        WHERE n.practice_id = $1 AND ${SESSION_IN_CHART}
        ORDER BY s.starts_at DESC, n.id LIMIT 200`,
      [actor.practiceId, clientId],
    );
    await this.audit.record({
      action: 'list',
      resourceType: 'session_note',
      clientId,
      metadata: { noteIds: rows.map((row) => row.id) },
    });
    return rows.map(toNoteView);
  }
}
