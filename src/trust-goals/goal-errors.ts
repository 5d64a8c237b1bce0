import { ConflictProblem, NotFoundProblem } from '../common/problem/problem';

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
    super('milestone-already-reached', 'This milestone was already reached.', { reachedAt });
  }
}
