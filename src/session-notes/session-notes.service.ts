import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { AuditService } from '../audit/audit.service';
import type { Caller, StaffActor } from '../common/actor/actor';
import {
  etagOf,
  expectedVersion,
  PreconditionFailedProblem,
  type Versioned,
} from '../common/http/etag';
import { describeConstraint } from '../common/problem/database-errors';
import {
  ConflictProblem,
  ForbiddenProblem,
  NotFoundProblem,
  UnprocessableProblem,
} from '../common/problem/problem';
import { providedFields } from '../common/validation/transforms';
import { TherapySessionsService } from '../therapy-sessions/therapy-sessions.service';
import { assertContentShape } from './note-format';
import { SESSION_NOTE_ERRORS } from './session-note-errors';
import { CreateSessionNoteDto, SessionNoteView, UpdateSessionNoteDto } from './session-note.dto';
import { NOTE_COLUMNS, toNoteView, type SessionNoteRow } from './session-note.row';

describeConstraint('uq_session_notes_session', {
  problem: SESSION_NOTE_ERRORS.noteExists,
  detail: 'This session already has a note.',
});

export type VersionedNote = Versioned<SessionNoteView>;

export class NoteLockedError extends ConflictProblem {
  constructor(status: string) {
    super(
      SESSION_NOTE_ERRORS.noteLocked,
      `The note is ${status.replace('_', ' ')}: it can no longer be edited. Add an addendum instead.`,
      {
        currentStatus: status,
      },
    );
  }
}

/** Writing a session's note: one per completed session, by the session's counselor or co-therapist. */
@Injectable()
export class SessionNotesService {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly sessions: TherapySessionsService,
    private readonly audit: AuditService,
  ) {}

  create(actor: StaffActor, sessionId: string, dto: CreateSessionNoteDto): Promise<VersionedNote> {
    return this.txHost.withTransaction(async () => {
      const session = await this.sessions.load(actor, sessionId, 'writeClinical', true);
      if (session.status !== 'completed') {
        throw new UnprocessableProblem(
          SESSION_NOTE_ERRORS.sessionNotCompleted,
          'A note is written for a completed session.',
        );
      }
      if (actor.id !== session.counselor_id && actor.id !== session.co_therapist_id) {
        throw new ForbiddenProblem(
          'The note is written by the session’s counselor or co-therapist.',
        );
      }
      assertContentShape(dto.format, dto.content ?? {});
      const [row] = await this.txHost.tx.query<SessionNoteRow[]>(
        `WITH n AS (
           INSERT INTO session_notes (practice_id, client_id, session_id, author_id, format, content, goals_addressed,
                                      interventions, risk_level, risk_plan)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING *)
         SELECT ${NOTE_COLUMNS} FROM n`,
        [
          actor.practiceId,
          session.client_id,
          sessionId,
          actor.id,
          dto.format,
          dto.content ?? {},
          dto.goalsAddressed ?? [],
          dto.interventions ?? [],
          dto.riskLevel ?? null,
          dto.riskPlan ?? null,
        ],
      );
      await this.audit.record({
        action: 'create',
        resourceType: 'session_note',
        resourceId: row!.id,
        clientId: session.client_id,
        changedFields: providedFields(dto),
      });
      return versioned(row!);
    });
  }

  async get(actor: Caller, sessionId: string): Promise<VersionedNote> {
    const note = await this.load(actor, sessionId, 'readClinical');
    await this.audit.record({
      action: 'read',
      resourceType: 'session_note',
      resourceId: note.id,
      clientId: note.client_id,
    });
    return versioned(note);
  }

  /** Saves a draft (or a returned note). If-Match keeps two edits from overwriting each other. */
  update(
    actor: StaffActor,
    sessionId: string,
    dto: UpdateSessionNoteDto,
    ifMatch?: string,
  ): Promise<VersionedNote> {
    return this.txHost.withTransaction(async () => {
      const note = await this.load(actor, sessionId, 'writeClinical', true);
      const expected = expectedVersion(ifMatch, note.id, note.version) ?? note.version;
      assertAuthor(actor, note);
      if (note.status !== 'draft' && note.status !== 'returned')
        throw new NoteLockedError(note.status);
      const format = dto.format ?? note.format;
      const content = {
        ...(dto.format && dto.format !== note.format ? {} : note.content),
        ...dto.content,
      };
      assertContentShape(format, content);
      const changed = providedFields(dto);
      const [[row]] = await this.txHost.tx.query<[SessionNoteRow[], number]>(
        `UPDATE session_notes SET format = $4, content = $5, goals_addressed = coalesce($6, goals_addressed),
                interventions = coalesce($7, interventions),
                risk_level = CASE WHEN $8 THEN $9 ELSE risk_level END,
                risk_plan = CASE WHEN $10 THEN $11 ELSE risk_plan END,
                version = version + 1, updated_at = now()
          WHERE practice_id = $1 AND id = $2 AND version = $3 RETURNING id`,
        [
          actor.practiceId,
          note.id,
          expected,
          format,
          content,
          dto.goalsAddressed ?? null,
          dto.interventions ?? null,
          dto.riskLevel !== undefined,
          dto.riskLevel ?? null,
          dto.riskPlan !== undefined,
          dto.riskPlan ?? null,
        ],
      );
      if (!row) throw new PreconditionFailedProblem();
      await this.audit.record({
        action: 'update',
        resourceType: 'session_note',
        resourceId: note.id,
        clientId: note.client_id,
        changedFields: changed,
      });
      return versioned(await this.load(actor, sessionId, 'writeClinical'));
    });
  }

  /** The note of a session the caller may reach (`need` on its client), or 404. */
  async load(
    actor: Caller,
    sessionId: string,
    need: 'readClinical' | 'writeClinical',
    forUpdate = false,
  ): Promise<SessionNoteRow> {
    await this.sessions.load(actor, sessionId, need);
    const [note] = await this.txHost.tx.query<SessionNoteRow[]>(
      `SELECT ${NOTE_COLUMNS} FROM session_notes n WHERE n.practice_id = $1 AND n.session_id = $2 ${forUpdate ? 'FOR UPDATE OF n' : ''}`,
      [actor.practiceId, sessionId],
    );
    if (!note) throw new NotFoundProblem('The session note');
    return note;
  }
}

export function assertAuthor(actor: StaffActor, note: SessionNoteRow): void {
  if (note.author_id !== actor.id)
    throw new ForbiddenProblem('Only the note’s author can change or sign it.');
}

export function versioned(row: SessionNoteRow): VersionedNote {
  return { view: toNoteView(row), etag: etagOf(row.id, row.version) };
}
