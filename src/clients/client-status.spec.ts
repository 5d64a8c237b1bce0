import { CLIENT_STATUSES, type ClientStatus } from './client.row';
import { assertClientTransition } from './client-status';

const ALLOWED: Record<ClientStatus, ClientStatus[]> = {
  intake: ['active', 'discharged'],
  active: ['on_hold', 'discharged'],
  on_hold: ['active', 'discharged'],
  discharged: ['active'],
  entered_in_error: [],
};

describe(assertClientTransition.name, () => {
  it.each(CLIENT_STATUSES)('lets %s go exactly where the rule says, refusing the rest', (from) => {
    const moves = CLIENT_STATUSES.filter((to) => {
      try {
        assertClientTransition(from, to);
        return true;
      } catch (error) {
        expect(error).toMatchObject({
          status: 409,
          code: 'invalid-status-transition',
          message: `A client cannot go from ${from} to ${to}.`,
          extensions: { currentStatus: from, requestedStatus: to, allowedStatuses: ALLOWED[from] },
        });
        return false;
      }
    });
    expect(moves).toEqual(ALLOWED[from]);
  });
});
