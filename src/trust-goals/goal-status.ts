import {
  ConflictProblem,
  UnprocessableProblem,
  ValidationProblem,
} from '../common/problem/problem';
import { GOAL_ERRORS } from './goal-errors';
import type { AchievementStatus, CommitmentStatus, LifecycleStatus } from './goal-vocabulary';

/**
 * Lifecycle (FHIR Goal.lifecycleStatus): `proposed → active ⇄ on_hold`; `active → completed`,
 * which can be re-opened (a relapse after the goal was met); anything not yet in error can be
 * cancelled or marked entered in error, and those are final (entered in error from cancelled too).
 */
const LIFECYCLE_TRANSITIONS: Record<LifecycleStatus, readonly LifecycleStatus[]> = {
  proposed: ['active', 'cancelled', 'entered_in_error'],
  active: ['on_hold', 'completed', 'cancelled', 'entered_in_error'],
  on_hold: ['active', 'cancelled', 'entered_in_error'],
  completed: ['active', 'entered_in_error'],
  cancelled: ['entered_in_error'],
  entered_in_error: [],
};

/**
 * Achievement (FHIR Goal.achievementStatus), set by the clinician. While the target has not been
 * met, any assessment may follow any other. Once met (`achieved`), trust either holds
 * (`sustaining`) or falls again (`worsening`) — it does not go back to "in progress".
 * `not_achieved` is a verdict given when the goal is closed, and only a re-opened goal leaves it.
 */
const ACHIEVEMENT_TRANSITIONS: Record<AchievementStatus, readonly AchievementStatus[]> = {
  in_progress: ['improving', 'worsening', 'no_change', 'achieved', 'sustaining', 'not_achieved'],
  improving: ['in_progress', 'worsening', 'no_change', 'achieved', 'sustaining', 'not_achieved'],
  worsening: ['in_progress', 'improving', 'no_change', 'achieved', 'sustaining', 'not_achieved'],
  no_change: ['in_progress', 'improving', 'worsening', 'achieved', 'sustaining', 'not_achieved'],
  achieved: ['sustaining', 'worsening'],
  sustaining: ['worsening'],
  not_achieved: ['in_progress', 'improving', 'worsening', 'no_change', 'achieved'],
};

/** A completed goal says how it ended. */
const COMPLETION_OUTCOMES: readonly AchievementStatus[] = [
  'achieved',
  'sustaining',
  'not_achieved',
];
const NEEDS_REASON: readonly LifecycleStatus[] = ['cancelled', 'entered_in_error'];

/** Goals that can still be planned: edited, given commitments and milestones. */
export const PLANNABLE: readonly LifecycleStatus[] = ['proposed', 'active', 'on_hold'];
/** Goals under way: check-ins and setbacks are recorded, milestones reached. */
export const UNDER_WAY: readonly LifecycleStatus[] = ['active', 'on_hold'];

export interface GoalStatuses {
  lifecycleStatus: LifecycleStatus;
  achievementStatus: AchievementStatus;
}

export interface StatusChangeRequest {
  lifecycleStatus?: LifecycleStatus;
  achievementStatus?: AchievementStatus;
  reason?: string;
}

export class GoalStatusTransitionError extends ConflictProblem {
  constructor(
    kind: 'lifecycle' | 'achievement',
    from: string,
    to: string,
    allowed: readonly string[],
    lifecycleStatus: LifecycleStatus,
  ) {
    super(
      GOAL_ERRORS.invalidStatusTransition,
      kind === 'lifecycle'
        ? `A goal cannot go from ${label(from)} to ${label(to)}.`
        : `The achievement status of this ${label(lifecycleStatus)} goal cannot go from ${label(from)} to ${label(to)}.`,
      {
        statusKind: kind,
        currentStatus: from,
        requestedStatus: to,
        allowedStatuses: allowed,
        lifecycleStatus,
      },
    );
  }
}

/** The goal is not in a lifecycle status that allows the action (e.g. a check-in on a cancelled goal). */
export class GoalStateError extends ConflictProblem {
  constructor(current: LifecycleStatus, action: string, required: readonly LifecycleStatus[]) {
    super(GOAL_ERRORS.goalNotUnderWay, `A ${label(current)} goal cannot ${action}.`, {
      currentStatus: current,
      requiredStatuses: required,
    });
  }
}

