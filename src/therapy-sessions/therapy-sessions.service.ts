import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { CaseAccessService } from '../access/case-access.service';
import { ClientAccessService } from '../access/client-access.service';
import type { ClientNeed } from '../access/client-access';
import { WebhookOutbox } from '../webhooks/webhook-outbox';
import type { WebhookEventType } from '../webhooks/webhook-event-types';
import { AuditService } from '../audit/audit.service';
import { authorOf, type Caller, type StaffActor } from '../common/actor/actor';
import { touchActivity } from '../clients/client-writes';
import { rowsOfManager } from '../common/sql/query-rows';
import { SqlParams } from '../common/sql/sql-params';
import {
  etagOf,
  expectedVersion,
  PreconditionFailedProblem,
  type Versioned,
} from '../common/http/etag';
import { UnprocessableProblem } from '../common/problem/problem';
import { practiceSettingSql } from '../practices/practice-settings';
import { resolveParties } from '../parties/party';
import { assertApiClientBooking } from './api-client-booking';
import { assertClientInCase, recordCaseAttendance } from './case-sessions';
import { assertTimes, SessionBooking } from './session-booking';
import {
  CompleteSessionDto,
  RescheduleSessionDto,
  ScheduleSessionDto,
} from './dto/therapy-session.dto';
import { SESSION_ERRORS, SessionNotFoundError, SessionStatusError } from './session-errors';
import {
  SESSION_COLUMNS,
  toSessionView,
  type TherapySessionRow,
  type TherapySessionView,
} from './therapy-session.row';

export type VersionedSession = Versioned<TherapySessionView>;

/** Scheduling and the life of one therapy session. Access follows the session's client. */

/** The webhook each requested transition emits (a no-show has none yet). */
const SESSION_EVENTS: Record<string, WebhookEventType | undefined> = {
  cancelled: 'session.cancelled',
  completed: 'session.completed',
};

