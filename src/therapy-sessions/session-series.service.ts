import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { CaseAccessService } from '../access/case-access.service';
import { ClientAccessService } from '../access/client-access.service';
import { WebhookOutbox } from '../webhooks/webhook-outbox';
import { AuditService } from '../audit/audit.service';
import type { StaffActor } from '../common/actor/actor';
import { UnprocessableProblem } from '../common/problem/problem';
import { assertClientInCase } from './case-sessions';
import { ScheduleSeriesDto, SeriesView } from './dto/therapy-session.dto';
import { SESSION_ERRORS, SessionOverlapError } from './session-errors';
import { SESSION_COLUMNS, toSessionView, type TherapySessionRow } from './therapy-session.row';
import { assertTimes, SessionBooking } from './session-booking';
import { sessionIds } from './therapy-sessions.service';

const MAX_OCCURRENCES = 52;

interface Occurrence {
  i: number;
  starts_at: Date;
  ends_at: Date;
}

/**
 * Recurring sessions: weekly or every two weeks, until a date or for a count. Each occurrence is a
 * session of its own. Occurrences keep their wall-clock time in the practice's time zone (a 17:00
 * session stays at 17:00 across a daylight-saving change).
 */
@Injectable()
export class SessionSeriesService {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly access: ClientAccessService,
    private readonly cases: CaseAccessService,
    private readonly booking: SessionBooking,
    private readonly audit: AuditService,
    private readonly webhooks: WebhookOutbox,
  ) {}

  async schedule(actor: StaffActor, dto: ScheduleSeriesDto): Promise<SeriesView> {
    assertTimes(dto.startsAt, dto.endsAt);
    const { frequency, count, until } = dto.recurrence;
    if (!count && !until) {
      throw new UnprocessableProblem(
        SESSION_ERRORS.recurrenceUnbounded,
        'A series needs a count or an end date.',
        [{ field: 'recurrence', message: 'needs count or until' }],
      );
    }
    const staff = await this.booking.bookedStaff(actor, dto);
    return this.booking.withOverlapAnswer(actor.practiceId, staff, dto.startsAt, dto.endsAt, () =>
      this.txHost.withTransaction(async () => {
        await this.access.require(actor, dto.clientId, 'writeClinical', { forUpdate: true });
        if (dto.caseId) {
          await this.cases.require(actor, dto.caseId, 'writeClinical');
          await assertClientInCase(this.txHost.tx, actor.practiceId, dto.caseId, dto.clientId);
        }
        const occurrences = await this.txHost.tx.query<Occurrence[]>(
          `SELECT i, ((($1::timestamptz AT TIME ZONE p.time_zone) + make_interval(days => i * $3)) AT TIME ZONE p.time_zone) AS starts_at,
                     ((($2::timestamptz AT TIME ZONE p.time_zone) + make_interval(days => i * $3)) AT TIME ZONE p.time_zone) AS ends_at
             FROM practices p CROSS JOIN generate_series(0, $4::int - 1) AS i
            WHERE p.id = $5
              AND ($6::date IS NULL OR (($1::timestamptz AT TIME ZONE p.time_zone) + make_interval(days => i * $3))::date <= $6::date)
            ORDER BY i`,
          [
            dto.startsAt,
            dto.endsAt,
            frequency === 'weekly' ? 7 : 14,
            count ?? MAX_OCCURRENCES,
            actor.practiceId,
            until ?? null,
          ],
        );
        if (occurrences.length === 0) {
          throw new UnprocessableProblem(
            SESSION_ERRORS.recurrenceEmpty,
            'The series ends before its first session.',
            [{ field: 'recurrence.until', message: 'is before the first session' }],
          );
        }
        const conflicts = await this.txHost.tx.query<{ i: number; session_id: string }[]>(
          `SELECT DISTINCT ON (o.i) o.i, b.session_id
             FROM unnest($1::int[], $2::timestamptz[], $3::timestamptz[]) AS o(i, starts_at, ends_at)
             JOIN session_staff_bookings b ON b.practice_id = $4 AND b.staff_id = ANY($5)
                                          AND b.time_range && tstzrange(o.starts_at, o.ends_at, '[)')
            ORDER BY o.i, lower(b.time_range)`,
          [
            occurrences.map((o) => o.i),
            occurrences.map((o) => o.starts_at),
            occurrences.map((o) => o.ends_at),
            actor.practiceId,
            staff,
          ],
        );
        const conflictOf = new Map(conflicts.map((conflict) => [conflict.i, conflict.session_id]));
        const skipped = occurrences
          .filter((o) => conflictOf.has(o.i))
          .map((o) => ({
            startsAt: o.starts_at.toISOString(),
            conflictingSessionId: conflictOf.get(o.i)!,
          }));
        const free = occurrences.filter((o) => !conflictOf.has(o.i));
        if (skipped.length > 0 && (!dto.skipConflicts || free.length === 0)) {
          throw new SessionOverlapError(skipped[0]!.conflictingSessionId, { conflicts: skipped });
        }
        const seriesId = randomUUID();
        const rows = await this.txHost.tx.query<TherapySessionRow[]>(
          `WITH s AS (
             INSERT INTO therapy_sessions (practice_id, client_id, counselor_id, co_therapist_id, series_id, starts_at, ends_at,
                                           modality, setting, location, telehealth_url, created_by, case_id)
             SELECT $1, $2, $3, $4, $5, o.starts_at, o.ends_at, $8, $9, $10, $11, $12, $13
               FROM unnest($6::timestamptz[], $7::timestamptz[]) AS o(starts_at, ends_at)
             RETURNING *)
           SELECT ${SESSION_COLUMNS} FROM s ORDER BY s.starts_at`,
          [
            actor.practiceId,
            dto.clientId,
            staff[0],
            staff[1] ?? null,
            seriesId,
            free.map((o) => o.starts_at),
            free.map((o) => o.ends_at),
            dto.modality,
            dto.setting,
            dto.location ?? null,
            dto.telehealthUrl ?? null,
            actor.id,
            dto.caseId ?? null,
          ],
        );
        await this.audit.recordMany(
          rows.map((row) => ({
            action: 'create' as const,
            resourceType: 'therapy_session',
            resourceId: row.id,
            clientId: row.client_id,
            metadata: { seriesId },
          })),
        );
        await this.webhooks.emitMany('session.scheduled', rows.map(sessionIds));
        return { seriesId, sessions: rows.map(toSessionView), skipped };
      }),
    );
  }
}
