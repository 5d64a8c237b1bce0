import type { ProblemCodes } from '../common/problem/problem';

export const CLIENT_ERRORS = {
  invalidStatusTransition: {
    code: 'invalid-status-transition',
    status: 409,
    description:
      'The client’s status cannot make this change (`allowedStatuses` lists what it can become).',
  },
  alreadyOnCareTeam: {
    code: 'already-on-care-team',
    status: 409,
    description: 'The staff member is already on the client’s care team.',
  },
  primaryCounselorExists: {
    code: 'primary-counselor-exists',
    status: 409,
    description: 'The client already has a primary counselor.',
  },
  dischargeIncomplete: {
    code: 'discharge-incomplete',
    status: 422,
    description: 'Discharging a client needs a reason and a discharge date.',
  },
  primaryCounselorRequired: {
    code: 'primary-counselor-required',
    status: 422,
    description: 'An active client must keep a primary counselor on the care team.',
  },
  primaryOutsideCaseload: {
    code: 'primary-counselor-outside-caseload',
    status: 422,
    description:
      'An API client restricted to some counselors’ caseloads opens clients with one of those counselors as primary counselor, so that it still reaches them.',
  },
  notAClinician: {
    code: 'not-a-clinician',
    status: 422,
    description:
      'Care team members, counselors and co-therapists are active counselors or supervisors of the practice.',
  },
} as const satisfies ProblemCodes;
