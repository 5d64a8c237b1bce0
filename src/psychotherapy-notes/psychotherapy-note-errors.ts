import type { ProblemCodes } from '../common/problem/problem';

export const PSYCHOTHERAPY_NOTE_ERRORS = {
  sessionNotOfClient: {
    code: 'session-not-of-client',
    status: 422,
    description: 'The session a psychotherapy note refers to is not one of this client’s sessions.',
  },
} as const satisfies ProblemCodes;
