import { computeTrustMetrics, type CheckInFacts } from '../trust-goals/trust-metrics';
import type { PartyId } from '../parties/party';

export type AttentionReason =
  'target_date_passed' | 'stalled' | 'trust_falling' | 'low_reliability';

/** A goal with the check-ins the dashboard loaded for it (oldest first). */
export interface GoalFacts {
  id: string;
  clientId: string;
  parties: PartyId[];
  targetRating: number;
  targetDate: string | null;
  startDate: string;
  achievementStatus: string;
  checkIns: CheckInFacts[];
}

/**
 * Why a goal needs a clinician's attention: its target date has passed without it being achieved,
 * no check-in for `stallDays` (counting from the start when there is none), trust falling (the
 * check-ins suggest "worsening"), or commitments kept less than half of the time.
 */
export function attentionReasons(
  goal: GoalFacts,
  today: string,
  stallDays: number,
): AttentionReason[] {
  const metrics = computeTrustMetrics({
    parties: goal.parties,
    targetRating: goal.targetRating,
    checkIns: goal.checkIns,
    today,
  });
  const reasons: AttentionReason[] = [];
  const done = goal.achievementStatus === 'achieved' || goal.achievementStatus === 'sustaining';
  if (goal.targetDate && goal.targetDate < today && !done) reasons.push('target_date_passed');
  const idleDays = metrics.daysSinceLastCheckIn ?? daysFrom(goal.startDate, today);
  if (idleDays > stallDays) reasons.push('stalled');
  if (metrics.suggestedAchievementStatus === 'worsening') reasons.push('trust_falling');
  if (metrics.reliability.ratio !== null && metrics.reliability.ratio < 0.5)
    reasons.push('low_reliability');
  return reasons;
}

function daysFrom(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}
