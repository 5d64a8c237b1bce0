import { NotFoundProblem, UnprocessableProblem } from '../common/problem/problem';
import { describeConstraint } from '../common/problem/database-errors';

describeConstraint('uq_staff_email', {
  status: 409,
  code: 'staff-email-taken',
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
    super('invalid-supervisor', `The supervisor is not valid: ${message}.`, [
      { field: 'supervisorId', message },
    ]);
  }
}

export class LastAdminError extends UnprocessableProblem {
  constructor() {
    super('last-admin', 'The practice must keep at least one active admin.');
  }
}
