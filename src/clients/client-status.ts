import { ConflictProblem } from '../common/problem/problem';
import { CLIENT_ERRORS } from './client-errors';
import type { ClientStatus } from './client.row';

/** `intake → active ⇄ on_hold → discharged`; a discharged client can be re-opened (→ active). */
const TRANSITIONS: Record<ClientStatus, readonly ClientStatus[]> = {
  intake: ['active', 'discharged'],
  active: ['on_hold', 'discharged'],
  on_hold: ['active', 'discharged'],
  discharged: ['active'],
  entered_in_error: [],
};

export class ClientStatusTransitionError extends ConflictProblem {
  constructor(from: ClientStatus, to: ClientStatus) {
    super(CLIENT_ERRORS.invalidStatusTransition, `A client cannot go from ${from} to ${to}.`, {
      currentStatus: from,
      requestedStatus: to,
      allowedStatuses: TRANSITIONS[from],
    });
  }
}

export function assertClientTransition(from: ClientStatus, to: ClientStatus): void {
  if (!TRANSITIONS[from].includes(to)) throw new ClientStatusTransitionError(from, to);
}
