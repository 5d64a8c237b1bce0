import { ConflictProblem } from '../common/problem/problem';
import type { CaseStatus } from './case.row';
import { CASE_ERRORS } from './cases-errors';

/** `open ⇄ on_hold → closed`; a closed case can be reopened. */
const TRANSITIONS: Record<CaseStatus, readonly CaseStatus[]> = {
  open: ['on_hold', 'closed'],
  on_hold: ['open', 'closed'],
  closed: ['open'],
  entered_in_error: [],
};

export function assertCaseTransition(from: CaseStatus, to: CaseStatus): void {
  if (!TRANSITIONS[from].includes(to)) {
    throw new ConflictProblem(
      CASE_ERRORS.invalidCaseTransition,
      `A case cannot go from ${from} to ${to}.`,
      {
        currentStatus: from,
        requestedStatus: to,
        allowedStatuses: TRANSITIONS[from],
      },
    );
  }
}
