import { ConflictProblem } from '../common/problem/problem';
import { AGREEMENT_ERRORS } from './agreement-errors';
import type { AgreementStatus } from './boundary-agreement.dto';

/** `draft → proposed → active → under_review → active | retired`. */
export const AGREEMENT_TRANSITIONS: Record<AgreementStatus, readonly AgreementStatus[]> = {
  draft: ['proposed'],
  proposed: ['active'],
  active: ['under_review'],
  under_review: ['active', 'retired'],
  retired: [],
};

export class AgreementTransitionError extends ConflictProblem {
  constructor(from: AgreementStatus, to: AgreementStatus) {
    super(AGREEMENT_ERRORS.invalidTransition, `An agreement cannot go from ${from} to ${to}.`, {
      currentStatus: from,
      requestedStatus: to,
      allowedStatuses: AGREEMENT_TRANSITIONS[from],
    });
  }
}

export function assertAgreementTransition(from: AgreementStatus, to: AgreementStatus): void {
  if (!AGREEMENT_TRANSITIONS[from].includes(to)) throw new AgreementTransitionError(from, to);
}
