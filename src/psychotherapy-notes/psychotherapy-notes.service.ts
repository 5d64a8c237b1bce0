import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import type { AccessVia } from '../access/client-access';
import { ClientAccessService, ClientNotFoundError } from '../access/client-access.service';
import { AuditService } from '../audit/audit.service';
import type { StaffActor } from '../common/actor/actor';
import {
  etagOf,
  expectedVersion,
  PreconditionFailedProblem,
  type Versioned,
} from '../common/http/etag';
import { IdempotencyService } from '../common/idempotency/idempotency.service';
import {
  DEFAULT_PAGE_SIZE,
  decodeCursor,
  PageQueryDto,
  toPage,
  type Page,
} from '../common/pagination/cursor';
import { NotFoundProblem, UnprocessableProblem } from '../common/problem/problem';
import { SqlParams } from '../common/sql/sql-params';
import { providedFields } from '../common/validation/transforms';
import { PSYCHOTHERAPY_NOTE_ERRORS } from './psychotherapy-note-errors';
import {
  CreatePsychotherapyNoteDto,
  PsychotherapyNoteView,
  UpdatePsychotherapyNoteDto,
} from './psychotherapy-note.dto';
import {
  noteColumns as columns,
  PSYCHOTHERAPY_NOTE_COLUMNS as SELECT,
  type NoteRow,
} from './psychotherapy-note.row';

export class PsychotherapyNoteNotFoundError extends NotFoundProblem {
  constructor() {
    super('The psychotherapy note');
  }
}

export type VersionedNote = Versioned<PsychotherapyNoteView>;

type Need = 'read' | 'write';

/**
 * Psychotherapy (process) notes: kept apart from the clinical record and reachable by their author
 * alone — not by a supervisor, not by an admin, whatever the practice settings. The author must
 * still reach the client clinically. Anyone else is answered 404, as if the note did not exist,
 * and the attempt is audited. Audit events name the note and its client, never its text. These
 * notes are excluded from every export: nothing outside this service reads `psychotherapy_notes`.
 */
