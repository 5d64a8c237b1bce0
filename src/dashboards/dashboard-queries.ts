import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { CaseAccessService } from '../access/case-access.service';
import { ClientAccessService } from '../access/client-access.service';
import type { ClientNeed } from '../access/client-access';
import { SqlParams } from '../common/sql/sql-params';
import type { DashboardContext } from './dashboard-subject';
import { goalAttentionJoin, type AttentionReason } from './goal-attention';
import { queryPrepared } from '../common/sql/prepared';
import { LISTED_CLIENT, listedClientStatus } from '../access/listed-client';

const INITIALS = `upper(left(c.first_name, 1) || left(c.last_name, 1))`;
/** Initials of the participating persons of a session's case `k` (never names, never the label). */
const CASE_MEMBER_INITIALS = `ARRAY(SELECT upper(left(coalesce(mc.first_name, mf.first_name, mp.first_name), 1)
                                    || left(coalesce(mc.last_name, mf.last_name, mp.last_name, ''), 1))
    FROM case_members m JOIN persons mp ON mp.practice_id = m.practice_id AND mp.id = m.person_id
    LEFT JOIN clients mc ON mc.practice_id = m.practice_id AND mc.person_id = m.person_id
    LEFT JOIN LATERAL (SELECT f.first_name, f.last_name FROM family_members f
            WHERE f.practice_id = m.practice_id AND f.person_id = m.person_id LIMIT 1) mf ON true
   WHERE m.practice_id = k.practice_id AND m.case_id = k.id AND m.participation = 'participating'
   ORDER BY m.added_at, m.person_id)`;
const CLIENT_NUMBER = `'C-' || lpad(c.client_number::text, 6, '0')`;

