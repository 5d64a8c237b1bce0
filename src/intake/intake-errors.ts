import {
  ConflictProblem,
  NotFoundProblem,
  ProblemError,
  type ProblemCodes,
} from '../common/problem/problem';
import type { SubmissionStatus } from './dto/intake-review.dto';

export const INTAKE_ERRORS = {
  linkNotFound: {
    code: 'intake-link-not-found',
    status: 404,
    description:
      'The public intake link cannot be used: unknown, expired, used or revoked (one answer for all).',
  },
  invitationUsed: {
    code: 'intake-invitation-used',
    status: 409,
    description: 'The intake link was already used: its submission is in the review queue.',
  },
  submissionNotPending: {
    code: 'intake-submission-not-pending',
    status: 409,
    description:
      'The intake submission was already accepted, rejected or merged (`submissionStatus` says which).',
  },
  consentRequired: {
    code: 'consent-required',
    status: 422,
    description: 'Every required consent must be acknowledged at its current version.',
  },
} as const satisfies ProblemCodes;

/**
 * The one answer of the public form to a link that cannot be used: unknown, expired, used or
 * revoked all read the same, so the answer tells a prober nothing about which links exist.
 */
export class IntakeLinkNotFoundError extends ProblemError {
  constructor() {
    super({
      problem: INTAKE_ERRORS.linkNotFound,
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
      INTAKE_ERRORS.invitationUsed,
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
      INTAKE_ERRORS.submissionNotPending,
      `This intake submission is ${DECIDED[status]}; only a pending submission can be reviewed.`,
      { submissionStatus: status },
    );
  }
}