@Injectable()
export class PsychotherapyNotesService {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly access: ClientAccessService,
    private readonly audit: AuditService,
    private readonly idempotency: IdempotencyService,
  ) {}

  create(
    actor: StaffActor,
    clientId: string,
    dto: CreatePsychotherapyNoteDto,
    key?: string,
  ): Promise<VersionedNote & { replayed: boolean }> {
    return this.txHost.withTransaction(async () => {
      let inserted: NoteRow | undefined;
      // Only the id is kept for a replay: the note's text must not be copied into idempotency_keys.
      const created = await this.idempotency.run(actor, key, { clientId, ...dto }, async () => {
        await this.access.require(actor, clientId, 'writeClinical');
        if (dto.sessionId) await this.assertSessionOf(actor.practiceId, clientId, dto.sessionId);
        const [row] = await this.txHost.tx.query<NoteRow[]>(
          `INSERT INTO psychotherapy_notes AS n (practice_id, client_id, session_id, author_id, text)
           VALUES ($1, $2, $3, $4, $5) RETURNING ${SELECT}`,
          [actor.practiceId, clientId, dto.sessionId ?? null, actor.id, dto.text.trim()],
        );
        inserted = row!;
        await this.audit.record({
          action: 'create',
          resourceType: 'psychotherapy_note',
          resourceId: row!.id,
          clientId,
          changedFields: providedFields(dto),
        });
        return { body: { id: row!.id } };
      });
      if (inserted) return { ...versioned(inserted), replayed: false };
      // A replay discloses the note again: same checks and audit as a read.
      const note = await this.ownNote(actor, created.body.id, 'read');
      const via = await this.requireClient(actor, note, 'readClinical');
      await this.audit.record({
        action: 'read',
        resourceType: 'psychotherapy_note',
        resourceId: note.id,
        clientId: note.client_id,
        metadata: { via, idempotentReplay: true },
      });
      return { ...versioned(note), replayed: true };
    });
  }

  async list(
    actor: StaffActor,
    clientId: string,
    query: PageQueryDto,
  ): Promise<Page<PsychotherapyNoteView>> {
    const { via } = await this.access.require(actor, clientId, 'readClinical');
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    const params = new SqlParams();
    // The author filter is the access rule itself: a list can never show another clinician's note.
    const where = [
      `n.practice_id = ${params.add(actor.practiceId)}`,
      `n.author_id = ${params.add(actor.id)}`,
      `n.client_id = ${params.add(clientId)}`,
    ];
    if (query.cursor) {
      const [at, id] = decodeCursor(query.cursor, 2);
      where.push(
        `(n.created_at, n.id) < (${params.add(at)}::timestamptz, ${params.add(id)}::uuid)`,
      );
    }
    const rows = await this.txHost.tx.query<NoteRow[]>(
      `SELECT ${SELECT} FROM psychotherapy_notes n WHERE ${where.join(' AND ')}
        ORDER BY n.created_at DESC, n.id DESC LIMIT ${params.add(limit + 1)}`,
      params.values,
    );
    const page = toPage(rows, limit, (row) => [row.cursor_key, row.id]);
    await this.audit.record({
      action: 'list',
      resourceType: 'psychotherapy_note',
      clientId,
      metadata: { count: page.data.length, via },
    });
    return { data: page.data.map(toView), nextCursor: page.nextCursor };
  }

  async get(actor: StaffActor, noteId: string): Promise<VersionedNote> {
    const note = await this.ownNote(actor, noteId, 'read');
    const via = await this.requireClient(actor, note, 'readClinical');
    await this.audit.record({
      action: 'read',
      resourceType: 'psychotherapy_note',
      resourceId: noteId,
      clientId: note.client_id,
      metadata: { via },
    });
    return versioned(note);
  }

  update(
    actor: StaffActor,
    noteId: string,
    dto: UpdatePsychotherapyNoteDto,
    ifMatch?: string,
  ): Promise<VersionedNote> {
    return this.txHost.withTransaction(async () => {
      const current = await this.ownNote(actor, noteId, 'write');
      const via = await this.requireClient(actor, current, 'writeClinical');
      const expected = expectedVersion(ifMatch, noteId, current.version) ?? current.version;
      const text = dto.text?.trim();
      const changed: (keyof UpdatePsychotherapyNoteDto)[] = [];
      if (text !== undefined && text !== current.text) changed.push('text');
      if (dto.sessionId !== undefined && dto.sessionId !== current.session_id) {
        if (dto.sessionId !== null)
          await this.assertSessionOf(actor.practiceId, current.client_id, dto.sessionId);
        changed.push('sessionId');
      }
      if (changed.length === 0) return versioned(current);
      const [[row]] = await this.txHost.tx.query<[NoteRow[], number]>(
        `UPDATE psychotherapy_notes n
            SET text = coalesce($5, n.text),
                session_id = CASE WHEN $6 THEN $7::uuid ELSE n.session_id END,
                version = n.version + 1, updated_at = now()
          WHERE n.practice_id = $1 AND n.id = $2 AND n.author_id = $3 AND n.version = $4
          RETURNING ${SELECT}`,
        [
          actor.practiceId,
          noteId,
          actor.id,
          expected,
          changed.includes('text') ? text : null,
          changed.includes('sessionId'),
          dto.sessionId ?? null,
        ],
      );
      if (!row) throw new PreconditionFailedProblem();
      await this.audit.record({
        action: 'update',
        resourceType: 'psychotherapy_note',
        resourceId: noteId,
        clientId: row.client_id,
        changedFields: changed,
        metadata: { via },
      });
      return versioned(row);
    });
  }

  /**
   * The caller's own note, or an audited 404. Another clinician's note is indistinguishable from
   * one that does not exist, and its text never leaves the database.
   */
  private async ownNote(actor: StaffActor, noteId: string, need: Need): Promise<NoteRow> {
    const [row] = await this.txHost.tx.query<(NoteRow & { own: boolean })[]>(
      `SELECT ${columns('CASE WHEN n.author_id = $3 THEN n.text END')},
              n.author_id = $3 AS own
         FROM psychotherapy_notes n WHERE n.practice_id = $1 AND n.id = $2`,
      [actor.practiceId, noteId, actor.id],
    );
    if (!row?.own) return this.deny(noteId, row?.client_id ?? null, need);
    const { own: _own, ...note } = row;
    return note;
  }

  /** The author must still reach the client clinically (removed from the care team: 404). */
  private async requireClient(
    actor: StaffActor,
    note: NoteRow,
    need: 'readClinical' | 'writeClinical',
  ): Promise<AccessVia> {
    try {
      return (await this.access.require(actor, note.client_id, need)).via;
    } catch (error) {
      if (!(error instanceof ClientNotFoundError)) throw error;
      return this.deny(note.id, note.client_id, need === 'readClinical' ? 'read' : 'write');
    }
  }

  private deny(noteId: string, clientId: string | null, need: Need): Promise<never> {
    return this.audit.denyAsNotFound(
      { resourceType: 'psychotherapy_note', resourceId: noteId, clientId, metadata: { need } },
      new PsychotherapyNoteNotFoundError(),
    );
  }

  private async assertSessionOf(
    practiceId: string,
    clientId: string,
    sessionId: string,
  ): Promise<void> {
    const [session] = await this.txHost.tx.query<unknown[]>(
      `SELECT 1 FROM therapy_sessions WHERE practice_id = $1 AND client_id = $2 AND id = $3`,
      [practiceId, clientId, sessionId],
    );
    if (!session) {
      throw new UnprocessableProblem(
        PSYCHOTHERAPY_NOTE_ERRORS.sessionNotOfClient,
        'The session given is not one of this client’s sessions.',
        [{ field: 'sessionId', message: 'must be a session of this client' }],
      );
    }
  }
}

function versioned(row: NoteRow): VersionedNote {
  return { view: toView(row), etag: etagOf(row.id, row.version) };
}

function toView(row: NoteRow): PsychotherapyNoteView {
  return {
    id: row.id,
    clientId: row.client_id,
    sessionId: row.session_id,
    authorId: row.author_id,
    text: row.text,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}