export function assertGoalState(
  current: LifecycleStatus,
  required: readonly LifecycleStatus[],
  action: string,
): void {
  if (!required.includes(current)) throw new GoalStateError(current, action, required);
}

/**
 * Checks a status change against the rules above and returns the statuses it leads to: 409 naming
 * the current, requested and allowed statuses for a refused transition, 422 naming the field for a
 * missing completion outcome or reason.
 */
export function planStatusChange(
  current: GoalStatuses,
  request: StatusChangeRequest,
): GoalStatuses {
  const { lifecycleStatus: to, achievementStatus: outcome } = request;
  if (to === undefined && outcome === undefined) {
    const message = 'one of lifecycleStatus and achievementStatus is required';
    throw new ValidationProblem([
      { field: 'lifecycleStatus', message },
      { field: 'achievementStatus', message },
    ]);
  }
  if (to !== undefined && !LIFECYCLE_TRANSITIONS[current.lifecycleStatus].includes(to)) {
    throw new GoalStatusTransitionError(
      'lifecycle',
      current.lifecycleStatus,
      to,
      LIFECYCLE_TRANSITIONS[current.lifecycleStatus],
      current.lifecycleStatus,
    );
  }
  const lifecycle = to ?? current.lifecycleStatus;
  if (outcome !== undefined) {
    const allowed = allowedAchievements(current, to);
    if (!allowed.includes(outcome)) {
      throw new GoalStatusTransitionError(
        'achievement',
        current.achievementStatus,
        outcome,
        allowed,
        lifecycle,
      );
    }
  }
  const achievement = outcome ?? current.achievementStatus;
  if (to === 'completed' && !COMPLETION_OUTCOMES.includes(achievement)) {
    throw new UnprocessableProblem(
      GOAL_ERRORS.completionOutcomeRequired,
      'A goal is completed as achieved, sustaining or not achieved: send achievementStatus with it.',
      [{ field: 'achievementStatus', message: 'must be achieved, sustaining or not_achieved' }],
    );
  }
  if (to !== undefined && NEEDS_REASON.includes(to) && !request.reason?.trim()) {
    throw new UnprocessableProblem(
      GOAL_ERRORS.statusReasonRequired,
      `A goal is ${label(to)} with a reason.`,
      [{ field: 'reason', message: `is required for ${to}` }],
    );
  }
  return { lifecycleStatus: lifecycle, achievementStatus: achievement };
}

/**
 * The achievement statuses the clinician may set now. Only a goal under way is assessed — or one
 * being closed in the same request (its verdict); `not_achieved` only then.
 */
export function allowedAchievements(
  current: GoalStatuses,
  newLifecycle?: LifecycleStatus,
): readonly AchievementStatus[] {
  const closing = newLifecycle === 'completed' || newLifecycle === 'cancelled';
  const lifecycle = newLifecycle ?? current.lifecycleStatus;
  if (!closing && !UNDER_WAY.includes(lifecycle)) return [];
  return ACHIEVEMENT_TRANSITIONS[current.achievementStatus].filter(
    (status) => status !== 'not_achieved' || closing,
  );
}

const COMMITMENT_TRANSITIONS: Record<CommitmentStatus, readonly CommitmentStatus[]> = {
  active: ['paused', 'ended'],
  paused: ['active', 'ended'],
  ended: [],
};

export class CommitmentStatusTransitionError extends ConflictProblem {
  constructor(from: CommitmentStatus, to: CommitmentStatus) {
    super(GOAL_ERRORS.invalidStatusTransition, `A commitment cannot go from ${from} to ${to}.`, {
      statusKind: 'commitment',
      currentStatus: from,
      requestedStatus: to,
      allowedStatuses: COMMITMENT_TRANSITIONS[from],
    });
  }
}

/** `active ⇄ paused`, either `→ ended`; an ended commitment is history. */
export function assertCommitmentTransition(from: CommitmentStatus, to: CommitmentStatus): void {
  if (!COMMITMENT_TRANSITIONS[from].includes(to))
    throw new CommitmentStatusTransitionError(from, to);
}

function label(status: string): string {
  return status.replaceAll('_', ' ');
}
