import { partyViewOf, type PartyId } from '../parties/party';
import type {
  CheckInView,
  CommitmentView,
  MilestoneView,
  SetbackView,
} from './dto/goal-records.dto';
import type { DerivedFiguresView, TrustGoalView } from './dto/trust-goal.dto';
import type {
  AchievementStatus,
  Cadence,
  CommitmentStatus,
  LifecycleStatus,
  Priority,
  SetbackKind,
  Severity,
  Strategy,
} from './goal-vocabulary';
import type { CheckInFacts, TrustMetrics } from './trust-metrics';

/**
 * A `trust_goals` row (dates as `YYYY-MM-DD` strings). A client's goal names its parties by family
 * member (null: the client); a case's goal (`client_id` null) by person of the case.
 */
export interface GoalRow {
  id: string;
  practice_id: string;
  client_id: string | null;
  case_id: string | null;
  party_a_family_member_id: string | null;
  party_b_family_member_id: string | null;
  party_a_person_id: string | null;
  party_b_person_id: string | null;
  strategy: Strategy;
  description: string;
  lifecycle_status: LifecycleStatus;
  status_reason: string | null;
  achievement_status: AchievementStatus;
  achievement_set_by: string | null;
  achievement_set_at: Date | null;
  baseline_rating: number;
  target_rating: number;
  start_date: string;
  target_date: string | null;
  priority: Priority;
  version: number;
  created_by: string | null;
  created_at: Date;
  updated_at: Date;
}

export const GOAL_COLUMNS = `g.id, g.practice_id, g.client_id, g.case_id, g.party_a_family_member_id,
  g.party_b_family_member_id, g.party_a_person_id, g.party_b_person_id,
  g.strategy, g.description, g.lifecycle_status, g.status_reason, g.achievement_status, g.achievement_set_by,
  g.achievement_set_at, g.baseline_rating, g.target_rating, g.start_date, g.target_date, g.priority, g.version,
  g.created_by, g.created_at, g.updated_at`;

/** A goal with what its view and derived figures need, read in one statement. */
export interface GoalDetailRow extends GoalRow {
  today: string;
  commitments: CommitmentJson[];
  milestones: MilestoneJson[];
  check_ins: CheckInFacts[];
}

// Sub-records are built as JSON by PostgreSQL (timestamps as ISO strings), the same way whether
// one is returned after a write or many are aggregated into a goal or a timeline.
export interface CommitmentJson {
  id: string;
  goalId: string;
  ownerFamilyMemberId: string | null;
  description: string;
  cadence: Cadence;
  status: CommitmentStatus;
  statusChangedAt: string;
  endedAt: string | null;
  createdAt: string;
}

/** `ownerFamilyMemberId` is the owner's stored id: a person's id on a case's goal. */
export const commitmentJson = (c: string): string => `json_build_object('id', ${c}.id,
  'goalId', ${c}.goal_id, 'ownerFamilyMemberId', coalesce(${c}.owner_person_id, ${c}.owner_family_member_id), 'description', ${c}.description,
  'cadence', ${c}.cadence, 'status', ${c}.status, 'statusChangedAt', ${c}.status_changed_at,
  'endedAt', ${c}.ended_at, 'createdAt', ${c}.created_at)`;

export interface MilestoneJson {
  id: string;
  goalId: string;
  title: string;
  description: string | null;
  targetDate: string | null;
  reachedAt: string | null;
  reachedBy: string | null;
  celebrationNote: string | null;
  createdAt: string;
}

export const milestoneJson = (m: string): string => `json_build_object('id', ${m}.id,
  'goalId', ${m}.goal_id, 'title', ${m}.title, 'description', ${m}.description, 'targetDate', ${m}.target_date,
  'reachedAt', ${m}.reached_at, 'reachedBy', ${m}.reached_by, 'celebrationNote', ${m}.celebration_note,
  'createdAt', ${m}.created_at)`;

export interface CheckInJson {
  id: string;
  goalId: string;
  occurredAt: string;
  occurredOn: string;
  sessionId: string | null;
  ratings: { familyMemberId: PartyId; rating: number }[];
  kept: number;
  missed: number;
  note: string | null;
  recordedBy: string;
  createdAt: string;
}

