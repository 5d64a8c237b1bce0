/** The strategies of the design (from the articles in shared/seeds). */
export const STRATEGIES = [
  'accountability_and_apology',
  'open_and_honest_communication',
  'consistency_and_reliability',
  'healthy_boundaries',
  'counseling_or_mediation',
  'patience_and_time',
  'active_listening',
  'expressing_appreciation',
  'conflict_resolution',
  'quality_time',
  'forgiveness',
  'self_esteem_and_self_compassion',
] as const;
export type Strategy = (typeof STRATEGIES)[number];

/** FHIR Goal.lifecycleStatus, the subset a family-therapy goal goes through. */
export const LIFECYCLE_STATUSES = [
  'proposed',
  'active',
  'on_hold',
  'completed',
  'cancelled',
  'entered_in_error',
] as const;
export type LifecycleStatus = (typeof LIFECYCLE_STATUSES)[number];

/** FHIR Goal.achievementStatus. Set by the clinician; the service only suggests one. */
export const ACHIEVEMENT_STATUSES = [
  'in_progress',
  'improving',
  'worsening',
  'no_change',
  'achieved',
  'sustaining',
  'not_achieved',
] as const;
export type AchievementStatus = (typeof ACHIEVEMENT_STATUSES)[number];

export const PRIORITIES = ['high', 'medium', 'low'] as const;
export type Priority = (typeof PRIORITIES)[number];

export const CADENCES = ['daily', 'weekly', 'biweekly', 'monthly', 'once'] as const;
export type Cadence = (typeof CADENCES)[number];

export const COMMITMENT_STATUSES = ['active', 'paused', 'ended'] as const;
export type CommitmentStatus = (typeof COMMITMENT_STATUSES)[number];

export const SETBACK_KINDS = [
  'relapse',
  'broken_commitment',
  'boundary_violation',
  'escalated_conflict',
  'discovered_lie',
  'other',
] as const;
export type SetbackKind = (typeof SETBACK_KINDS)[number];

/** The same scale as boundary violations. */
export const SEVERITIES = ['minor', 'moderate', 'major'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** Trust ratings are whole numbers on a 0-10 scale. */
export const MIN_RATING = 0;
export const MAX_RATING = 10;
