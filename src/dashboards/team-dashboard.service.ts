import { Injectable } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { AuditService } from '../audit/audit.service';
import type { StaffActor } from '../auth/actor';
import { SqlParams } from '../common/sql/sql-params';
import type { PartyId } from '../parties/party';
import type { CheckInFacts } from '../trust-goals/trust-metrics';
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
    const [goalPractice, goalTz] = [g.add(actor.practiceId), g.add(ctx!.time_zone)];
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
      this.txHost.tx.query<{ staff_ids: string[]; goal: GoalRow }[]>(
        `SELECT array_agg(DISTINCT m.staff_id) AS staff_ids,
                json_build_object('id', g.id, 'client_id', g.client_id, 'party_a', g.party_a_family_member_id,
                  'party_b', g.party_b_family_member_id, 'target_rating', g.target_rating, 'target_date', g.target_date,
                  'start_date', g.start_date, 'achievement_status', g.achievement_status,
                  'check_ins', coalesce((SELECT json_agg(json_build_object('on', ci.on, 'kept', ci.kept, 'missed', ci.missed, 'ratings', ci.ratings)
                                                  ORDER BY ci.occurred_at, ci.created_at)
                      FROM (SELECT (k.occurred_at AT TIME ZONE ${goalTz})::date::text AS on, k.occurred_at, k.created_at,
                                   k.commitments_kept AS kept, k.commitments_missed AS missed,
                                   coalesce((SELECT json_agg(json_build_object('familyMemberId', r.family_member_id, 'rating', r.rating))
                                               FROM goal_check_in_ratings r WHERE r.practice_id = k.practice_id AND r.goal_id = k.goal_id AND r.check_in_id = k.id), '[]'::json) AS ratings
                              FROM goal_check_ins k WHERE k.practice_id = g.practice_id AND k.goal_id = g.id
                             ORDER BY k.occurred_at DESC, k.created_at DESC LIMIT 20) ci), '[]'::json)) AS goal
           FROM trust_goals g
           JOIN clients c ON c.practice_id = g.practice_id AND c.id = g.client_id AND c.status <> 'entered_in_error'
           JOIN care_team_members m ON m.practice_id = g.practice_id AND m.client_id = g.client_id AND m.removed_at IS NULL
           JOIN staff s ON s.practice_id = m.practice_id AND s.id = m.staff_id AND s.active AND ${goalScope}
          WHERE g.practice_id = ${goalPractice} AND g.lifecycle_status = 'active'
          GROUP BY g.id`,
        g.values,
      ),
    ]);
    const attention = new Map<string, number>();
    for (const { staff_ids, goal } of goals) {
      if (attentionReasons(toFacts(goal), ctx!.today, ctx!.stall_days).length === 0) continue;
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

interface GoalRow {
  id: string;
  client_id: string;
  party_a: PartyId;
  party_b: PartyId;
  target_rating: number;
  target_date: string | null;
  start_date: string;
  achievement_status: string;
  check_ins: CheckInFacts[];
}

function toFacts(goal: GoalRow) {
  return {
    id: goal.id,
    clientId: goal.client_id,
    parties: [goal.party_a, goal.party_b],
    targetRating: goal.target_rating,
    targetDate: goal.target_date,
    startDate: goal.start_date,
    achievementStatus: goal.achievement_status,
    checkIns: goal.check_ins,
  };
}
