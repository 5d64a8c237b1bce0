import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { AuditService } from '../audit/audit.service';
import type { StaffActor } from '../common/actor/actor';
import { expectedVersion } from '../common/http/etag';
import { describeConstraint } from '../common/problem/database-errors';
import { ConflictProblem, UnprocessableProblem } from '../common/problem/problem';
import { partyIdOf, partyViewOf } from '../parties/party';
import { holderAudit, type RecordHolder } from '../parties/record-holder';
import { AGREEMENT_ERRORS } from './agreement-errors';
import { assertAgreementTransition } from './agreement-status';
import { missingAcknowledgments } from './agreement.row';
import { AcknowledgeDto, AgreementStatus } from './boundary-agreement.dto';
import {
  BoundaryAgreementsService,
  versioned,
  type VersionedAgreement,
} from './boundary-agreements.service';

describeConstraint('uq_boundary_acknowledgments_party', {
  problem: AGREEMENT_ERRORS.alreadyAcknowledged,
  detail: 'This party has already acknowledged this version.',
  field: 'party',
});

/** Status changes and acknowledgments: an agreement is active only once every party has acknowledged its terms. */
@Injectable()
export class AgreementLifecycleService {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly agreements: BoundaryAgreementsService,
    private readonly audit: AuditService,
  ) {}

  changeStatus(
    actor: StaffActor,
    holder: RecordHolder,
    agreementId: string,
    to: AgreementStatus,
    ifMatch?: string,
  ): Promise<VersionedAgreement> {
    return this.txHost.withTransaction(async () => {
      const agreement = await this.agreements.lockForWrite(actor, holder, agreementId);
      expectedVersion(ifMatch, agreementId, agreement.version);
      assertAgreementTransition(agreement.status, to);
      if (to === 'proposed' && agreement.items.length === 0) {
        throw new UnprocessableProblem(
          AGREEMENT_ERRORS.withoutItems,
          'An agreement is proposed with at least one boundary.',
          [{ field: 'items', message: 'must contain at least one boundary' }],
        );
      }
      if (to === 'active') {
        const missing = missingAcknowledgments(agreement);
        if (missing.length > 0) {
          throw new ConflictProblem(
            AGREEMENT_ERRORS.acknowledgmentsMissing,
            `Every party must acknowledge version ${agreement.current_version} before the agreement is active.`,
            {
              currentStatus: agreement.status,
              requestedStatus: to,
              missingParties: missing.map((party) => partyViewOf(party, holder.kind === 'case')),
            },
          );
        }
      }
      await this.txHost.tx.query(
        `UPDATE boundary_agreements SET status = $3, version = version + 1, updated_at = now() WHERE practice_id = $1 AND id = $2`,
        [actor.practiceId, agreementId, to],
      );
      await this.audit.record({
        action: 'status_change',
        resourceType: 'boundary_agreement',
        resourceId: agreementId,
        changedFields: ['status'],
        ...holderAudit(holder, { from: agreement.status, to }),
      });
      return versioned(await this.agreements.load(actor.practiceId, holder, agreementId));
    });
  }

  /** Records a party's acknowledgment of the version in force (proposed or under review). */
  acknowledge(
    actor: StaffActor,
    holder: RecordHolder,
    agreementId: string,
    dto: AcknowledgeDto,
  ): Promise<VersionedAgreement> {
    return this.txHost.withTransaction(async () => {
      const agreement = await this.agreements.lockForWrite(actor, holder, agreementId);
      if (agreement.status !== 'proposed' && agreement.status !== 'under_review') {
        throw new ConflictProblem(
          AGREEMENT_ERRORS.notOpenForAcknowledgment,
          'Parties acknowledge a proposed agreement, or new terms under review.',
          {
            currentStatus: agreement.status,
          },
        );
      }
      const party = partyIdOf(dto.party);
      if (!agreement.parties.some((known) => known === party)) {
        throw new UnprocessableProblem(
          AGREEMENT_ERRORS.notAParty,
          'Only a party of the agreement acknowledges it.',
          [{ field: 'party', message: 'is not a party of this agreement' }],
        );
      }
      await this.txHost.tx.query(
        `INSERT INTO boundary_acknowledgments (practice_id, agreement_id, version_number, family_member_id, person_id,
                                               method, acknowledged_at, recorded_by)
         VALUES ($1, $2, $3, $4, $8, $5, coalesce($6::timestamptz, now()), $7)`,
        [
          actor.practiceId,
          agreementId,
          agreement.current_version,
          holder.kind === 'case' ? null : party,
          dto.method,
          dto.acknowledgedAt ?? null,
          actor.id,
          holder.kind === 'case' ? party : null,
        ],
      );
      await this.txHost.tx.query(
        `UPDATE boundary_agreements SET version = version + 1, updated_at = now() WHERE practice_id = $1 AND id = $2`,
        [actor.practiceId, agreementId],
      );
      await this.audit.record({
        action: 'create',
        resourceType: 'boundary_acknowledgment',
        resourceId: agreementId,
        ...holderAudit(holder, {
          version: agreement.current_version,
          method: dto.method,
          party: party ?? 'client',
        }),
      });
      return versioned(await this.agreements.load(actor.practiceId, holder, agreementId));
    });
  }
}
