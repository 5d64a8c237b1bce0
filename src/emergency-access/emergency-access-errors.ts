import type { ProblemCodes } from '../common/problem/problem';

export const EMERGENCY_ACCESS_ERRORS = {
  alreadyOnCareTeam: {
    code: 'already-on-care-team',
    status: 409,
    description: 'The clinician is on the client’s care team: no emergency access is needed.',
  },
} as const satisfies ProblemCodes;
