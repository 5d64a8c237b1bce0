import { Injectable } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { listedClientStatus } from '../access/listed-client';
import { AuditService } from '../audit/audit.service';
import { Clock } from '../common/clock/clock';
import type { StaffActor } from '../common/actor/actor';
import { SqlParams } from '../common/sql/sql-params';
import { CONTEXT_SQL, type ContextRow } from './dashboard-subject';
import { goalAttentionJoin } from './goal-attention';
import { integrationsSection, IntegrationsSectionView } from './integrations-section';
import { queryPrepared } from '../common/sql/prepared';

export class TeamMemberView {
  @ApiProperty({ format: 'uuid' }) counselorId!: string;
  @ApiProperty() name!: string;
  @ApiProperty() role!: string;
  @ApiProperty({ description: 'Active clients on their care teams' }) activeCaseload!: number;
  @ApiProperty({
    description: "Sessions this week (practice's time zone), cancelled ones left out",
  })
  sessionsThisWeek!: number;
  @ApiProperty({
    description: "Completed sessions whose note is unsigned past the practice's limit",
  })
  overdueNotes!: number;
  @ApiPropertyOptional({
    nullable: true,
    type: Number,
    description: 'no-shows / (completed + no-shows), last 30 days',
  })
  noShowRate!: number | null;
  @ApiProperty({
    description: 'Active goals needing attention, of their clients and of their cases',
  })
  goalsNeedingAttention!: number;
  @ApiProperty({
    description:
      'Unresolved major boundary violations on their clients and on the cases whose care team they are on',
  })
  openMajorViolations!: number;
}

export class TeamDashboardView {
  @ApiProperty({ format: 'date' }) today!: string;
  @ApiProperty({ format: 'date' }) weekStart!: string;
  @ApiProperty({ type: [TeamMemberView] }) team!: TeamMemberView[];
  @ApiPropertyOptional({
    type: IntegrationsSectionView,
    description:
      'Admins only: webhook endpoints that are disabled (by the delivery worker after repeated failures, or by an admin) and deliveries being retried',
  })
  integrations?: IntegrationsSectionView;
}

/** A supervisor's supervisees, or (for an admin) every clinician of the practice, side by side. */
/** The cases whose care team member `s` is (a case's own goals and agreements count for its team). */
const CASE_TEAM = `SELECT t.case_id FROM case_care_team_members t
                    WHERE t.practice_id = s.practice_id AND t.staff_id = s.id AND t.removed_at IS NULL`;

