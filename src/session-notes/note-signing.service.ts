import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { WebhookOutbox } from '../webhooks/webhook-outbox';
import { AuditService } from '../audit/audit.service';
import type { StaffActor } from '../common/actor/actor';
import { ConflictProblem, ForbiddenProblem } from '../common/problem/problem';
import { assertReadyToSign, contentHash } from './note-format';
import { SESSION_NOTE_ERRORS } from './session-note-errors';
import {
  assertAuthor,
  NoteLockedError,
  SessionNotesService,
  versioned,
  type VersionedNote,
} from './session-notes.service';
import type { SessionNoteRow } from './session-note.row';

/** What a note event names: ids only, never its content. */
function noteIds(note: SessionNoteRow) {
  return {
    practiceId: note.practice_id,
    clientId: note.client_id,
    sessionId: note.session_id,
    noteId: note.id,
  };
}

/**
 * Signing locks a note (signer, time, SHA-256 of its content); the database refuses any later
 * change. A trainee's signed note waits for their supervisor's co-signature, or is returned to
 * them with a comment. Signed notes grow only by signed addenda.
 */
@Injectable()
export class NoteSigningService {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly notes: SessionNotesService,
    private readonly audit: AuditService,
    private readonly webhooks: WebhookOutbox,
  ) {}

  sign(actor: StaffActor, sessionId: string): Promise<VersionedNote> {
    return this.txHost.withTransaction(async () => {
      const note = await this.notes.load(actor, sessionId, 'writeClinical', true);
      assertAuthor(actor, note);
      if (note.status !== 'draft' && note.status !== 'returned')
        throw new NoteLockedError(note.status);
      assertReadyToSign({
        format: note.format,
        content: note.content,
        riskLevel: note.risk_level,
        riskPlan: note.risk_plan,
      });
      const hash = contentHash({
        sessionId: note.session_id,
        authorId: note.author_id,
        format: note.format,
        content: note.content,
        goalsAddressed: note.goals_addressed,
        interventions: note.interventions,
        riskLevel: note.risk_level,
        riskPlan: note.risk_plan,
      });
      const [author] = await this.txHost.tx.query<{ requires_cosign: boolean }[]>(
        `SELECT requires_cosign FROM staff WHERE practice_id = $1 AND id = $2`,
        [actor.practiceId, actor.id],
      );
      const status = author?.requires_cosign ? 'awaiting_cosign' : 'signed';
      await this.setStatus(
        note,
        `status = $3, signed_by = $4, signed_at = now(), content_hash = $5, return_comment = NULL`,
        [status, actor.id, hash],
      );
      await this.audit.record({
        action: 'sign',
        resourceType: 'session_note',
        resourceId: note.id,
        clientId: note.client_id,
        metadata: { status, contentHash: hash },
      });
      await this.webhooks.emit('note.signed', noteIds(note));
      return versioned(await this.notes.load(actor, sessionId, 'readClinical'));
    });
  }

  cosign(actor: StaffActor, sessionId: string): Promise<VersionedNote> {
    return this.txHost.withTransaction(async () => {
      const note = await this.awaitingMyCosign(actor, sessionId);
      await this.setStatus(note, `status = 'signed', cosigned_by = $3, cosigned_at = now()`, [
        actor.id,
      ]);
      await this.audit.record({
        action: 'cosign',
        resourceType: 'session_note',
        resourceId: note.id,
        clientId: note.client_id,
      });
      await this.webhooks.emit('note.cosigned', noteIds(note));
      return versioned(await this.notes.load(actor, sessionId, 'readClinical'));
    });
  }

  returnToAuthor(actor: StaffActor, sessionId: string, comment: string): Promise<VersionedNote> {
    return this.txHost.withTransaction(async () => {
      const note = await this.awaitingMyCosign(actor, sessionId);
      await this.setStatus(note, `status = 'returned', return_comment = $3`, [comment.trim()]);
      await this.audit.record({
        action: 'status_change',
        resourceType: 'session_note',
        resourceId: note.id,
        clientId: note.client_id,
        changedFields: ['status', 'returnComment'],
        metadata: { from: 'awaiting_cosign', to: 'returned' },
      });
      return versioned(await this.notes.load(actor, sessionId, 'readClinical'));
    });
  }

  addAddendum(actor: StaffActor, sessionId: string, text: string): Promise<VersionedNote> {
    return this.txHost.withTransaction(async () => {
      const note = await this.notes.load(actor, sessionId, 'writeClinical', true);
      if (note.status !== 'signed') {
        throw new ConflictProblem(
          SESSION_NOTE_ERRORS.noteNotSigned,
          'Addenda are added to signed notes; edit the note itself until then.',
          {
            currentStatus: note.status,
          },
        );
      }
      const signedAt = new Date();
      const hash = contentHash({
        noteId: note.id,
        authorId: actor.id,
        text: text.trim(),
        signedAt: signedAt.toISOString(),
      });
      const [addendum] = await this.txHost.tx.query<{ id: string }[]>(
        `INSERT INTO note_addenda (practice_id, note_id, author_id, text, signed_at, content_hash)
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
        [actor.practiceId, note.id, actor.id, text.trim(), signedAt, hash],
      );
      await this.audit.record({
        action: 'create',
        resourceType: 'note_addendum',
        resourceId: addendum!.id,
        clientId: note.client_id,
        metadata: { noteId: note.id, contentHash: hash },
      });
      return versioned(await this.notes.load(actor, sessionId, 'readClinical'));
    });
  }

  /** Only the author's supervisor co-signs or returns, and only a note awaiting co-signature. */
  private async awaitingMyCosign(actor: StaffActor, sessionId: string): Promise<SessionNoteRow> {
    const note = await this.notes.load(actor, sessionId, 'writeClinical', true);
    const [author] = await this.txHost.tx.query<{ supervisor_id: string | null }[]>(
      `SELECT supervisor_id FROM staff WHERE practice_id = $1 AND id = $2`,
      [actor.practiceId, note.author_id],
    );
    if (author?.supervisor_id !== actor.id) {
      throw new ForbiddenProblem('Only the author’s supervisor co-signs or returns this note.');
    }
    if (note.status !== 'awaiting_cosign') {
      throw new ConflictProblem(
        SESSION_NOTE_ERRORS.noteNotAwaitingCosign,
        'The note is not awaiting co-signature.',
        { currentStatus: note.status },
      );
    }
    return note;
  }

  private async setStatus(
    note: SessionNoteRow,
    assignments: string,
    values: unknown[],
  ): Promise<void> {
    await this.txHost.tx.query(
      `UPDATE session_notes SET ${assignments}, version = version + 1, updated_at = now() WHERE practice_id = $1 AND id = $2`,
      [note.practice_id, note.id, ...values],
    );
  }
}