interface SectionScopes {
  listed: (need: ClientNeed) => string;
  /**
   * The cases (alias `k`) whose held records the subject's dashboard shows: those of the subject's
   * case care teams as a case list finds them AND, when someone else is looking, what the viewer reaches.
   */
  cases: (need: ClientNeed) => string;
  scope: (need: ClientNeed) => string;
  viewer: (need: ClientNeed) => string;
  /** The active goals of the subject's caseload (see ClientAccessService.caseloadGoals), or null. */
  caseloadGoals: () => string | null;
  /** The clients of the subject's caseload (see ClientAccessService.caseloadClients), or null. */
  caseloadClients: () => string | null;
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
    private readonly caseAccess: CaseAccessService,
  ) {}

  /**
   * Runs one section. `listed` is the subject's caseload as any list shows it (records entered in
   * error left out) AND, when someone else is looking, what the viewer reaches too; `scope` is the
   * same with entered-in-error records kept, as the sections built on it have always shown them;
   * `viewer` is the second condition alone, for sections keyed on the subject's own sessions or
   * notes rather than on their caseload.
   */
  private run<T = Row>(
    build: (params: SqlParams, scopes: SectionScopes) => string,
    ctx: DashboardContext,
  ): Promise<T[]> {
    const params = new SqlParams();
    // A caseload's client ids are gathered first and its rows then read by key ('ids'): joined as
    // a set instead, the planner cannot size it and reads the practice's clients whole, which
    // grows with the practice rather than the caseload (issue 19).
    const viewer = (need: ClientNeed) =>
      ctx.viewer.id === ctx.subject.id
        ? 'true'
        : `(${this.access.scope(ctx.viewer, params, need, 'ids')})`;
    const listed = (need: ClientNeed) =>
      `(${this.access.listScope(ctx.subject, params, need, 'ids')}) AND ${viewer(need)}`;
    const scope = (need: ClientNeed) =>
      `(${this.access.scope(ctx.subject, params, need, 'ids')}) AND ${viewer(need)}`;
    const cases = (need: ClientNeed) =>
      `(${this.caseAccess.listScope(ctx.subject, params, need)})` +
      (ctx.viewer.id === ctx.subject.id
        ? ''
        : ` AND (${this.caseAccess.listScope(ctx.viewer, params, need)})`);
    const caseloadGoals = () => this.access.caseloadGoals(ctx.subject, params);
    const caseloadClients = () => this.access.caseloadClients(ctx.subject, params);
    const sql = build(params, { listed, scope, viewer, cases, caseloadGoals, caseloadClients });
    return queryPrepared<T>(this.txHost.tx, sql, params.values);
  }

  /**
   * The caseload by status. "New this month" compares each client's creation with the month's
   * first instant, computed once (a scalar subquery), rather than converting every client's
   * instant to a local date: a time zone converted by name costs more than the rest of the row.
   */
  caseload(ctx: DashboardContext) {
    return this.run<{
      status: string;
      n: number;
      new_this_month: number;
      discharged_this_month: number;
    }>((p, { listed, caseloadClients }) => {
      // A clinician's own dashboard counts the copies of their clients' columns on the care-team
      // rows, one index range per team member; anyone else's, or one viewed by someone else (what
      // the viewer reaches is a condition on each client), reads the clients.
      const own = ctx.viewer.id === ctx.subject.id ? caseloadClients() : null;
      const clients = own
        ? `(${own}) c WHERE ${LISTED_CLIENT}`
        : `clients c WHERE ${listed('read')}`;
      return `
        SELECT c.status, count(*)::int AS n,
               count(*) FILTER (WHERE c.created_at >= (SELECT ${p.add(ctx.monthStart)}::date::timestamp AT TIME ZONE ${p.add(ctx.timeZone)}))::int AS new_this_month,
               count(*) FILTER (WHERE c.status = 'discharged' AND c.discharged_on >= ${p.add(ctx.monthStart)}::date)::int AS discharged_this_month
          FROM ${clients}
         GROUP BY c.status`;
    }, ctx);
  }

  /** The subject's sessions from today to today + 7 (practice time zone), cancelled ones left out. */
  schedule(ctx: DashboardContext) {
    return this.run((p, { viewer }) => {
      const tz = p.add(ctx.timeZone);
      const today = p.add(ctx.today);
      const me = p.add(ctx.subject.id);
      return `
        SELECT s.id, s.client_id, s.starts_at, s.ends_at, s.modality, s.setting, s.status,
               (s.starts_at AT TIME ZONE ${tz})::date::text AS day, ${CLIENT_NUMBER} AS client_number, ${INITIALS} AS initials,
               k.case_type, ${CASE_MEMBER_INITIALS} AS member_initials,
               CASE WHEN s.modality = 'individual' THEN '[{"party":"client","familyMemberId":null}]'::json
                    ELSE (SELECT json_agg(x) FROM (
                            SELECT 'client' AS party, NULL::uuid AS "familyMemberId"
                            UNION ALL
                            SELECT 'family_member', f.id FROM family_members f
                             WHERE f.practice_id = s.practice_id AND f.client_id = s.client_id
                               AND f.participation = 'participating' AND NOT f.deceased) x) END AS expected
          FROM therapy_sessions s JOIN clients c ON c.practice_id = s.practice_id AND c.id = s.client_id
          LEFT JOIN cases k ON k.practice_id = s.practice_id AND k.id = s.case_id
         WHERE s.practice_id = ${p.add(ctx.subject.practiceId)} AND (s.counselor_id = ${me} OR s.co_therapist_id = ${me})
           AND ${viewer('readClinical')}
           AND s.status NOT IN ('cancelled', 'late_cancel')
           AND s.starts_at >= (${today}::date)::timestamp AT TIME ZONE ${tz}
           AND s.starts_at < (${today}::date + 8)::timestamp AT TIME ZONE ${tz}
         ORDER BY s.starts_at, s.id`;
    }, ctx);
  }

  /**
   * Notes to write (none yet, or a draft; overdue after the practice's limit), notes awaiting the
   * subject's co-signature, notes returned to them. Sessions carry their note's status (kept by a
   * trigger), so the first part is a range of the outstanding-notes index, not an anti-join.
   */
  notes(ctx: DashboardContext) {
    return this.run((p, { viewer }) => {
      const practice = p.add(ctx.subject.practiceId);
      const me = p.add(ctx.subject.id);
      return `
        SELECT 'to_write' AS kind, s.id AS session_id, s.client_id, s.ends_at, nullif(s.note_status, 'none') AS note_status,
               s.ends_at + make_interval(hours => ${p.add(ctx.noteOverdueHours)}) < ${p.add(ctx.now)}::timestamptz AS overdue, NULL::uuid AS author_id
          FROM therapy_sessions s JOIN clients c ON c.practice_id = s.practice_id AND c.id = s.client_id
         WHERE s.practice_id = ${practice} AND s.counselor_id = ${me} AND s.status = 'completed'
           AND s.note_status IN ('none', 'draft') AND ${viewer('readClinical')}
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
   * The caseload's active goals that need attention, with the reasons (see goal-attention.ts). A
   * clinician's come from their care teams' rows of `care_team_goals`, one index range per team
   * member, their client's number and status included (an emergency grant's come with their
   * client's row); their care teams' clients are read only when someone else is looking, for what
   * the viewer reaches, and then only for the goals that need attention.
   * Anyone else's caseload is not a set of care teams, and its goals are found through its clients.
   */
  goalsNeedingAttention(ctx: DashboardContext) {
    return this.run<{
      id: string;
      client_id: string | null;
      case_id: string | null;
      reasons: AttentionReason[];
    }>((p, { listed, cases, viewer, caseloadGoals }) => {
      const goals = caseloadGoals();
      // Built only where it is used: each condition adds its parameters, and a parameter the
      // statement never names cannot be typed.
      const viewersClients = () =>
        ctx.viewer.id === ctx.subject.id
          ? ''
          : `JOIN clients c ON c.practice_id = g.practice_id AND c.id = g.client_id
            WHERE ${viewer('readClinical')}`;
      const clientGoals = goals
        ? `SELECT g.id, g.client_id, NULL::uuid AS case_id, g.reasons, g.client_number, g.created_at
             FROM (SELECT g.goal_id AS id, g.practice_id, g.client_id, g.client_number, g.created_at, a.reasons
                     FROM (${goals}) g ${goalAttentionJoin(p, ctx, 'a')}
                    WHERE ${listedClientStatus('g.client_status')} AND cardinality(a.reasons) > 0 OFFSET 0) g
             ${viewersClients()}`
        : `SELECT g.id, g.client_id, NULL::uuid AS case_id, a.reasons, c.client_number, g.created_at
             FROM trust_goals g JOIN clients c ON c.practice_id = g.practice_id AND c.id = g.client_id
             ${goalAttentionJoin(p, ctx, 'a')}
            WHERE ${listed('readClinical')} AND g.lifecycle_status = 'active'
              AND cardinality(a.reasons) > 0`;
      // UNION, not UNION ALL: a goal a clinician reaches two ways is listed once.
      return `
        ${clientGoals}
        UNION
        SELECT g.id, NULL, g.case_id, a.reasons, NULL, g.created_at
          FROM trust_goals g JOIN cases k ON k.practice_id = g.practice_id AND k.id = g.case_id
          ${goalAttentionJoin(p, ctx, 'a')}
         WHERE ${cases('readClinical')} AND g.client_id IS NULL AND g.lifecycle_status = 'active'
           AND cardinality(a.reasons) > 0
         ORDER BY client_number NULLS LAST, created_at, id`;
    }, ctx);
  }

  /** Milestones reached and goals achieved in the last 14 days. */
  celebrations(ctx: DashboardContext) {
    return this.run(
      (p, { scope, cases }) => `
        SELECT 'milestone' AS kind, m.id, m.goal_id, m.client_id, NULL::uuid AS case_id, m.title, m.reached_at AS at, ${CLIENT_NUMBER} AS client_number
          FROM goal_milestones m JOIN clients c ON c.practice_id = m.practice_id AND c.id = m.client_id
         WHERE ${scope('readClinical')} AND m.reached_at >= ${p.add(ctx.now)}::timestamptz - interval '14 days'
        UNION ALL
        SELECT 'milestone', m.id, m.goal_id, NULL, m.case_id, m.title, m.reached_at, NULL
          FROM goal_milestones m JOIN cases k ON k.practice_id = m.practice_id AND k.id = m.case_id
         WHERE ${cases('readClinical')} AND m.client_id IS NULL
           AND m.reached_at >= ${p.add(ctx.now)}::timestamptz - interval '14 days'
        UNION ALL
        SELECT 'goal_achieved', g.id, g.id, g.client_id, NULL, g.description, g.achievement_set_at, ${CLIENT_NUMBER}
          FROM trust_goals g JOIN clients c ON c.practice_id = g.practice_id AND c.id = g.client_id
         WHERE ${scope('readClinical')} AND g.achievement_status IN ('achieved', 'sustaining')
           AND g.achievement_set_at >= ${p.add(ctx.now)}::timestamptz - interval '14 days'
        UNION ALL
        SELECT 'goal_achieved', g.id, g.id, NULL, g.case_id, g.description, g.achievement_set_at, NULL
          FROM trust_goals g JOIN cases k ON k.practice_id = g.practice_id AND k.id = g.case_id
         WHERE ${cases('readClinical')} AND g.client_id IS NULL AND g.achievement_status IN ('achieved', 'sustaining')
           AND g.achievement_set_at >= ${p.add(ctx.now)}::timestamptz - interval '14 days'
         ORDER BY at DESC`,
      ctx,
    );
  }

  setbacks(ctx: DashboardContext) {
    return this.run(
      (p, { scope, cases }) => `
        SELECT b.id, b.goal_id, b.client_id, NULL::uuid AS case_id, b.kind, b.severity, b.occurred_at, ${CLIENT_NUMBER} AS client_number
          FROM goal_setbacks b JOIN clients c ON c.practice_id = b.practice_id AND c.id = b.client_id
         WHERE ${scope('readClinical')} AND b.occurred_at >= ${p.add(ctx.now)}::timestamptz - interval '14 days'
        UNION ALL
        SELECT b.id, b.goal_id, NULL, b.case_id, b.kind, b.severity, b.occurred_at, NULL
          FROM goal_setbacks b JOIN cases k ON k.practice_id = b.practice_id AND k.id = b.case_id
         WHERE ${cases('readClinical')} AND b.client_id IS NULL
           AND b.occurred_at >= ${p.add(ctx.now)}::timestamptz - interval '14 days'
         ORDER BY occurred_at DESC`,
      ctx,
    );
  }

  /** Violations of the last 14 days, agreements awaiting acknowledgment, and agreements due for review. */
  boundaries(ctx: DashboardContext) {
    return this.run((p, { scope, cases }) => {
      const since = `${p.add(ctx.now)}::timestamptz - interval '14 days'`;
      const reviewBy = `${p.add(ctx.today)}::date + ${p.add(ctx.reviewNoticeDays)}::int`;
      // A party yet to acknowledge the current version (a case's parties are persons).
      const unacknowledged = `EXISTS (SELECT 1 FROM boundary_agreement_parties bp WHERE bp.practice_id = a.practice_id AND bp.agreement_id = a.id
                         AND NOT EXISTS (SELECT 1 FROM boundary_acknowledgments ak
                                          WHERE ak.practice_id = a.practice_id AND ak.agreement_id = a.id
                                            AND ak.version_number = a.current_version
                                            AND coalesce(ak.person_id, ak.family_member_id) IS NOT DISTINCT FROM
                                                coalesce(bp.person_id, bp.family_member_id)))`;
      return `
        SELECT 'violation' AS kind, v.id, v.agreement_id, v.client_id, NULL::uuid AS case_id, v.severity, v.occurred_at AS at, NULL::date AS review_date
          FROM boundary_violations v JOIN clients c ON c.practice_id = v.practice_id AND c.id = v.client_id
         WHERE ${scope('readClinical')} AND v.occurred_at >= ${since}
        UNION ALL
        SELECT 'violation', v.id, v.agreement_id, NULL, v.case_id, v.severity, v.occurred_at, NULL
          FROM boundary_violations v JOIN cases k ON k.practice_id = v.practice_id AND k.id = v.case_id
         WHERE ${cases('readClinical')} AND v.client_id IS NULL AND v.occurred_at >= ${since}
        UNION ALL
        SELECT 'awaiting_acknowledgment', a.id, a.id, a.client_id, NULL, NULL, a.updated_at, a.review_date
          FROM boundary_agreements a JOIN clients c ON c.practice_id = a.practice_id AND c.id = a.client_id
         WHERE ${scope('readClinical')} AND a.status IN ('proposed', 'under_review') AND ${unacknowledged}
        UNION ALL
        SELECT 'awaiting_acknowledgment', a.id, a.id, NULL, a.case_id, NULL, a.updated_at, a.review_date
          FROM boundary_agreements a JOIN cases k ON k.practice_id = a.practice_id AND k.id = a.case_id
         WHERE ${cases('readClinical')} AND a.client_id IS NULL AND a.status IN ('proposed', 'under_review')
           AND ${unacknowledged}
        UNION ALL
        SELECT 'review_due', a.id, a.id, a.client_id, NULL, NULL, NULL, a.review_date
          FROM boundary_agreements a JOIN clients c ON c.practice_id = a.practice_id AND c.id = a.client_id
         WHERE ${scope('readClinical')} AND a.status IN ('active', 'under_review') AND a.review_date <= ${reviewBy}
        UNION ALL
        SELECT 'review_due', a.id, a.id, NULL, a.case_id, NULL, NULL, a.review_date
          FROM boundary_agreements a JOIN cases k ON k.practice_id = a.practice_id AND k.id = a.case_id
         WHERE ${cases('readClinical')} AND a.client_id IS NULL AND a.status IN ('active', 'under_review')
           AND a.review_date <= ${reviewBy}
         ORDER BY 1, 7 DESC NULLS LAST, 8`;
    }, ctx);
  }

  /** Emergency grants of the last 30 days, on clients of the subject's care teams, to people outside those teams. */
  emergencyGrants(ctx: DashboardContext) {
    return this.run((p, { viewer }) => {
      const practice = p.add(ctx.subject.practiceId);
      return `
        SELECT g.id, g.client_id, g.staff_id, s.first_name || ' ' || s.last_name AS staff_name, g.reason, g.granted_at, g.expires_at
          FROM emergency_access_grants g JOIN staff s ON s.practice_id = g.practice_id AND s.id = g.staff_id
          JOIN clients c ON c.practice_id = g.practice_id AND c.id = g.client_id
         WHERE g.practice_id = ${practice} AND g.granted_at >= ${p.add(ctx.now)}::timestamptz - interval '30 days' AND ${viewer('readClinical')}
           AND EXISTS (SELECT 1 FROM care_team_members m WHERE m.practice_id = g.practice_id AND m.client_id = g.client_id
                         AND m.staff_id = ${p.add(ctx.subject.id)} AND m.removed_at IS NULL)
           AND NOT EXISTS (SELECT 1 FROM care_team_members m WHERE m.practice_id = g.practice_id AND m.client_id = g.client_id
                             AND m.staff_id = g.staff_id AND m.removed_at IS NULL)
         ORDER BY g.granted_at DESC`;
    }, ctx);
  }
}
