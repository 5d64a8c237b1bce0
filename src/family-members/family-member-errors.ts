import {
  UnprocessableProblem,
  type FieldError,
  type ProblemCodes,
} from '../common/problem/problem';

export const FAMILY_MEMBER_ERRORS = {
  deceasedDateWithoutDeceased: {
    code: 'deceased-date-without-deceased',
    status: 422,
    description: 'A date of death is given only with `deceased: true`.',
  },
} as const satisfies ProblemCodes;

/**
 * Refuses a date of death given without `deceased: true`, naming the `deceasedOn` field of every
 * member concerned (`prefix` locates a member inside a larger request, e.g. `familyMembers[1].`).
 */
export function assertDeceasedConsistent(
  members: readonly { deceased: boolean; deceasedOn: string | null; prefix?: string }[],
): void {
  const errors: FieldError[] = members
    .filter((member) => !member.deceased && member.deceasedOn)
    .map((member) => ({
      field: `${member.prefix ?? ''}deceasedOn`,
      message: 'requires deceased to be true',
    }));
  if (errors.length > 0) {
    throw new UnprocessableProblem(
      FAMILY_MEMBER_ERRORS.deceasedDateWithoutDeceased,
      'A date of death needs deceased: true.',
      errors,
    );
  }
}
