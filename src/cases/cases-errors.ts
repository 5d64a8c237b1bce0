import type { ProblemCodes } from '../common/problem/problem';

export const CASE_ERRORS = {
  invalidCaseTransition: {
    code: 'invalid-case-transition',
    status: 409,
    description:
      'The case’s status cannot make this change (`allowedStatuses` lists what it can become).',
  },
  closeIncomplete: {
    code: 'case-close-incomplete',
    status: 422,
    description: 'Closing a case needs a reason and a closing date.',
  },
  alreadyCaseMember: {
    code: 'already-case-member',
    status: 409,
    description: 'The person is already a member of the case.',
  },
  memberIncomplete: {
    code: 'case-member-incomplete',
    status: 422,
    description: 'A new member names exactly one of `clientId`, `familyMemberId` or `newPerson`.',
  },
  notInCase: {
    code: 'not-in-case',
    status: 422,
    description: 'The person named is not a member of this case.',
  },
  alreadyAClient: {
    code: 'already-a-client',
    status: 409,
    description: 'This person already has a client chart.',
  },
  alreadyOnCareTeam: {
    code: 'already-on-care-team',
    status: 409,
    description: 'The staff member already has this role on the case’s care team.',
  },
  primaryCounselorRequired: {
    code: 'primary-counselor-required',
    status: 422,
    description:
      'A case keeps its primary counselor until it is closed: name a new primary counselor instead.',
  },
} as const satisfies ProblemCodes;
