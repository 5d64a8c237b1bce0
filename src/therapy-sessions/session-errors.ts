import {
  ConflictProblem,
  NotFoundProblem,
  UnprocessableProblem,
  type ProblemCodes,
} from '../common/problem/problem';

export const SESSION_ERRORS = {
  notInCase: {
    code: 'not-in-session-case',
    status: 422,
    description: 'The client, or a case attendee, is not a person of the session’s case.',
  },
  overlap: {
    code: 'session-overlap',
    status: 409,
    description:
      'The counselor or co-therapist already has a session at that time (`conflictingSessionId` names it).',
  },
  invalidStatus: {
    code: 'invalid-session-status',
    status: 409,
    description: 'The session’s status does not allow this action (`currentStatus` says which).',
  },
  invalidTimes: {
    code: 'invalid-session-times',
    status: 422,
    description: 'The session times are not valid (e.g. it ends before it starts).',
  },
  notStarted: {
    code: 'session-not-started',
    status: 422,
    description: 'A session is completed or marked as a no-show only once it has started.',
  },
  counselorRequired: {
    code: 'counselor-required',
    status: 422,
    description: 'The session’s counselor must be named when the caller is not a clinician.',
  },
  counselorOutsideCaseload: {
    code: 'counselor-outside-caseload',
    status: 422,
    description:
      'An API client restricted to some counselors’ caseloads books sessions for those counselors only.',
  },
  caseSessionStaffOnly: {
    code: 'case-session-staff-only',
    status: 422,
    description:
      'A session of a family case is booked by staff; an API key books on a client’s chart.',
  },
  coTherapistIsCounselor: {
    code: 'co-therapist-is-counselor',
    status: 422,
    description: 'The co-therapist must be someone other than the counselor.',
  },
  recurrenceUnbounded: {
    code: 'recurrence-unbounded',
    status: 422,
    description: 'A session series needs a count or an end date.',
  },
  recurrenceEmpty: {
    code: 'recurrence-empty',
    status: 422,
    description: 'The session series ends before its first session.',
  },
} as const satisfies ProblemCodes;

export const OVERLAP_CONSTRAINT = 'ex_session_staff_bookings_overlap';

export class SessionNotFoundError extends NotFoundProblem {
  constructor() {
    super('The therapy session');
  }
}

/** The counselor or co-therapist is already booked then; names the session in the way. */
export class SessionOverlapError extends ConflictProblem {
  constructor(conflictingSessionId: string | null, extra: Record<string, unknown> = {}) {
    super(
      SESSION_ERRORS.overlap,
      'The counselor or co-therapist already has a session at that time.',
      {
        conflictingSessionId,
        ...extra,
      },
    );
  }
}

export class SessionStatusError extends ConflictProblem {
  constructor(current: string, action: string) {
    super(
      SESSION_ERRORS.invalidStatus,
      `A ${current.replace('_', ' ')} session cannot be ${action}.`,
      {
        currentStatus: current,
      },
    );
  }
}

export class SessionTimesError extends UnprocessableProblem {
  constructor(message: string) {
    super(SESSION_ERRORS.invalidTimes, `The session times are not valid: ${message}.`, [
      { field: 'endsAt', message },
    ]);
  }
}

export function isOverlapViolation(error: unknown): boolean {
  const driver = (error as { driverError?: { code?: string; constraint?: string } }).driverError;
  return driver?.code === '23P01' && driver.constraint === OVERLAP_CONSTRAINT;
}