@Injectable()
export class TeamDashboardService {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  async team(actor: StaffActor): Promise<TeamDashboardView> {
    const at = this.clock.now();
    const [ctx] = await queryPrepared<ContextRow>(this.txHost.tx, CONTEXT_SQL, [
      actor.practiceId,
      actor.id,
      at,
    ]);
    const m = new SqlParams();
    const [practice, tz, week, overdue, now] = [
      m.add(actor.practiceId),
      m.add(ctx!.time_zone),
      m.add(ctx!.week_start),
      m.add(ctx!.note_overdue_hours),
      `${m.add(at)}::timestamptz`,
    ];
    const team =
      actor.role === 'admin'
        ? `s.role IN ('counselor', 'supervisor')`
        : `s.supervisor_id = ${m.add(actor.id)}`;
    const attention = goalAttentionJoin(
      m,
      {
        timeZone: ctx!.time_zone,
        today: ctx!.today,
        stallDays: ctx!.stall_days,
      },
      'a',
    );
    // A session has a counselor and perhaps a co-therapist, never the same person: counted apart,
    // each is a range of its own index (the counselor's covers the status) instead of a bitmap
    // of both read back from the table. Each day bound is computed once (an InitPlan).
    const weekFrom = `(SELECT (${week}::date)::timestamp AT TIME ZONE ${tz})`;
    const weekTo = `(SELECT (${week}::date + 7)::timestamp AT TIME ZONE ${tz})`;
    // Each figure is a subquery per member over that member's own index range, so the statement
    // costs the same per member whatever the practice's size: the care-team rows carry their
    // client's status and care_team_goals the goals' attention columns and their client's status,
    // so a member's clients and goals are side by side, not one probe per client. The members are
    // found first, by the supervisor index: ordered by name straight from the staff table,
    // PostgreSQL walked the whole practice's staff by the name index to keep the two dozen of one
    // supervisor (issue 19).
    const members = await queryPrepared<TeamMemberView>(
      this.txHost.tx,
      `WITH members AS MATERIALIZED (
         SELECT s.practice_id, s.id, s.first_name, s.last_name, s.role FROM staff s
          WHERE s.practice_id = ${practice} AND s.active AND ${team})
       SELECT s.id AS "counselorId", s.first_name || ' ' || s.last_name AS name, s.role,
              (SELECT count(*)::int FROM care_team_members m
                WHERE m.practice_id = s.practice_id AND m.staff_id = s.id AND m.removed_at IS NULL
                  AND m.client_status = 'active') AS "activeCaseload",
              (SELECT count(*)::int FROM therapy_sessions t
                WHERE t.practice_id = s.practice_id AND t.counselor_id = s.id
                  AND t.status NOT IN ('cancelled', 'late_cancel')
                  AND t.starts_at >= ${weekFrom} AND t.starts_at < ${weekTo})
              + (SELECT count(*)::int FROM therapy_sessions t
                  WHERE t.practice_id = s.practice_id AND t.co_therapist_id = s.id
                    AND t.status NOT IN ('cancelled', 'late_cancel')
                    AND t.starts_at >= ${weekFrom} AND t.starts_at < ${weekTo}) AS "sessionsThisWeek",
              (SELECT count(*)::int FROM therapy_sessions t
                WHERE t.practice_id = s.practice_id AND t.counselor_id = s.id AND t.status = 'completed'
                  AND t.note_status IN ('none', 'draft', 'returned')
                  AND t.ends_at + make_interval(hours => ${overdue}) < ${now}) AS "overdueNotes",
              (SELECT round(count(*) FILTER (WHERE t.status = 'no_show')::numeric / nullif(count(*), 0), 4)::float8
                 FROM therapy_sessions t
                WHERE t.practice_id = s.practice_id AND t.counselor_id = s.id AND t.status IN ('completed', 'no_show')
                  AND t.starts_at >= ${now} - interval '30 days' AND t.starts_at < ${now}) AS "noShowRate",
              (SELECT count(*)::int FROM care_team_goals g ${attention}
                WHERE g.practice_id = s.practice_id AND g.staff_id = s.id
                  AND ${listedClientStatus('g.client_status')} AND cardinality(a.reasons) > 0)
              + (SELECT count(*)::int FROM trust_goals g
                   JOIN cases k ON k.practice_id = g.practice_id AND k.id = g.case_id AND k.status <> 'entered_in_error'
                   ${attention}
                  WHERE g.practice_id = s.practice_id AND g.client_id IS NULL AND g.lifecycle_status = 'active'
                    AND g.case_id IN (${CASE_TEAM})
                    AND cardinality(a.reasons) > 0) AS "goalsNeedingAttention",
              (SELECT count(*)::int FROM boundary_violations v
                WHERE v.practice_id = s.practice_id AND v.severity = 'major' AND v.resolved_at IS NULL
                  AND v.client_id IN (SELECT m.client_id FROM care_team_members m
                                       WHERE m.practice_id = s.practice_id AND m.staff_id = s.id AND m.removed_at IS NULL))
              + (SELECT count(*)::int FROM boundary_violations v
                  WHERE v.practice_id = s.practice_id AND v.severity = 'major' AND v.resolved_at IS NULL
                    AND v.client_id IS NULL AND v.case_id IN (${CASE_TEAM}))
                AS "openMajorViolations"
         FROM members s
        ORDER BY s.last_name, s.first_name, s.id`,
      m.values,
    );
    // Integrations are the admin's to manage: one small statement of their own, for admins only.
    const integrations =
      actor.role === 'admin'
        ? await integrationsSection(this.txHost.tx, actor.practiceId)
        : undefined;
    await this.audit.record({
      action: 'read',
      resourceType: 'team_dashboard',
      resourceId: actor.id,
      metadata: { members: members.length },
    });
    return {
      today: ctx!.today,
      weekStart: ctx!.week_start,
      team: members,
      ...(integrations && { integrations }),
    };
  }
}
