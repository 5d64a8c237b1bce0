import { Injectable } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { ClientAccessService } from '../access/client-access.service';
import { AuditService } from '../audit/audit.service';
import type { StaffActor } from '../common/actor/actor';
import { ClientView, toClientView } from '../clients/client.row';
import { PartyView, toPartyView } from '../parties/party';
import { computeTrustMetrics } from '../trust-goals/trust-metrics';
import { inReliabilityWindow } from './goal-attention';
import { queryPrepared } from '../common/sql/prepared';
import type { SummaryRow } from './client-summary.row';

class SummaryCareTeamMember {
  @ApiProperty({ format: 'uuid' }) staffId!: string;
  @ApiProperty() name!: string;
  @ApiProperty() role!: string;
}

class SummaryNextSession {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'date-time' }) startsAt!: string;
  @ApiProperty() modality!: string;
  @ApiProperty() setting!: string;
}

class SummaryGoalParty {
  @ApiProperty({ type: PartyView }) party!: PartyView;
  @ApiPropertyOptional({ nullable: true, type: Number }) currentRating!: number | null;
  @ApiPropertyOptional({ nullable: true, type: Number }) trendSlope!: number | null;
  @ApiProperty({
    type: [Number],
    description: 'Ratings of the latest check-ins, oldest first (a sparkline)',
  })
  series!: number[];
}

class SummaryGoal {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() strategy!: string;
  @ApiProperty() achievementStatus!: string;
  @ApiPropertyOptional({ nullable: true, type: String }) suggestedAchievementStatus!: string | null;
  @ApiPropertyOptional({ nullable: true, type: Number }) reliability!: number | null;
  @ApiProperty({ type: [SummaryGoalParty] }) parties!: SummaryGoalParty[];
}

class SummaryAgreement {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() title!: string;
  @ApiProperty() status!: string;
  @ApiProperty() violationCount!: number;
  @ApiProperty() openViolationCount!: number;
}

class SummarySetback {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) goalId!: string;
  @ApiProperty() kind!: string;
  @ApiProperty() severity!: string;
  @ApiProperty({ format: 'date-time' }) occurredAt!: string;
}

class SummaryCase {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() type!: string;
  @ApiProperty() label!: string;
  @ApiProperty() status!: string;
  @ApiProperty({ description: 'The client’s role in the case' }) role!: string;
}

class SummaryNote {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) sessionId!: string;
  @ApiProperty() status!: string;
  @ApiProperty({ format: 'date-time' }) startsAt!: string;
  @ApiPropertyOptional({ nullable: true, type: String }) caseType!: string | null;
  @ApiProperty({ type: [String], description: 'Initials of the persons of the case who came' })
  attendeeInitials!: string[];
}

export class ClientSummaryView {
  @ApiProperty({ type: ClientView }) client!: ClientView;
  @ApiProperty({ type: [SummaryCareTeamMember] }) careTeam!: SummaryCareTeamMember[];
  @ApiPropertyOptional({ type: SummaryNextSession, nullable: true })
  nextSession!: SummaryNextSession | null;
  @ApiPropertyOptional({
    nullable: true,
    type: Number,
    description: 'completed / (completed + no-shows + late cancels)',
  })
  attendanceRate!: number | null;
  @ApiProperty({ type: [SummaryGoal] }) goals!: SummaryGoal[];
  @ApiProperty({ type: [SummaryAgreement] }) agreements!: SummaryAgreement[];
  @ApiProperty({ type: [SummaryCase], description: 'The cases the client is a person of' })
  cases!: SummaryCase[];
  @ApiProperty({
    type: [SummaryNote],
    description: 'The five latest notes of the chart, joint sessions included',
  })
  recentNotes!: SummaryNote[];
  @ApiProperty({ type: [SummarySetback], description: 'The five latest' })
  recentSetbacks!: SummarySetback[];
}

/**
 * The sessions of the client's chart (the client's own, and those of a case they attended), as
 * the chart's notes list counts them (`SESSION_IN_CHART`), gathered from the client's own index
 * ranges: the same condition as one OR over every session made PostgreSQL walk the practice's
 * sessions newest first until five of this client's turned up, a cost that grew with the
 * practice (issue 19).
 */
const SESSIONS_IN_CHART = `
  SELECT t.id FROM therapy_sessions t WHERE t.practice_id = $1 AND t.client_id = $2
  UNION ALL
  SELECT a.session_id FROM clients c
    JOIN session_case_attendees a ON a.practice_id = c.practice_id AND a.person_id = c.person_id
   WHERE c.practice_id = $1 AND c.id = $2 AND a.attendance IN ('attended', 'late')`;

