import type { ProblemCodes } from '../common/problem/problem';

/** Parties (the client or a family member) named in agreements, goals and their records. */
export const PARTY_ERRORS = {
  partyIncomplete: {
    code: 'party-incomplete',
    status: 422,
    description: 'A family member party needs its `familyMemberId`.',
  },
  partyNotOfClient: {
    code: 'party-not-of-client',
    status: 422,
    description: 'Parties are the client or family members of this client.',
  },
} as const satisfies ProblemCodes;
