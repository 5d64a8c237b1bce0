import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { ClientAccessService } from '../access/client-access.service';
import type { ClientNeed } from '../access/client-access';
import { SqlParams } from '../common/sql/sql-params';
import type { CheckInFacts } from '../trust-goals/trust-metrics';
import type { DashboardContext } from './dashboard-subject';
import type { GoalFacts } from './goal-attention';

const INITIALS = `upper(left(c.first_name, 1) || left(c.last_name, 1))`;
const CLIENT_NUMBER = `'C-' || lpad(c.client_number::text, 6, '0')`;

interface CheckInRatingRow {
  goal_id: string;
  id: string;
  on: string;
  kept: number;
  missed: number;
  family_member_id: string | null;
  rating: number | null;
}

export interface GoalWithCheckIns {
  id: string;
  practice_id: string;
  client_id: string;
  party_a: string | null;
  party_b: string | null;
  target_rating: number;
  target_date: string | null;
  start_date: string;
  achievement_status: string;
  check_ins: CheckInFacts[];
}

export function toGoalFacts(row: GoalWithCheckIns): GoalFacts {
  return {
    id: row.id,
    clientId: row.client_id,
    parties: [row.party_a, row.party_b],
    targetRating: row.target_rating,
    targetDate: row.target_date,
    startDate: row.start_date,
    achievementStatus: row.achievement_status,
    checkIns: row.check_ins,
  };
}

export interface Row {
  [column: string]: unknown;
}

/**
 * The dashboard's sections, one SQL statement each, whatever the size of the caseload: the number
 * of statements a dashboard costs is a constant (pinned by a test).
 */
