import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { AuditService } from '../audit/audit.service';
import type { StaffActor } from '../common/actor/actor';
import { planAttendees } from './case-sessions';
import {
  ChangeSeriesAttendeesDto,
  EndSeriesDto,
  MoveSeriesDto,
  SeriesAttendeesView,
  SeriesEndView,
  SeriesMoveView,
} from './dto/series-change.dto';
import { SessionNotFoundError, SessionOverlapError } from './session-errors';
import { SESSION_COLUMNS, toSessionView, type TherapySessionRow } from './therapy-session.row';
import { assertTimes } from './session-booking';
import { TherapySessionsService } from './therapy-sessions.service';

interface Planned {
  id: string;
  client_id: string;
  staff: string[];
  starts_at: Date;
  ends_at: Date;
}

/**
 * A series as a whole, from a date on: end it (its scheduled occurrences are cancelled), or move
 * every occurrence by the shift of the first one, in wall-clock time of the practice. A move with
 * a conflict is refused whole (409 listing each) unless `skipConflicts` moves the free ones; or
 * change who is invited to its occurrences.
 */
@Injectable()
export class SeriesChangesService {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly sessions: TherapySessionsService,
    private readonly audit: AuditService,
  ) {}

  end(actor: StaffActor, seriesId: string, dto: EndSeriesDto): Promise<SeriesEndView> {
    return this.txHost.withTransaction(async () => {
      await this.requireSeries(actor, seriesId);
      const rows = await this.txHost.tx.query<TherapySessionRow[]>(
        `WITH s AS (
           UPDATE therapy_sessions SET status = 'cancelled', cancel_reason = 'series ended', cancelled_at = now(),
                  cancelled_by = $4, version = version + 1, updated_at = now()
            WHERE practice_id = $1 AND series_id = $2 AND starts_at >= $3 AND status = 'scheduled' RETURNING *)
         SELECT ${SESSION_COLUMNS} FROM s ORDER BY s.starts_at`,
        [actor.practiceId, seriesId, dto.from, actor.id],
      );
      await this.audit.recordMany(
        rows.map((row) => ({
          action: 'status_change' as const,
          resourceType: 'therapy_session',
          resourceId: row.id,
          clientId: row.client_id,
          metadata: { seriesId, to: 'cancelled', reason: 'series_ended' },
        })),
      );
      return { cancelled: rows.map(toSessionView) };
    });
  }

  move(actor: StaffActor, seriesId: string, dto: MoveSeriesDto): Promise<SeriesMoveView> {
    assertTimes(dto.startsAt, dto.endsAt);
    return this.txHost.withTransaction(async () => {
      await this.requireSeries(actor, seriesId);
      await this.txHost.tx.query(
        `SELECT id FROM therapy_sessions
          WHERE practice_id = $1 AND series_id = $2 AND starts_at >= $3 AND status = 'scheduled' FOR UPDATE`,
        [actor.practiceId, seriesId, dto.from],
      );
      const planned = await this.txHost.tx.query<Planned[]>(
        `WITH mine AS (
           SELECT s.*, first_value(s.starts_at) OVER (ORDER BY s.starts_at) AS first_start
             FROM therapy_sessions s
            WHERE s.practice_id = $1 AND s.series_id = $2 AND s.starts_at >= $3 AND s.status = 'scheduled')
         SELECT m.id, m.client_id, array_remove(ARRAY[m.counselor_id, m.co_therapist_id], NULL) AS staff, t.starts_at,
                t.starts_at + ($5::timestamptz - $4::timestamptz) AS ends_at
           FROM mine m JOIN practices p ON p.id = m.practice_id,
                LATERAL (SELECT (((m.starts_at AT TIME ZONE p.time_zone)
                                  + (($4::timestamptz AT TIME ZONE p.time_zone) - (m.first_start AT TIME ZONE p.time_zone)))
                                 AT TIME ZONE p.time_zone) AS starts_at) t
          ORDER BY m.starts_at`,
        [actor.practiceId, seriesId, dto.from, dto.startsAt, dto.endsAt],
      );
      if (planned.length === 0) throw new SessionNotFoundError();
      const conflicts = await this.txHost.tx.query<
        { id: string; starts_at: Date; conflicting: string }[]
      >(
        `SELECT DISTINCT ON (o.id) o.id, o.starts_at, b.session_id AS conflicting
           FROM jsonb_to_recordset($1::jsonb) AS o(id uuid, staff uuid[], starts_at timestamptz, ends_at timestamptz)
           JOIN session_staff_bookings b ON b.practice_id = $2 AND b.staff_id = ANY(o.staff)
                                        AND b.time_range && tstzrange(o.starts_at, o.ends_at, '[)')
          WHERE b.session_id <> ALL($3::uuid[])
          ORDER BY o.id, lower(b.time_range)`,
        [JSON.stringify(planned), actor.practiceId, planned.map((p) => p.id)],
      );
      const report = conflicts
        .map((c) => ({
          sessionId: c.id,
          startsAt: c.starts_at.toISOString(),
          conflictingSessionId: c.conflicting,
        }))
        .sort((a, b) => a.startsAt.localeCompare(b.startsAt));
      const free = planned.filter((p) => !report.some((c) => c.sessionId === p.id));
      if (report.length > 0 && (!dto.skipConflicts || free.length === 0)) {
        throw new SessionOverlapError(report[0]!.conflictingSessionId, { conflicts: report });
      }
      // Latest first when moving later (earliest first when earlier), so that no occurrence lands
      // on a sibling's slot that has not moved yet.
      const later = Date.parse(dto.startsAt) > planned[0]!.starts_at.getTime();
      const order = later ? [...free].reverse() : free;
      const moved: TherapySessionRow[] = [];
      for (const occurrence of order) {
        const [row] = await this.txHost.tx.query<TherapySessionRow[]>(
          `WITH s AS (
             UPDATE therapy_sessions SET starts_at = $3, ends_at = $4, version = version + 1, updated_at = now()
              WHERE practice_id = $1 AND id = $2 RETURNING *)
           SELECT ${SESSION_COLUMNS} FROM s`,
          [actor.practiceId, occurrence.id, occurrence.starts_at, occurrence.ends_at],
        );
        moved.push(row!);
      }
      moved.sort((a, b) => a.starts_at.getTime() - b.starts_at.getTime());
      await this.audit.recordMany(
        moved.map((row) => ({
          action: 'update' as const,
          resourceType: 'therapy_session',
          resourceId: row.id,
          clientId: row.client_id,
          changedFields: ['startsAt', 'endsAt'],
          metadata: { seriesId },
        })),
      );
      return { moved: moved.map(toSessionView), conflicts: report };
    });
  }

  /**
   * Sets who is invited to every scheduled occurrence from `from` on (never one already past):
   * completed and cancelled occurrences keep the attendance they recorded.
   */
  changeAttendees(
    actor: StaffActor,
    seriesId: string,
    dto: ChangeSeriesAttendeesDto,
  ): Promise<SeriesAttendeesView> {
    return this.txHost.withTransaction(async () => {
      await this.requireSeries(actor, seriesId);
      const rows = await this.txHost.tx.query<TherapySessionRow[]>(
        `WITH s AS (
           UPDATE therapy_sessions SET version = version + 1, updated_at = now()
            WHERE practice_id = $1 AND series_id = $2 AND starts_at >= greatest($3::timestamptz, now())
              AND status = 'scheduled' RETURNING *)
         SELECT ${SESSION_COLUMNS} FROM s ORDER BY s.starts_at`,
        [actor.practiceId, seriesId, dto.from],
      );
      await planAttendees(this.txHost.tx, actor.practiceId, rows, dto);
      await this.audit.recordMany(
        rows.map((row) => ({
          action: 'update' as const,
          resourceType: 'therapy_session',
          resourceId: row.id,
          clientId: row.client_id,
          changedFields: ['caseAttendees', 'otherAttendees'],
          metadata: {
            seriesId,
            caseAttendees: dto.caseAttendees.length,
            otherAttendees: dto.otherAttendees.length,
          },
        })),
      );
      return {
        sessions: rows.map(toSessionView),
        caseAttendees: dto.caseAttendees.map(({ personId }) => ({ personId })),
        otherAttendees: dto.otherAttendees.map(({ name, role }) => ({ name: name.trim(), role })),
      };
    });
  }

  /** The series' client must be reachable for clinical writes; an unknown series is a 404. */
  private async requireSeries(actor: StaffActor, seriesId: string): Promise<void> {
    const [row] = await this.txHost.tx.query<{ id: string }[]>(
      `SELECT id FROM therapy_sessions WHERE practice_id = $1 AND series_id = $2 ORDER BY starts_at LIMIT 1`,
      [actor.practiceId, seriesId],
    );
    if (!row) throw new SessionNotFoundError();
    await this.sessions.load(actor, row.id, 'writeClinical');
  }
}
