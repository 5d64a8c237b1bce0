import type { ProblemCodes } from '../common/problem/problem';

export const FAMILY_MEMBER_ERRORS = {
  deceasedDateWithoutDeceased: {
    code: 'deceased-date-without-deceased',
    status: 422,
    description: 'A date of death is given only with `deceased: true`.',
  },
} as const satisfies ProblemCodes;
