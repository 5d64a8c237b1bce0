import type { ProblemCodes } from '../common/problem/problem';

/** Parties (the client, a family member, or a person of a case) named in agreements, goals and their records. */
export const PARTY_ERRORS = {
  partyIncomplete: {
    code: 'party-incomplete',
    status: 422,
    description: 'A family member party needs its `familyMemberId`, a person its `personId`.',
  },
  partyNotOfClient: {
    code: 'party-not-of-client',
    status: 422,
    description: 'Parties are the client or family members of this client.',
  },
  partyNotOfCase: {
    code: 'party-not-of-case',
    status: 422,
    description:
      'The parties of a case’s agreement or goal are persons of that case (`{ party: "person" }`).',
  },
} as const satisfies ProblemCodes;
