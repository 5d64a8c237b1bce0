import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { CaseAccessService } from '../access/case-access.service';
import { AuditService } from '../audit/audit.service';
import type { StaffActor } from '../common/actor/actor';
import { queryPrepared } from '../common/sql/prepared';
import { partyViewOf, type PartyId } from '../parties/party';
import { computeTrustMetrics, type CheckInFacts } from '../trust-goals/trust-metrics';
import { toCaseView } from './case.row';
import type { CaseMemberView } from './dto/case-member.dto';
import type { CaseSummarySession, CaseSummaryView } from './dto/case-summary.dto';

interface SessionJson {
  id: string;
  starts_at: string;
  status: string;
  modality: string;
  setting: string;
}

interface SummaryRow {
  today: string;
  members: CaseMemberView[];
  care_team: { staffId: string; name: string; role: string }[];
  next_session: SessionJson | null;
  last_session: SessionJson | null;
  goals: {
    id: string;
    strategy: string;
    lifecycle_status: string;
    achievement_status: string;
    target_rating: number;
    parties: PartyId[];
    check_ins: CheckInFacts[];
  }[];
  agreements: {
    id: string;
    title: string;
    status: string;
    current_version: number;
    review_date: string | null;
    parties: PartyId[];
  }[];
}

/** Persons of the case with the names from where each is recorded (chart, family member, case only). */
const MEMBERS = `coalesce((SELECT json_agg(json_build_object('personId', m.person_id, 'clientId', c.id,
      'firstName', coalesce(c.first_name, f.first_name, n.first_name),
      'lastName', coalesce(c.last_name, f.last_name, n.last_name),
      'role', m.role, 'participation', m.participation) ORDER BY m.added_at, m.person_id)
    FROM case_members m
    JOIN persons n ON n.practice_id = m.practice_id AND n.id = m.person_id
    LEFT JOIN clients c ON c.practice_id = m.practice_id AND c.person_id = m.person_id
    LEFT JOIN LATERAL (SELECT f.first_name, f.last_name FROM family_members f
            WHERE f.practice_id = m.practice_id AND f.person_id = m.person_id
            ORDER BY f.created_at LIMIT 1) f ON true
   WHERE m.practice_id = $1 AND m.case_id = $2), '[]'::json)`;

const SESSION = `json_build_object('id', t.id, 'starts_at', t.starts_at, 'status', t.status,
  'modality', t.modality, 'setting', t.setting)`;

/**
 * A case at a glance for its clinicians: its persons, care team, next and last sessions, and the
 * open goals (with each party's latest rating) and agreements it holds. One statement, whatever
 * the case holds: check-in facts come aggregated per goal, figures are derived here as the goal
 * view derives them (trust-metrics.ts).
 */