/** What a session event names: ids only. */
export function sessionIds(session: Pick<TherapySessionRow, 'practice_id' | 'client_id' | 'id'>) {
  return { practiceId: session.practice_id, clientId: session.client_id, sessionId: session.id };
}
@Injectable()
export class TherapySessionsService {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly access: ClientAccessService,
    private readonly cases: CaseAccessService,
    private readonly booking: SessionBooking,
    private readonly audit: AuditService,
    private readonly webhooks: WebhookOutbox,
  ) {}

  /** Staff, or an API client within {@link assertApiClientBooking}'s rules (its owner is `created_by`). */
  async schedule(actor: Caller, dto: ScheduleSessionDto): Promise<VersionedSession> {
    assertTimes(dto.startsAt, dto.endsAt);
    assertApiClientBooking(actor, dto);
    const staff = await this.booking.bookedStaff(actor, dto);
    return this.booking.withOverlapAnswer(actor.practiceId, staff, dto.startsAt, dto.endsAt, () =>
      this.txHost.withTransaction(async () => {
        await this.access.require(actor, dto.clientId, 'writeClinical', { forUpdate: true });
        if (dto.caseId && actor.kind === 'staff') {
          await this.cases.require(actor, dto.caseId, 'writeClinical');
          await assertClientInCase(this.txHost.tx, actor.practiceId, dto.caseId, dto.clientId);
        }
        const [row] = await this.txHost.tx.query<TherapySessionRow[]>(
          `WITH s AS (
             INSERT INTO therapy_sessions (practice_id, client_id, counselor_id, co_therapist_id, starts_at, ends_at,
                                           modality, setting, location, telehealth_url, created_by, case_id)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING *)
           SELECT ${SESSION_COLUMNS} FROM s`,
          [
            actor.practiceId,
            dto.clientId,
            staff[0],
            staff[1] ?? null,
            dto.startsAt,
            dto.endsAt,
            dto.modality,
            dto.setting,
            dto.location ?? null,
            dto.telehealthUrl ?? null,
            authorOf(actor),
            dto.caseId ?? null,
          ],
        );
        const session = row!;
        await this.audit.record({
          action: 'create',
          resourceType: 'therapy_session',
          resourceId: session.id,
          clientId: session.client_id,
        });
        await this.webhooks.emit('session.scheduled', sessionIds(session));
        return versioned(session);
      }),
    );
  }

  async get(actor: Caller, sessionId: string): Promise<VersionedSession> {
    const session = await this.load(actor, sessionId, 'readClinical');
    await this.audit.record({
      action: 'read',
      resourceType: 'therapy_session',
      resourceId: sessionId,
      clientId: session.client_id,
    });
    return versioned(session);
  }

  async reschedule(
    actor: Caller,
    sessionId: string,
    dto: RescheduleSessionDto,
    ifMatch?: string,
  ): Promise<VersionedSession> {
    assertTimes(dto.startsAt, dto.endsAt);
    const current = await this.load(actor, sessionId, 'writeClinical');
    const staff = [current.counselor_id, current.co_therapist_id].filter((id): id is string =>
      Boolean(id),
    );
    return this.booking.withOverlapAnswer(actor.practiceId, staff, dto.startsAt, dto.endsAt, () =>
      this.txHost.withTransaction(async () => {
        const session = await this.load(actor, sessionId, 'writeClinical', true);
        const expected = expectedVersion(ifMatch, sessionId, session.version) ?? session.version;
        if (session.status !== 'scheduled')
          throw new SessionStatusError(session.status, 'rescheduled');
        const updated = await this.update(
          actor.practiceId,
          sessionId,
          expected,
          `starts_at = $4, ends_at = $5`,
          [dto.startsAt, dto.endsAt],
        );
        await this.audit.record({
          action: 'update',
          resourceType: 'therapy_session',
          resourceId: sessionId,
          clientId: session.client_id,
          changedFields: ['startsAt', 'endsAt'],
        });
        await this.webhooks.emit('session.rescheduled', sessionIds(updated));
        return versioned(updated);
      }),
    );
  }

  /** A cancellation inside the practice's window (`cancellationWindowHours` before the start) is a late cancel. */
  cancel(actor: Caller, sessionId: string, reason: string): Promise<VersionedSession> {
    return this.transition(actor, sessionId, 'cancelled', async (session) => {
      if (session.status !== 'scheduled') throw new SessionStatusError(session.status, 'cancelled');
      return this.update(
        actor.practiceId,
        sessionId,
        session.version,
        `status = CASE WHEN now() > starts_at - make_interval(hours => (
             SELECT ${practiceSettingSql('cancellationWindowHours')} FROM practices p WHERE p.id = practice_id))
           THEN 'late_cancel' ELSE 'cancelled' END,
         cancel_reason = $4, cancelled_at = now(), cancelled_by = $5`,
        [reason.trim(), authorOf(actor)],
      );
    });
  }

  markNoShow(actor: StaffActor, sessionId: string): Promise<VersionedSession> {
    return this.transition(actor, sessionId, 'no_show', async (session) => {
      if (session.status !== 'scheduled')
        throw new SessionStatusError(session.status, 'marked as a no-show');
      if (session.starts_at.getTime() > Date.now()) {
        throw new UnprocessableProblem(
          SESSION_ERRORS.notStarted,
          'A session can be marked as a no-show only once it has started.',
        );
      }
      return this.update(actor.practiceId, sessionId, session.version, `status = 'no_show'`, []);
    });
  }

  complete(
    actor: StaffActor,
    sessionId: string,
    dto: CompleteSessionDto,
  ): Promise<VersionedSession> {
    return this.transition(actor, sessionId, 'completed', async (session) => {
      if (session.status !== 'scheduled') throw new SessionStatusError(session.status, 'completed');
      if (session.starts_at.getTime() > Date.now()) {
        throw new UnprocessableProblem(
          SESSION_ERRORS.notStarted,
          'A session can be completed only once it has started.',
        );
      }
      await this.recordAttendees(session, dto);
      await recordCaseAttendance(this.txHost.tx, session, dto);
      await touchActivity(rowsOfManager(this.txHost.tx), session.practice_id, session.client_id);
      return this.update(
        actor.practiceId,
        sessionId,
        session.version,
        `status = 'completed', completed_at = now()`,
        [],
      );
    });
  }

  /** Loads a session the caller may reach (`need` on its client), or 404 — audited either way by the access check. */
  async load(
    actor: Caller,
    sessionId: string,
    need: ClientNeed,
    forUpdate = false,
  ): Promise<TherapySessionRow> {
    const [found] = await this.txHost.tx.query<{ client_id: string; case_id: string | null }[]>(
      `SELECT client_id, case_id FROM therapy_sessions WHERE practice_id = $1 AND id = $2`,
      [actor.practiceId, sessionId],
    );
    if (!found) throw new SessionNotFoundError();
    // A session of a case is reached through its case (its care team sees the shared sessions and
    // their notes), through the chart of a client who came, or through its client's chart, whose
    // check records a denial. An API client reaches sessions through its caseload's charts only.
    const shared =
      found.case_id &&
      actor.kind === 'staff' &&
      ((await this.cases.reaches(actor, found.case_id, need)) ||
        (await this.reachesAttendingClient(actor, sessionId, need)));
    if (!shared) await this.access.require(actor, found.client_id, need);
    const [row] = await this.txHost.tx.query<TherapySessionRow[]>(
      `SELECT ${SESSION_COLUMNS} FROM therapy_sessions s WHERE s.practice_id = $1 AND s.id = $2 ${forUpdate ? 'FOR UPDATE OF s' : ''}`,
      [actor.practiceId, sessionId],
    );
    if (!row) throw new SessionNotFoundError();
    return row;
  }

  /** Whether the caller reaches the chart of a client who came to this joint session. */
  private async reachesAttendingClient(
    actor: StaffActor,
    sessionId: string,
    need: ClientNeed,
  ): Promise<boolean> {
    const params = new SqlParams();
    const practice = params.add(actor.practiceId);
    const session = params.add(sessionId);
    const [row] = await this.txHost.tx.query<{ reaches: boolean }[]>(
      `SELECT EXISTS (SELECT 1 FROM session_case_attendees a
          JOIN clients c ON c.practice_id = a.practice_id AND c.person_id = a.person_id
         WHERE a.practice_id = ${practice} AND a.session_id = ${session}
           AND a.attendance IN ('attended', 'late') AND c.status <> 'entered_in_error'
           AND ${this.access.scope(actor, params, need)}) AS reaches`,
      params.values,
    );
    return row?.reaches ?? false;
  }

  private async transition(
    actor: Caller,
    sessionId: string,
    to: string,
    apply: (session: TherapySessionRow) => Promise<TherapySessionRow>,
  ): Promise<VersionedSession> {
    return this.txHost.withTransaction(async () => {
      const session = await this.load(actor, sessionId, 'writeClinical', true);
      const updated = await apply(session);
      await this.audit.record({
        action: 'status_change',
        resourceType: 'therapy_session',
        resourceId: sessionId,
        clientId: session.client_id,
        changedFields: ['status'],
        metadata: { from: session.status, to: updated.status, requested: to },
      });
      const event = SESSION_EVENTS[to];
      if (event) await this.webhooks.emit(event, sessionIds(updated));
      return versioned(updated);
    });
  }

  private async update(
    practiceId: string,
    sessionId: string,
    expected: number,
    assignments: string,
    values: unknown[],
  ): Promise<TherapySessionRow> {
    // A data-modifying CTE under a SELECT: TypeORM returns plain rows (not [rows, count]).
    const [row] = await this.txHost.tx.query<TherapySessionRow[]>(
      `WITH s AS (
         UPDATE therapy_sessions SET ${assignments}, version = version + 1, updated_at = now()
          WHERE practice_id = $1 AND id = $2 AND version = $3 RETURNING *)
       SELECT ${SESSION_COLUMNS} FROM s`,
      [practiceId, sessionId, expected, ...values],
    );
    if (!row) throw new PreconditionFailedProblem();
    return row;
  }

  private async recordAttendees(
    session: TherapySessionRow,
    dto: CompleteSessionDto,
  ): Promise<void> {
    const parties = await resolveParties(
      this.txHost.tx,
      session.practice_id,
      session.client_id,
      dto.attendees,
      'attendees',
    );
    await this.txHost.tx.query(
      `INSERT INTO session_attendees (practice_id, session_id, client_id, family_member_id)
       SELECT $1, $2, $3, member FROM unnest($4::uuid[]) AS member`,
      [session.practice_id, session.id, session.client_id, parties],
    );
  }
}

function versioned(row: TherapySessionRow): VersionedSession {
  return { view: toSessionView(row), etag: etagOf(row.id, row.version) };
}
