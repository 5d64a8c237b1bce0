import { ConflictProblem, NotFoundProblem, type ProblemCodes } from '../common/problem/problem';

export const GOAL_ERRORS = {
  invalidStatusTransition: {
    code: 'invalid-status-transition',
    status: 409,
    description:
      'The goal’s lifecycle or achievement status, or a commitment’s status, cannot make this change (`allowedStatuses` lists what can).',
  },
  goalNotUnderWay: {
    code: 'goal-not-under-way',
    status: 409,
    description:
      'The goal’s lifecycle status does not allow this action (`requiredStatuses` lists which do).',
  },
  milestoneAlreadyReached: {
    code: 'milestone-already-reached',
    status: 409,
    description: 'The milestone was already reached; it stays reached.',
  },
  completionOutcomeRequired: {
    code: 'completion-outcome-required',
    status: 422,
    description: 'A goal is completed as achieved, sustaining or not achieved: send the outcome.',
  },
  statusReasonRequired: {
    code: 'status-reason-required',
    status: 422,
    description: 'Cancelling a goal or marking it entered in error needs a reason.',
  },
  partiesNotDistinct: {
    code: 'parties-not-distinct',
    status: 422,
    description: 'A goal is between two different parties.',
  },
  partyNotOfGoal: {
    code: 'party-not-of-goal',
    status: 422,
    description: 'Only the goal’s two parties can be named (as raters or owners), once each.',
  },
  inTheFuture: {
    code: 'in-the-future',
    status: 422,
    description: 'A check-in, setback or milestone cannot be dated in the future.',
  },
  setbackLinks: {
    code: 'setback-links',
    status: 422,
    description: 'The setback’s links (violation, commitment) do not match its kind.',
  },
  invalidGoalDates: {
    code: 'invalid-goal-dates',
    status: 422,
    description: 'The target date cannot be before the start date.',
  },
  sessionNotOfClient: {
    code: 'session-not-of-client',
    status: 422,
    description: 'The session a check-in refers to is not one of this client’s sessions.',
  },
  sessionNotOfCase: {
    code: 'session-not-of-case',
    status: 422,
    description:
      'The session a check-in of a case’s goal refers to is not one of that case’s sessions.',
  },
  violationNotOfClient: {
    code: 'violation-not-of-client',
    status: 422,
    description: 'The boundary violation a setback refers to is not one logged for this client.',
  },
  commitmentNotOfGoal: {
    code: 'commitment-not-of-goal',
    status: 422,
    description: 'The commitment a setback refers to is not one of this goal’s.',
  },
} as const satisfies ProblemCodes;

export class GoalNotFoundError extends NotFoundProblem {
  constructor() {
    super('The trust goal');
  }
}

export class CommitmentNotFoundError extends NotFoundProblem {
  constructor() {
    super('The commitment');
  }
}

export class MilestoneNotFoundError extends NotFoundProblem {
  constructor() {
    super('The milestone');
  }
}

/** A reached milestone stays reached: it is part of the record. */
export class MilestoneReachedError extends ConflictProblem {
  constructor(reachedAt: string) {
    super(GOAL_ERRORS.milestoneAlreadyReached, 'This milestone was already reached.', {
      reachedAt,
    });
  }
}
