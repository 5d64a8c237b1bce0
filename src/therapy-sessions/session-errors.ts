import { ConflictProblem, NotFoundProblem, UnprocessableProblem } from '../common/problem/problem';

export const OVERLAP_CONSTRAINT = 'ex_session_staff_bookings_overlap';

export class SessionNotFoundError extends NotFoundProblem {
  constructor() {
    super('The therapy session');
  }
}

/** The counselor or co-therapist is already booked then; names the session in the way. */
export class SessionOverlapError extends ConflictProblem {
  constructor(conflictingSessionId: string | null, extra: Record<string, unknown> = {}) {
    super('session-overlap', 'The counselor or co-therapist already has a session at that time.', {
      conflictingSessionId,
      ...extra,
    });
  }
}

export class SessionStatusError extends ConflictProblem {
  constructor(current: string, action: string) {
    super('invalid-session-status', `A ${current.replace('_', ' ')} session cannot be ${action}.`, {
      currentStatus: current,
    });
  }
}

export class SessionTimesError extends UnprocessableProblem {
  constructor(message: string) {
    super('invalid-session-times', `The session times are not valid: ${message}.`, [
      { field: 'endsAt', message },
    ]);
  }
}

export function isOverlapViolation(error: unknown): boolean {
  const driver = (error as { driverError?: { code?: string; constraint?: string } }).driverError;
  return driver?.code === '23P01' && driver.constraint === OVERLAP_CONSTRAINT;
}
