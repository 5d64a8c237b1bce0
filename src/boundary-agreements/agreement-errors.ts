import type { ProblemCodes } from '../common/problem/problem';

export const AGREEMENT_ERRORS = {
  invalidTransition: {
    code: 'invalid-agreement-transition',
    status: 409,
    description:
      'The agreement’s status cannot make this change (`allowedStatuses` lists what it can become).',
  },
  retired: {
    code: 'agreement-retired',
    status: 409,
    description: 'A retired agreement cannot change.',
  },
  acknowledgmentsMissing: {
    code: 'acknowledgments-missing',
    status: 409,
    description:
      'Every party must acknowledge the current version before the agreement is active (`missingParties` names who has not).',
  },
  notOpenForAcknowledgment: {
    code: 'agreement-not-open-for-acknowledgment',
    status: 409,
    description: 'Parties acknowledge a proposed agreement, or new terms under review.',
  },
  alreadyAcknowledged: {
    code: 'already-acknowledged',
    status: 409,
    description: 'This party has already acknowledged this version.',
  },
  notInForce: {
    code: 'agreement-not-in-force',
    status: 409,
    description: 'Violations are logged against an active agreement or one under review.',
  },
  needsParties: {
    code: 'agreement-needs-parties',
    status: 422,
    description: 'An agreement is between two or more different parties.',
  },
  withoutItems: {
    code: 'agreement-without-items',
    status: 422,
    description: 'An agreement is proposed with at least one boundary.',
  },
  setterNotAParty: {
    code: 'setter-not-a-party',
    status: 422,
    description: 'Each boundary is set by one of the agreement’s parties.',
  },
  notAParty: {
    code: 'not-a-party',
    status: 422,
    description: 'Only a party of the agreement acknowledges it.',
  },
  invalidViolation: {
    code: 'invalid-violation',
    status: 422,
    description:
      'The violation report does not fit the agreement: reporter, item or session unknown, or dated in the future.',
  },
} as const satisfies ProblemCodes;