/**
 * `familyMemberId` is the rating party's stored id: a person's id on a case's goal. `byPerson`
 * false reads the schema from before cases held goals (for a migration ordered before that one).
 */
const ratingsOf = (ci: string, byPerson = true): string => {
  const party = byPerson ? 'coalesce(r.person_id, r.family_member_id)' : 'r.family_member_id';
  return `coalesce((SELECT json_agg(json_build_object('familyMemberId', ${party}, 'rating', r.rating)
    ORDER BY ${party} NULLS FIRST)
  FROM goal_check_in_ratings r
  WHERE r.practice_id = ${ci}.practice_id AND r.goal_id = ${ci}.goal_id AND r.check_in_id = ${ci}.id), '[]'::json)`;
};

/** `timeZone`: an SQL expression of the practice's time zone (dates are the practice's). */
export const checkInJson = (
  ci: string,
  timeZone: string,
): string => `json_build_object('id', ${ci}.id,
  'goalId', ${ci}.goal_id, 'occurredAt', ${ci}.occurred_at, 'occurredOn', (${ci}.occurred_at AT TIME ZONE ${timeZone})::date,
  'sessionId', ${ci}.session_id, 'ratings', ${ratingsOf(ci)}, 'kept', ${ci}.commitments_kept,
  'missed', ${ci}.commitments_missed, 'note', ${ci}.note, 'recordedBy', ${ci}.recorded_by, 'createdAt', ${ci}.created_at)`;

/** Just what the derived figures need from a check-in (`byPerson`: see ratingsOf). */
export const checkInFacts = (ci: string, timeZone: string, byPerson = true): string =>
  `json_build_object('on', (${ci}.occurred_at AT TIME ZONE ${timeZone})::date, 'kept', ${ci}.commitments_kept,
  'missed', ${ci}.commitments_missed, 'ratings', ${ratingsOf(ci, byPerson)})`;

export interface SetbackJson {
  id: string;
  goalId: string;
  kind: SetbackKind;
  severity: Severity;
  occurredAt: string;
  occurredOn: string;
  description: string;
  responsePlan: string;
  boundaryViolationId: string | null;
  commitmentId: string | null;
  recordedBy: string;
  createdAt: string;
}

export const setbackJson = (
  s: string,
  timeZone: string,
): string => `json_build_object('id', ${s}.id,
  'goalId', ${s}.goal_id, 'kind', ${s}.kind, 'severity', ${s}.severity, 'occurredAt', ${s}.occurred_at,
  'occurredOn', (${s}.occurred_at AT TIME ZONE ${timeZone})::date, 'description', ${s}.description,
  'responsePlan', ${s}.response_plan, 'boundaryViolationId', ${s}.boundary_violation_id,
  'commitmentId', ${s}.commitment_id, 'recordedBy', ${s}.recorded_by, 'createdAt', ${s}.created_at)`;

/** Over `trust_goals g JOIN practices p`: the goal, its commitments and milestones, its check-ins' facts. */
export const GOAL_DETAIL_COLUMNS = `${GOAL_COLUMNS}, (now() AT TIME ZONE p.time_zone)::date AS today,
  coalesce((SELECT json_agg(${commitmentJson('c')} ORDER BY c.created_at, c.id) FROM goal_commitments c
             WHERE c.practice_id = g.practice_id AND c.goal_id = g.id), '[]'::json) AS commitments,
  coalesce((SELECT json_agg(${milestoneJson('m')} ORDER BY m.target_date NULLS LAST, m.created_at, m.id)
              FROM goal_milestones m WHERE m.practice_id = g.practice_id AND m.goal_id = g.id), '[]'::json) AS milestones,
  coalesce((SELECT json_agg(${checkInFacts('ci', 'p.time_zone')} ORDER BY ci.occurred_at, ci.created_at, ci.id)
              FROM goal_check_ins ci WHERE ci.practice_id = g.practice_id AND ci.goal_id = g.id), '[]'::json) AS check_ins`;

export function goalParties(goal: GoalRow): PartyId[] {
  return goal.client_id === null
    ? [goal.party_a_person_id, goal.party_b_person_id]
    : [goal.party_a_family_member_id, goal.party_b_family_member_id];
}

