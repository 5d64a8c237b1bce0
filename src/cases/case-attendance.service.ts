import { Injectable } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { CaseAccessService } from '../access/case-access.service';
import { AuditService } from '../audit/audit.service';
import type { StaffActor } from '../common/actor/actor';

export class MemberAttendanceView {
  @ApiProperty({ format: 'uuid' }) personId!: string;
  @ApiPropertyOptional({ format: 'uuid', nullable: true, type: String }) clientId!: string | null;
  @ApiProperty({ description: 'Completed sessions of the case' }) sessions!: number;
  @ApiProperty({ description: 'Of those, attended (on time or late)' }) attended!: number;
  @ApiProperty() late!: number;
  @ApiProperty() absent!: number;
  @ApiPropertyOptional({ nullable: true, type: Number, description: 'attended / sessions' })
  rate!: number | null;
}

export class SessionAttendanceView {
  @ApiProperty({ format: 'uuid' }) sessionId!: string;
  @ApiProperty({ format: 'date-time' }) startsAt!: string;
  @ApiProperty({ description: '{ personId, attendance } per person of the case recorded' })
  attendees!: { personId: string; attendance: string }[];
  @ApiProperty({ description: '{ name, role, attendance } per other attendee' })
  otherAttendees!: { name: string; role: string; attendance: string }[];
}

export class CaseAttendanceView {
  @ApiProperty({ type: [MemberAttendanceView] }) members!: MemberAttendanceView[];
  @ApiProperty({ type: [SessionAttendanceView] }) sessions!: SessionAttendanceView[];
}

/** Who came to what in a case, and each member's attendance rate over its completed sessions. */
@Injectable()
export class CaseAttendanceService {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly access: CaseAccessService,
    private readonly audit: AuditService,
  ) {}

  async get(actor: StaffActor, caseId: string): Promise<CaseAttendanceView> {
    await this.access.require(actor, caseId, 'readClinical');
    const members = await this.txHost.tx.query<MemberAttendanceView[]>(
      `WITH done AS (SELECT id FROM therapy_sessions
                      WHERE practice_id = $1 AND case_id = $2 AND status = 'completed')
       SELECT m.person_id AS "personId", c.id AS "clientId",
              (SELECT count(*)::int FROM done) AS sessions,
              count(a.*) FILTER (WHERE a.attendance IN ('attended', 'late'))::int AS attended,
              count(a.*) FILTER (WHERE a.attendance = 'late')::int AS late,
              count(a.*) FILTER (WHERE a.attendance = 'absent')::int AS absent
         FROM case_members m
         LEFT JOIN clients c ON c.practice_id = m.practice_id AND c.person_id = m.person_id
         LEFT JOIN session_case_attendees a ON a.practice_id = m.practice_id AND a.person_id = m.person_id
                                          AND a.session_id IN (SELECT id FROM done)
        WHERE m.practice_id = $1 AND m.case_id = $2
        GROUP BY m.person_id, c.id, m.added_at ORDER BY m.added_at, m.person_id`,
      [actor.practiceId, caseId],
    );
    const sessions = await this.txHost.tx.query<SessionAttendanceView[]>(
      `SELECT s.id AS "sessionId", to_json(s.starts_at) #>> '{}' AS "startsAt",
              coalesce((SELECT json_agg(json_build_object('personId', a.person_id, 'attendance', a.attendance)
                                        ORDER BY a.person_id)
                          FROM session_case_attendees a WHERE a.practice_id = s.practice_id AND a.session_id = s.id),
                       '[]'::json) AS attendees,
              coalesce((SELECT json_agg(json_build_object('name', o.name, 'role', o.role, 'attendance', o.attendance)
                                        ORDER BY o.name)
                          FROM session_other_attendees o WHERE o.practice_id = s.practice_id AND o.session_id = s.id),
                       '[]'::json) AS "otherAttendees"
         FROM therapy_sessions s
        WHERE s.practice_id = $1 AND s.case_id = $2 AND s.status = 'completed'
        ORDER BY s.starts_at, s.id`,
      [actor.practiceId, caseId],
    );
    await this.audit.record({
      action: 'read',
      resourceType: 'case_attendance',
      resourceId: caseId,
      metadata: { sessions: sessions.length },
    });
    return {
      members: members.map((m) => ({
        ...m,
        rate: m.sessions > 0 ? m.attended / m.sessions : null,
      })),
      sessions,
    };
  }
}
