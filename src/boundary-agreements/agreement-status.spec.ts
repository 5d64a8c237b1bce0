import { AGREEMENT_STATUSES, type AgreementStatus } from './boundary-agreement.dto';
import { assertAgreementTransition } from './agreement-status';

const ALLOWED: Record<AgreementStatus, AgreementStatus[]> = {
  draft: ['proposed'],
  proposed: ['active'],
  active: ['under_review'],
  under_review: ['active', 'retired'],
  retired: [],
};

describe(assertAgreementTransition.name, () => {
  it.each(AGREEMENT_STATUSES)(
    'lets %s go exactly where the rule says, refusing the rest',
    (from) => {
      const moves = AGREEMENT_STATUSES.filter((to) => {
        try {
          assertAgreementTransition(from, to);
          return true;
        } catch (error) {
          expect(error).toMatchObject({
            status: 409,
            code: 'invalid-agreement-transition',
            message: `An agreement cannot go from ${from} to ${to}.`,
            extensions: {
              currentStatus: from,
              requestedStatus: to,
              allowedStatuses: ALLOWED[from],
            },
          });
          return false;
        }
      });
      expect(moves).toEqual(ALLOWED[from]);
    },
  );
});
