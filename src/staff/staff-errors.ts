import { describeConstraint } from '../common/problem/database-errors';
import {
  NotFoundProblem,
  UnprocessableProblem,
  type ProblemCodes,
} from '../common/problem/problem';

export const STAFF_ERRORS = {
  emailTaken: {
    code: 'staff-email-taken',
    status: 409,
    description: 'A staff account with this email already exists in the practice.',
  },
  invalidSupervisor: {
    code: 'invalid-supervisor',
    status: 422,
    description:
      'The supervisor is not valid: missing, deactivated, not a supervisor or admin, the counselor themselves, or given for a non-counselor.',
  },
  lastAdmin: {
    code: 'last-admin',
    status: 422,
    description: 'The change would leave the practice without an active admin.',
  },
} as const satisfies ProblemCodes;

describeConstraint('uq_staff_email', {
  problem: STAFF_ERRORS.emailTaken,
  detail: 'A staff account with this email already exists.',
  field: 'email',
});

export class StaffNotFoundError extends NotFoundProblem {
  constructor() {
    super('The staff member');
  }
}

export class InvalidSupervisorError extends UnprocessableProblem {
  constructor(message: string) {
    super(STAFF_ERRORS.invalidSupervisor, `The supervisor is not valid: ${message}.`, [
      { field: 'supervisorId', message },
    ]);
  }
}

export class LastAdminError extends UnprocessableProblem {
  constructor() {
    super(STAFF_ERRORS.lastAdmin, 'The practice must keep at least one active admin.');
  }
}
