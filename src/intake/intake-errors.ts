import { ConflictProblem, NotFoundProblem, ProblemError } from '../common/problem/problem';
import type { SubmissionStatus } from './dto/intake-review.dto';

/**
 * The one answer of the public form to a link that cannot be used: unknown, expired, used or
 * revoked all read the same, so the answer tells a prober nothing about which links exist.
 */
export class IntakeLinkNotFoundError extends ProblemError {
  constructor() {
    super({
      status: 404,
      code: 'intake-link-not-found',
      detail:
        'This intake link cannot be used: it may have expired or already been used. Please ask the practice for a new link.',
    });
  }
}

export class IntakeInvitationNotFoundError extends NotFoundProblem {
  constructor() {
    super('The intake invitation');
  }
}

export class IntakeSubmissionNotFoundError extends NotFoundProblem {
  constructor() {
    super('The intake submission');
  }
}

export class IntakeInvitationUsedError extends ConflictProblem {
  constructor() {
    super(
      'intake-invitation-used',
      'This intake link has already been used: its submission is in the review queue.',
    );
  }
}

const DECIDED: Record<Exclude<SubmissionStatus, 'pending'>, string> = {
  accepted: 'already accepted',
  rejected: 'already rejected',
  duplicate: 'already merged into an existing client',
};

/** Only a pending submission can be accepted, rejected or merged; the answer names its status. */
export class IntakeSubmissionNotPendingError extends ConflictProblem {
  constructor(status: Exclude<SubmissionStatus, 'pending'>) {
    super(
      'intake-submission-not-pending',
      `This intake submission is ${DECIDED[status]}; only a pending submission can be reviewed.`,
      { submissionStatus: status },
    );
  }
}