/** A case's goal names its parties by person. */
export const byPerson = (goal: Pick<GoalRow, 'client_id'>): boolean => goal.client_id === null;

export function toGoalView(
  row: GoalDetailRow,
  figures: TrustMetrics,
  trendWindow: number,
): TrustGoalView {
  return {
    id: row.id,
    clientId: row.client_id,
    caseId: row.case_id,
    parties: goalParties(row).map((party) => partyViewOf(party, byPerson(row))),
    strategy: row.strategy,
    description: row.description,
    lifecycleStatus: row.lifecycle_status,
    statusReason: row.status_reason,
    achievementStatus: row.achievement_status,
    achievementSetBy: row.achievement_set_by,
    achievementSetAt: row.achievement_set_at?.toISOString() ?? null,
    baselineRating: row.baseline_rating,
    targetRating: row.target_rating,
    startDate: row.start_date,
    targetDate: row.target_date,
    priority: row.priority,
    commitments: row.commitments.map((c) => toCommitmentView(c, byPerson(row))),
    milestones: row.milestones.map(toMilestoneView),
    derived: toFiguresView(row, figures, trendWindow),
    createdBy: row.created_by,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

function toFiguresView(
  row: GoalDetailRow,
  figures: TrustMetrics,
  trendWindow: number,
): DerivedFiguresView {
  const suggested = figures.suggestedAchievementStatus;
  return {
    computedOn: row.today,
    checkInCount: figures.checkInCount,
    lastCheckInOn: figures.lastCheckInOn,
    daysSinceLastCheckIn: figures.daysSinceLastCheckIn,
    parties: figures.parties.map((party) => ({
      ...partyViewOf(party.familyMemberId, byPerson(row)),
      currentRating: party.currentRating,
      ratedOn: party.ratedOn,
      lastChange: party.lastChange,
      trend: { ...party.trend, slope: round(party.trend.slope, 3) },
    })),
    reliability: { ...figures.reliability, ratio: round(figures.reliability.ratio, 4) },
    trendWindow,
    targetMetStreak: figures.targetMetStreak,
    suggestedAchievementStatus: suggested,
    suggestionDiffers: suggested !== null && suggested !== row.achievement_status,
  };
}

/** `personal`: the commitment is one of a case's goal, whose parties are persons. */
export function toCommitmentView(json: CommitmentJson, personal = false): CommitmentView {
  return {
    id: json.id,
    goalId: json.goalId,
    owner: partyViewOf(json.ownerFamilyMemberId, personal),
    description: json.description,
    cadence: json.cadence,
    status: json.status,
    statusChangedAt: iso(json.statusChangedAt),
    endedAt: json.endedAt === null ? null : iso(json.endedAt),
    createdAt: iso(json.createdAt),
  };
}

export function toMilestoneView(json: MilestoneJson): MilestoneView {
  return {
    ...json,
    reachedAt: json.reachedAt === null ? null : iso(json.reachedAt),
    createdAt: iso(json.createdAt),
  };
}

/** `personal`: the check-in is one of a case's goal, whose parties are persons. */
export function toCheckInView(json: CheckInJson, personal = false): CheckInView {
  return {
    id: json.id,
    goalId: json.goalId,
    occurredAt: iso(json.occurredAt),
    occurredOn: json.occurredOn,
    sessionId: json.sessionId,
    ratings: json.ratings.map((r) => ({
      ...partyViewOf(r.familyMemberId, personal),
      rating: r.rating,
    })),
    commitmentsKept: json.kept,
    commitmentsMissed: json.missed,
    note: json.note,
    recordedBy: json.recordedBy,
    createdAt: iso(json.createdAt),
  };
}

export function toSetbackView(json: SetbackJson): SetbackView {
  return { ...json, occurredAt: iso(json.occurredAt), createdAt: iso(json.createdAt) };
}

function iso(timestamp: string): string {
  return new Date(timestamp).toISOString();
}

function round(value: number | null, digits: number): number | null {
  return value === null ? null : Number(value.toFixed(digits));
}

/** A goal with everything its timeline draws, as one row. */
export interface TimelineRow extends GoalRow {
  check_ins: CheckInJson[];
  setbacks: SetbackJson[];
  milestones: (MilestoneJson & { reachedOn: string | null })[];
}