/** One call for a client's header: team, next session, attendance, goals with sparklines, agreements, setbacks. */
@Injectable()
export class ClientSummaryService {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly access: ClientAccessService,
    private readonly audit: AuditService,
  ) {}

  async summary(actor: StaffActor, clientId: string): Promise<ClientSummaryView> {
    const { client, via } = await this.access.require(actor, clientId, 'readClinical');
    const [row] = await queryPrepared<SummaryRow>(
      this.txHost.tx,
      `SELECT p.time_zone, (now() AT TIME ZONE p.time_zone)::date::text AS today,
          coalesce((SELECT json_agg(json_build_object('staff_id', s.id, 'name', s.first_name || ' ' || s.last_name, 'role', m.role)
                                    ORDER BY m.role = 'primary_counselor' DESC, m.added_at)
                      FROM care_team_members m JOIN staff s ON s.practice_id = m.practice_id AND s.id = m.staff_id
                     WHERE m.practice_id = $1 AND m.client_id = $2 AND m.removed_at IS NULL), '[]'::json) AS care_team,
          (SELECT json_build_object('id', t.id, 'starts_at', t.starts_at, 'modality', t.modality, 'setting', t.setting)
             FROM therapy_sessions t WHERE t.practice_id = $1 AND t.client_id = $2 AND t.status = 'scheduled' AND t.starts_at > now()
            ORDER BY t.starts_at LIMIT 1) AS next_session,
          (SELECT round(count(*) FILTER (WHERE t.status = 'completed')::numeric / nullif(count(*), 0), 4)::float8
             FROM therapy_sessions t WHERE t.practice_id = $1 AND t.client_id = $2
              AND t.status IN ('completed', 'no_show', 'late_cancel')) AS attendance_rate,
          coalesce((SELECT json_agg(json_build_object('id', g.id, 'strategy', g.strategy, 'achievement_status', g.achievement_status,
                      'party_a', g.party_a_family_member_id, 'party_b', g.party_b_family_member_id, 'target_rating', g.target_rating,
                      'suggested', g.suggested_achievement_status,
                      'reliability', (SELECT sum(k.commitments_kept)::float8 / nullif(sum(k.commitments_kept) + sum(k.commitments_missed), 0)
                                        FROM goal_check_ins k WHERE k.practice_id = g.practice_id AND k.goal_id = g.id
                                         AND ${inReliabilityWindow('k', '(now() AT TIME ZONE p.time_zone)::date', 'p.time_zone')}),
                      'check_ins', coalesce((SELECT json_agg(json_build_object('on', ci.on, 'kept', ci.kept, 'missed', ci.missed, 'ratings', ci.ratings)
                                                     ORDER BY ci.occurred_at, ci.created_at)
                        FROM (SELECT (k.occurred_at AT TIME ZONE p.time_zone)::date::text AS on, k.occurred_at, k.created_at,
                                     k.commitments_kept AS kept, k.commitments_missed AS missed,
                                     coalesce((SELECT json_agg(json_build_object('familyMemberId', r.family_member_id, 'rating', r.rating))
                                                 FROM goal_check_in_ratings r WHERE r.practice_id = k.practice_id AND r.goal_id = k.goal_id AND r.check_in_id = k.id), '[]'::json) AS ratings
                                FROM goal_check_ins k WHERE k.practice_id = g.practice_id AND k.goal_id = g.id
                               ORDER BY k.occurred_at DESC, k.created_at DESC LIMIT 12) ci), '[]'::json)) ORDER BY g.created_at)
                      FROM trust_goals g WHERE g.practice_id = $1 AND g.client_id = $2 AND g.lifecycle_status IN ('proposed', 'active', 'on_hold')),
                   '[]'::json) AS goals,
          coalesce((SELECT json_agg(json_build_object('id', a.id, 'title', a.title, 'status', a.status,
                      'violations', (SELECT count(*) FROM boundary_violations v WHERE v.practice_id = a.practice_id AND v.agreement_id = a.id),
                      'open_violations', (SELECT count(*) FROM boundary_violations v
                                           WHERE v.practice_id = a.practice_id AND v.agreement_id = a.id AND v.resolved_at IS NULL))
                                    ORDER BY a.created_at)
                      FROM boundary_agreements a WHERE a.practice_id = $1 AND a.client_id = $2 AND a.status IN ('active', 'under_review')),
                   '[]'::json) AS agreements,
          coalesce((SELECT json_agg(json_build_object('id', k.id, 'type', k.case_type, 'label', k.label, 'status', k.status,
                                                      'role', m.role) ORDER BY k.opened_on DESC, k.id)
                      FROM clients c JOIN case_members m ON m.practice_id = c.practice_id AND m.person_id = c.person_id
                      JOIN cases k ON k.practice_id = m.practice_id AND k.id = m.case_id
                     WHERE c.practice_id = $1 AND c.id = $2 AND k.status <> 'entered_in_error'), '[]'::json) AS cases,
          coalesce((SELECT json_agg(x ORDER BY x.starts_at DESC) FROM (
                      SELECT n.id, n.session_id, n.status, s.starts_at, k.case_type,
                             ARRAY(SELECT upper(left(coalesce(ac.first_name, af.first_name, ap.first_name), 1)
                                                || left(coalesce(ac.last_name, af.last_name, ap.last_name, ''), 1))
                                     FROM session_case_attendees a
                                     JOIN persons ap ON ap.practice_id = a.practice_id AND ap.id = a.person_id
                                     LEFT JOIN clients ac ON ac.practice_id = a.practice_id AND ac.person_id = a.person_id
                                     LEFT JOIN LATERAL (SELECT f.first_name, f.last_name FROM family_members f
                                             WHERE f.practice_id = a.practice_id AND f.person_id = a.person_id LIMIT 1) af ON true
                                    WHERE a.practice_id = s.practice_id AND a.session_id = s.id
                                      AND a.attendance IN ('attended', 'late')
                                    ORDER BY a.person_id) AS initials
                        FROM session_notes n JOIN therapy_sessions s ON s.practice_id = n.practice_id AND s.id = n.session_id
                        LEFT JOIN cases k ON k.practice_id = s.practice_id AND k.id = s.case_id
                       WHERE n.practice_id = $1 AND n.session_id IN (${SESSIONS_IN_CHART})
                       ORDER BY s.starts_at DESC LIMIT 5) x), '[]'::json) AS notes,
          coalesce((SELECT json_agg(x ORDER BY x.occurred_at DESC) FROM (
                      SELECT b.id, b.goal_id, b.kind, b.severity, b.occurred_at FROM goal_setbacks b
                       WHERE b.practice_id = $1 AND b.client_id = $2 ORDER BY b.occurred_at DESC LIMIT 5) x), '[]'::json) AS setbacks
         FROM practices p WHERE p.id = $1`,
      [actor.practiceId, clientId],
    );
    const summary = row!;
    await this.audit.record({
      action: 'read',
      resourceType: 'client_summary',
      resourceId: clientId,
      clientId,
      metadata: { via },
    });
    return {
      client: toClientView(client),
      careTeam: summary.care_team.map((m) => ({ staffId: m.staff_id, name: m.name, role: m.role })),
      nextSession: summary.next_session
        ? {
            id: summary.next_session.id,
            startsAt: new Date(summary.next_session.starts_at).toISOString(),
            modality: summary.next_session.modality,
            setting: summary.next_session.setting,
          }
        : null,
      attendanceRate: summary.attendance_rate,
      goals: summary.goals.map((goal) => {
        const parties = [goal.party_a, goal.party_b];
        const metrics = computeTrustMetrics({
          parties,
          targetRating: goal.target_rating,
          checkIns: goal.check_ins,
          today: summary.today,
        });
        return {
          id: goal.id,
          strategy: goal.strategy,
          achievementStatus: goal.achievement_status,
          suggestedAchievementStatus: goal.suggested,
          reliability: goal.reliability,
          parties: metrics.parties.map((party) => ({
            party: toPartyView(party.familyMemberId),
            currentRating: party.currentRating,
            trendSlope: party.trend.slope,
            series: goal.check_ins.flatMap((c) =>
              c.ratings
                .filter((r) => r.familyMemberId === party.familyMemberId)
                .map((r) => r.rating),
            ),
          })),
        };
      }),
      agreements: summary.agreements.map((a) => ({
        id: a.id,
        title: a.title,
        status: a.status,
        violationCount: Number(a.violations),
        openViolationCount: Number(a.open_violations),
      })),
      cases: summary.cases,
      recentNotes: summary.notes.map((n) => ({
        id: n.id,
        sessionId: n.session_id,
        status: n.status,
        startsAt: new Date(n.starts_at).toISOString(),
        caseType: n.case_type,
        attendeeInitials: n.initials,
      })),
      recentSetbacks: summary.setbacks.map((b) => ({
        id: b.id,
        goalId: b.goal_id,
        kind: b.kind,
        severity: b.severity,
        occurredAt: new Date(b.occurred_at).toISOString(),
      })),
    };
  }
}