@Injectable()
export class CaseSummaryService {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly access: CaseAccessService,
    private readonly audit: AuditService,
  ) {}

  async summary(actor: StaffActor, caseId: string): Promise<CaseSummaryView> {
    const { kase, via } = await this.access.require(actor, caseId, 'readClinical');
    const [row] = await queryPrepared<SummaryRow>(
      this.txHost.tx,
      `SELECT (now() AT TIME ZONE p.time_zone)::date::text AS today, ${MEMBERS} AS members,
          coalesce((SELECT json_agg(json_build_object('staffId', s.id, 'name', s.first_name || ' ' || s.last_name,
                                                      'role', m.role)
                                    ORDER BY m.role = 'primary_counselor' DESC, m.added_at)
                      FROM case_care_team_members m JOIN staff s ON s.practice_id = m.practice_id AND s.id = m.staff_id
                     WHERE m.practice_id = $1 AND m.case_id = $2 AND m.removed_at IS NULL), '[]'::json) AS care_team,
          (SELECT ${SESSION} FROM therapy_sessions t
            WHERE t.practice_id = $1 AND t.case_id = $2 AND t.status = 'scheduled' AND t.starts_at > now()
            ORDER BY t.starts_at LIMIT 1) AS next_session,
          (SELECT ${SESSION} FROM therapy_sessions t
            WHERE t.practice_id = $1 AND t.case_id = $2 AND t.status <> 'cancelled' AND t.starts_at <= now()
            ORDER BY t.starts_at DESC LIMIT 1) AS last_session,
          coalesce((SELECT json_agg(json_build_object('id', g.id, 'strategy', g.strategy,
                      'lifecycle_status', g.lifecycle_status, 'achievement_status', g.achievement_status,
                      'target_rating', g.target_rating, 'parties', json_build_array(g.party_a_person_id, g.party_b_person_id),
                      'check_ins', coalesce((SELECT json_agg(json_build_object(
                          'on', (k.occurred_at AT TIME ZONE p.time_zone)::date, 'kept', k.commitments_kept,
                          'missed', k.commitments_missed,
                          'ratings', coalesce((SELECT json_agg(json_build_object('familyMemberId', r.person_id, 'rating', r.rating))
                                                 FROM goal_check_in_ratings r
                                                WHERE r.practice_id = k.practice_id AND r.goal_id = k.goal_id
                                                  AND r.check_in_id = k.id), '[]'::json))
                          ORDER BY k.occurred_at, k.created_at, k.id)
                        FROM goal_check_ins k WHERE k.practice_id = g.practice_id AND k.goal_id = g.id), '[]'::json))
                      ORDER BY g.created_at, g.id)
                      FROM trust_goals g
                     WHERE g.practice_id = $1 AND g.case_id = $2 AND g.client_id IS NULL
                       AND g.lifecycle_status IN ('proposed', 'active', 'on_hold')), '[]'::json) AS goals,
          coalesce((SELECT json_agg(json_build_object('id', a.id, 'title', a.title, 'status', a.status,
                      'current_version', a.current_version, 'review_date', a.review_date,
                      'parties', (SELECT json_agg(ap.person_id ORDER BY ap.person_id) FROM boundary_agreement_parties ap
                                   WHERE ap.practice_id = a.practice_id AND ap.agreement_id = a.id))
                      ORDER BY a.created_at, a.id)
                      FROM boundary_agreements a
                     WHERE a.practice_id = $1 AND a.case_id = $2 AND a.client_id IS NULL
                       AND a.status IN ('proposed', 'active', 'under_review')), '[]'::json) AS agreements
         FROM practices p WHERE p.id = $1`,
      [actor.practiceId, caseId],
    );
    const summary = row!;
    await this.audit.record({
      action: 'read',
      resourceType: 'case_summary',
      resourceId: caseId,
      metadata: { via },
    });
    return {
      case: toCaseView(kase),
      members: summary.members,
      careTeam: summary.care_team,
      nextSession: toSession(summary.next_session),
      lastSession: toSession(summary.last_session),
      goals: summary.goals.map((goal) => {
        const metrics = computeTrustMetrics({
          parties: goal.parties,
          targetRating: goal.target_rating,
          checkIns: goal.check_ins,
          today: summary.today,
        });
        return {
          id: goal.id,
          strategy: goal.strategy,
          lifecycleStatus: goal.lifecycle_status,
          achievementStatus: goal.achievement_status,
          targetRating: goal.target_rating,
          checkInCount: metrics.checkInCount,
          lastCheckInOn: metrics.lastCheckInOn,
          suggestedAchievementStatus: metrics.suggestedAchievementStatus,
          parties: metrics.parties.map((party) => ({
            party: partyViewOf(party.familyMemberId, true),
            currentRating: party.currentRating,
            ratedOn: party.ratedOn,
            trendSlope: party.trend.slope,
          })),
        };
      }),
      agreements: summary.agreements.map((agreement) => ({
        id: agreement.id,
        title: agreement.title,
        status: agreement.status,
        currentVersion: agreement.current_version,
        reviewDate: agreement.review_date,
        parties: agreement.parties.map((party) => partyViewOf(party, true)),
      })),
    };
  }
}

function toSession(json: SessionJson | null): CaseSummarySession | null {
  if (!json) return null;
  const { starts_at, ...rest } = json;
  return { ...rest, startsAt: new Date(starts_at).toISOString() };
}
