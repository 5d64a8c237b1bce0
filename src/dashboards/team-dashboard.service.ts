import { Injectable } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { AuditService } from '../audit/audit.service';
import type { StaffActor } from '../auth/actor';
import { SqlParams } from '../common/sql/sql-params';
import { DashboardQueries, toGoalFacts, type GoalWithCheckIns } from './dashboard-queries';
import { CONTEXT_SQL, type ContextRow } from './dashboard-subject';
import { attentionReasons } from './goal-attention';

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
  @ApiProperty() goalsNeedingAttention!: number;
  @ApiProperty({ description: 'Unresolved major boundary violations on their clients' })
  openMajorViolations!: number;
}

export class TeamDashboardView {
  @ApiProperty({ format: 'date' }) today!: string;
  @ApiProperty({ format: 'date' }) weekStart!: string;
  @ApiProperty({ type: [TeamMemberView] }) team!: TeamMemberView[];
}

/** A supervisor's supervisees, or (for an admin) every clinician of the practice, side by side. */
@Injectable()
export class TeamDashboardService {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly audit: AuditService,
    private readonly queries: DashboardQueries,
  ) {}

  async team(actor: StaffActor): Promise<TeamDashboardView> {
    const [ctx] = await this.txHost.tx.query<ContextRow[]>(CONTEXT_SQL, [
      actor.practiceId,
      actor.id,
    ]);
    const team = (params: SqlParams) =>
      actor.role === 'admin'
        ? `s.role IN ('counselor', 'supervisor')`
        : `s.supervisor_id = ${params.add(actor.id)}`;
    const m = new SqlParams();
    const [practice, tz, week, overdue] = [
      m.add(actor.practiceId),
      m.add(ctx!.time_zone),
      m.add(ctx!.week_start),
      m.add(ctx!.note_overdue_hours),
    ];
    const memberScope = team(m);
    const g = new SqlParams();
    const goalPractice = g.add(actor.practiceId);
    const goalScope = team(g);
    const [members, goals] = await Promise.all([
      this.txHost.tx.query<Omit<TeamMemberView, 'goalsNeedingAttention'>[]>(
        `SELECT s.id AS "counselorId", s.first_name || ' ' || s.last_name AS name, s.role,
                (SELECT count(DISTINCT m.client_id)::int FROM care_team_members m
                   JOIN clients c ON c.practice_id = m.practice_id AND c.id = m.client_id AND c.status = 'active'
                  WHERE m.practice_id = s.practice_id AND m.staff_id = s.id AND m.removed_at IS NULL) AS "activeCaseload",
                (SELECT count(*)::int FROM therapy_sessions t
                  WHERE t.practice_id = s.practice_id AND (t.counselor_id = s.id OR t.co_therapist_id = s.id)
                    AND t.status NOT IN ('cancelled', 'late_cancel')
                    AND t.starts_at >= (${week}::date)::timestamp AT TIME ZONE ${tz}
                    AND t.starts_at < (${week}::date + 7)::timestamp AT TIME ZONE ${tz}) AS "sessionsThisWeek",
                (SELECT count(*)::int FROM therapy_sessions t
                   LEFT JOIN session_notes n ON n.practice_id = t.practice_id AND n.session_id = t.id
                  WHERE t.practice_id = s.practice_id AND t.counselor_id = s.id AND t.status = 'completed'
                    AND (n.id IS NULL OR n.status IN ('draft', 'returned'))
                    AND t.ends_at + make_interval(hours => ${overdue}) < now()) AS "overdueNotes",
                (SELECT round(count(*) FILTER (WHERE t.status = 'no_show')::numeric / nullif(count(*), 0), 4)::float8
                   FROM therapy_sessions t
                  WHERE t.practice_id = s.practice_id AND t.counselor_id = s.id AND t.status IN ('completed', 'no_show')
                    AND t.starts_at >= now() - interval '30 days' AND t.starts_at < now()) AS "noShowRate",
                (SELECT count(*)::int FROM boundary_violations v
                  WHERE v.practice_id = s.practice_id AND v.severity = 'major' AND v.resolved_at IS NULL
                    AND v.client_id IN (SELECT m.client_id FROM care_team_members m
                                         WHERE m.practice_id = s.practice_id AND m.staff_id = s.id AND m.removed_at IS NULL))
                  AS "openMajorViolations"
           FROM staff s
          WHERE s.practice_id = ${practice} AND s.active AND ${memberScope}
          ORDER BY s.last_name, s.first_name, s.id`,
        m.values,
      ),
      this.txHost.tx.query<(Omit<GoalWithCheckIns, 'check_ins'> & { staff_ids: string[] })[]>(
        `SELECT g.id, g.practice_id, g.client_id, g.party_a_family_member_id AS party_a, g.party_b_family_member_id AS party_b,
                g.target_rating, g.target_date::text, g.start_date::text, g.achievement_status,
                array_agg(DISTINCT m.staff_id) AS staff_ids
           FROM trust_goals g
           JOIN clients c ON c.practice_id = g.practice_id AND c.id = g.client_id AND c.status <> 'entered_in_error'
           JOIN care_team_members m ON m.practice_id = g.practice_id AND m.client_id = g.client_id AND m.removed_at IS NULL
           JOIN staff s ON s.practice_id = m.practice_id AND s.id = m.staff_id AND s.active AND ${goalScope}
          WHERE g.practice_id = ${goalPractice} AND g.lifecycle_status = 'active'
          GROUP BY g.id`,
        g.values,
      ),
    ]);
    const checkIns = await this.queries.checkInsOf(
      actor.practiceId,
      goals.map((goal) => goal.id),
      ctx!.time_zone,
    );
    const attention = new Map<string, number>();
    for (const { staff_ids, ...goal } of goals) {
      const facts = toGoalFacts({ ...goal, check_ins: checkIns.get(goal.id) ?? [] });
      if (attentionReasons(facts, ctx!.today, ctx!.stall_days).length === 0) continue;
      for (const staffId of staff_ids) attention.set(staffId, (attention.get(staffId) ?? 0) + 1);
    }
    await this.audit.record({
      action: 'read',
      resourceType: 'team_dashboard',
      resourceId: actor.id,
      metadata: { members: members.length },
    });
    return {
      today: ctx!.today,
      weekStart: ctx!.week_start,
      team: members.map((member) => ({
        ...member,
        goalsNeedingAttention: attention.get(member.counselorId) ?? 0,
      })),
    };
  }
}