@Injectable()
export class DashboardQueries {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly access: ClientAccessService,
  ) {}

  /**
   * Runs one section. `scope` is the subject's caseload AND, when someone else is looking, what the
   * viewer reaches too; `viewer` is that second condition alone, for sections keyed on the subject's
   * own sessions or notes rather than on their caseload.
   */
  private run<T = Row>(
    build: (
      params: SqlParams,
      scope: (need: ClientNeed) => string,
      viewer: (need: ClientNeed) => string,
    ) => string,
    ctx: DashboardContext,
  ): Promise<T[]> {
    const params = new SqlParams();
    const viewer = (need: ClientNeed) =>
      ctx.viewer.id === ctx.subject.id
        ? 'true'
        : `(${this.access.scope(ctx.viewer, params, need)})`;
    const scope = (need: ClientNeed) =>
      `(${this.access.scope(ctx.subject, params, need)}) AND ${viewer(need)}`;
    const sql = build(params, scope, viewer);
    return this.txHost.tx.query<T[]>(sql, params.values);
  }

  caseload(ctx: DashboardContext) {
    return this.run<{
      status: string;
      n: number;
      new_this_month: number;
      discharged_this_month: number;
    }>(
      (p, scope) => `
        SELECT c.status, count(*)::int AS n,
               count(*) FILTER (WHERE (c.created_at AT TIME ZONE ${p.add(ctx.timeZone)})::date >= ${p.add(ctx.monthStart)}::date)::int AS new_this_month,
               count(*) FILTER (WHERE c.status = 'discharged' AND c.discharged_on >= ${p.add(ctx.monthStart)}::date)::int AS discharged_this_month
          FROM clients c WHERE ${scope('read')} AND c.status <> 'entered_in_error'
         GROUP BY c.status`,
      ctx,
    );
  }

  /** The subject's sessions from today to today + 7 (practice time zone), cancelled ones left out. */
  schedule(ctx: DashboardContext) {
    return this.run((p, _scope, viewer) => {
      const tz = p.add(ctx.timeZone);
      const today = p.add(ctx.today);
      const me = p.add(ctx.subject.id);
      return `
        SELECT s.id, s.client_id, s.starts_at, s.ends_at, s.modality, s.setting, s.status,
               (s.starts_at AT TIME ZONE ${tz})::date::text AS day, ${CLIENT_NUMBER} AS client_number, ${INITIALS} AS initials,
               CASE WHEN s.modality = 'individual' THEN '[{"party":"client","familyMemberId":null}]'::json
                    ELSE (SELECT json_agg(x) FROM (
                            SELECT 'client' AS party, NULL::uuid AS "familyMemberId"
                            UNION ALL
                            SELECT 'family_member', f.id FROM family_members f
                             WHERE f.practice_id = s.practice_id AND f.client_id = s.client_id
                               AND f.participation = 'participating' AND NOT f.deceased) x) END AS expected
          FROM therapy_sessions s JOIN clients c ON c.practice_id = s.practice_id AND c.id = s.client_id
         WHERE s.practice_id = ${p.add(ctx.subject.practiceId)} AND (s.counselor_id = ${me} OR s.co_therapist_id = ${me})
           AND ${viewer('readClinical')}
           AND s.status NOT IN ('cancelled', 'late_cancel')
           AND s.starts_at >= (${today}::date)::timestamp AT TIME ZONE ${tz}
           AND s.starts_at < (${today}::date + 8)::timestamp AT TIME ZONE ${tz}
         ORDER BY s.starts_at, s.id`;
    }, ctx);
  }

  /** Notes to write (overdue after the practice's limit), notes awaiting the subject's co-signature, notes returned to them. */
  notes(ctx: DashboardContext) {
    return this.run((p, _scope, viewer) => {
      const practice = p.add(ctx.subject.practiceId);
      const me = p.add(ctx.subject.id);
      return `
        SELECT 'to_write' AS kind, s.id AS session_id, s.client_id, s.ends_at, n.status AS note_status,
               s.ends_at + make_interval(hours => ${p.add(ctx.noteOverdueHours)}) < now() AS overdue, NULL::uuid AS author_id
          FROM therapy_sessions s
          JOIN clients c ON c.practice_id = s.practice_id AND c.id = s.client_id
          LEFT JOIN session_notes n ON n.practice_id = s.practice_id AND n.session_id = s.id
         WHERE s.practice_id = ${practice} AND s.counselor_id = ${me} AND s.status = 'completed'
           AND (n.id IS NULL OR n.status = 'draft') AND ${viewer('readClinical')}
        UNION ALL
        SELECT 'awaiting_my_cosign', n.session_id, n.client_id, s.ends_at, n.status, false, n.author_id
          FROM session_notes n JOIN staff a ON a.practice_id = n.practice_id AND a.id = n.author_id
          JOIN therapy_sessions s ON s.practice_id = n.practice_id AND s.id = n.session_id
          JOIN clients c ON c.practice_id = n.practice_id AND c.id = n.client_id
         WHERE n.practice_id = ${practice} AND n.status = 'awaiting_cosign' AND a.supervisor_id = ${me}
           AND ${viewer('readClinical')}
        UNION ALL
        SELECT 'returned_to_me', n.session_id, n.client_id, s.ends_at, n.status, false, n.author_id
          FROM session_notes n JOIN therapy_sessions s ON s.practice_id = n.practice_id AND s.id = n.session_id
          JOIN clients c ON c.practice_id = n.practice_id AND c.id = n.client_id
         WHERE n.practice_id = ${practice} AND n.status = 'returned' AND n.author_id = ${me}
           AND ${viewer('readClinical')}
         ORDER BY 1, 4`;
    }, ctx);
  }

  /**
   * Active goals of the caseload with their latest check-ins (ratings per party), oldest first. Two
   * statements with plain index plans: the goals, then {@link checkInsOf} their check-ins.
   */
  async goals(ctx: DashboardContext): Promise<GoalWithCheckIns[]> {
    const goals = await this.run<Omit<GoalWithCheckIns, 'check_ins'>>(
      (_p, scope) => `
        SELECT g.id, g.practice_id, g.client_id, g.party_a_family_member_id AS party_a, g.party_b_family_member_id AS party_b,
               g.target_rating, g.target_date::text, g.start_date::text, g.achievement_status
          FROM trust_goals g JOIN clients c ON c.practice_id = g.practice_id AND c.id = g.client_id
         WHERE ${scope('readClinical')} AND c.status <> 'entered_in_error' AND g.lifecycle_status = 'active'`,
      ctx,
    );
    const checkIns = await this.checkInsOf(
      ctx.subject.practiceId,
      goals.map((goal) => goal.id),
      ctx.timeZone,
    );
    return goals.map((goal) => ({ ...goal, check_ins: checkIns.get(goal.id) ?? [] }));
  }

  /**
   * The check-ins attention looks at, per goal (oldest first, at most 20, dated in `timeZone`): one
   * statement of flat check-in and rating rows (`goal_id = ANY(...)` over the goal index), assembled
   * here. Eight weeks cover the 28-day reliability, the recent trend, and the days since the last
   * check-in (a goal without one in eight weeks is stalled whatever came before). The counselor's
   * and the team dashboard both count attention from this, so their counts agree.
   */
  async checkInsOf(
    practiceId: string,
    goalIds: readonly string[],
    timeZone: string,
  ): Promise<Map<string, CheckInFacts[]>> {
    const rows = await this.txHost.tx.query<CheckInRatingRow[]>(
      `SELECT k.goal_id, k.id, (k.occurred_at AT TIME ZONE $3)::date::text AS on, k.commitments_kept AS kept,
              k.commitments_missed AS missed, r.family_member_id, r.rating
         FROM goal_check_ins k
         LEFT JOIN goal_check_in_ratings r ON r.practice_id = k.practice_id AND r.goal_id = k.goal_id AND r.check_in_id = k.id
        WHERE k.practice_id = $1 AND k.goal_id = ANY($2::uuid[]) AND k.occurred_at >= now() - interval '56 days'
        ORDER BY k.goal_id, k.occurred_at, k.created_at, k.id`,
      [practiceId, goalIds, timeZone],
    );
    const byGoal = new Map<string, CheckInFacts[]>();
    let last:
      | {
          id: string;
          facts: CheckInFacts & { ratings: { familyMemberId: string | null; rating: number }[] };
        }
      | undefined;
    for (const row of rows) {
      if (last?.id !== row.id) {
        last = {
          id: row.id,
          facts: { on: row.on, kept: row.kept, missed: row.missed, ratings: [] },
        };
        const list = byGoal.get(row.goal_id) ?? [];
        list.push(last.facts);
        byGoal.set(row.goal_id, list);
      }
      if (row.rating !== null)
        last.facts.ratings.push({ familyMemberId: row.family_member_id, rating: row.rating });
    }
    for (const [goalId, list] of byGoal) byGoal.set(goalId, list.slice(-20));
    return byGoal;
  }

  /** Milestones reached and goals achieved in the last 14 days. */
  celebrations(ctx: DashboardContext) {
    return this.run(
      (_p, scope) => `
        SELECT 'milestone' AS kind, m.id, m.goal_id, m.client_id, m.title, m.reached_at AS at, ${CLIENT_NUMBER} AS client_number
          FROM goal_milestones m JOIN clients c ON c.practice_id = m.practice_id AND c.id = m.client_id
         WHERE ${scope('readClinical')} AND m.reached_at >= now() - interval '14 days'
        UNION ALL
        SELECT 'goal_achieved', g.id, g.id, g.client_id, g.description, g.achievement_set_at, ${CLIENT_NUMBER}
          FROM trust_goals g JOIN clients c ON c.practice_id = g.practice_id AND c.id = g.client_id
         WHERE ${scope('readClinical')} AND g.achievement_status IN ('achieved', 'sustaining')
           AND g.achievement_set_at >= now() - interval '14 days'
         ORDER BY at DESC`,
      ctx,
    );
  }

  setbacks(ctx: DashboardContext) {
    return this.run(
      (_p, scope) => `
        SELECT b.id, b.goal_id, b.client_id, b.kind, b.severity, b.occurred_at, ${CLIENT_NUMBER} AS client_number
          FROM goal_setbacks b JOIN clients c ON c.practice_id = b.practice_id AND c.id = b.client_id
         WHERE ${scope('readClinical')} AND b.occurred_at >= now() - interval '14 days'
         ORDER BY b.occurred_at DESC`,
      ctx,
    );
  }

  /** Violations of the last 14 days, agreements awaiting acknowledgment, and agreements due for review. */
  boundaries(ctx: DashboardContext) {
    return this.run(
      (p, scope) => `
        SELECT 'violation' AS kind, v.id, v.agreement_id, v.client_id, v.severity, v.occurred_at AS at, NULL::date AS review_date
          FROM boundary_violations v JOIN clients c ON c.practice_id = v.practice_id AND c.id = v.client_id
         WHERE ${scope('readClinical')} AND v.occurred_at >= now() - interval '14 days'
        UNION ALL
        SELECT 'awaiting_acknowledgment', a.id, a.id, a.client_id, NULL, a.updated_at, a.review_date
          FROM boundary_agreements a JOIN clients c ON c.practice_id = a.practice_id AND c.id = a.client_id
         WHERE ${scope('readClinical')} AND a.status IN ('proposed', 'under_review')
           AND EXISTS (SELECT 1 FROM boundary_agreement_parties bp WHERE bp.practice_id = a.practice_id AND bp.agreement_id = a.id
                         AND NOT EXISTS (SELECT 1 FROM boundary_acknowledgments k
                                          WHERE k.practice_id = a.practice_id AND k.agreement_id = a.id
                                            AND k.version_number = a.current_version
                                            AND k.family_member_id IS NOT DISTINCT FROM bp.family_member_id))
        UNION ALL
        SELECT 'review_due', a.id, a.id, a.client_id, NULL, NULL, a.review_date
          FROM boundary_agreements a JOIN clients c ON c.practice_id = a.practice_id AND c.id = a.client_id
         WHERE ${scope('readClinical')} AND a.status IN ('active', 'under_review')
           AND a.review_date <= ${p.add(ctx.today)}::date + ${p.add(ctx.reviewNoticeDays)}::int
         ORDER BY 1, 6 DESC NULLS LAST, 7`,
      ctx,
    );
  }

  /** Emergency grants of the last 30 days, on clients of the subject's care teams, to people outside those teams. */
  emergencyGrants(ctx: DashboardContext) {
    return this.run((p, _scope, viewer) => {
      const practice = p.add(ctx.subject.practiceId);
      return `
        SELECT g.id, g.client_id, g.staff_id, s.first_name || ' ' || s.last_name AS staff_name, g.reason, g.granted_at, g.expires_at
          FROM emergency_access_grants g JOIN staff s ON s.practice_id = g.practice_id AND s.id = g.staff_id
          JOIN clients c ON c.practice_id = g.practice_id AND c.id = g.client_id
         WHERE g.practice_id = ${practice} AND g.granted_at >= now() - interval '30 days' AND ${viewer('readClinical')}
           AND EXISTS (SELECT 1 FROM care_team_members m WHERE m.practice_id = g.practice_id AND m.client_id = g.client_id
                         AND m.staff_id = ${p.add(ctx.subject.id)} AND m.removed_at IS NULL)
           AND NOT EXISTS (SELECT 1 FROM care_team_members m WHERE m.practice_id = g.practice_id AND m.client_id = g.client_id
                             AND m.staff_id = g.staff_id AND m.removed_at IS NULL)
         ORDER BY g.granted_at DESC`;
    }, ctx);
  }
}
