import { Injectable } from '@nestjs/common';
import { Propagation, TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { plainToInstance } from 'class-transformer';
import { ClientAccessService } from '../access/client-access.service';
import type { AuditEventInput } from '../audit/audit-event';
import { WebhookOutbox } from '../webhooks/webhook-outbox';
import { AuditService } from '../audit/audit.service';
import type { StaffActor } from '../common/actor/actor';
import { CareTeamService } from '../clients/care-team.service';
import { drawClientNumbers, insertClient } from '../clients/client-writes';
import { rowsOfManager } from '../common/sql/query-rows';
import { insertFamilyMembers } from '../family-members/family-member-writes';
import {
  AcceptIntakeDto,
  IntakeSubmissionView,
  MergeIntakeDto,
  RejectIntakeDto,
  type SubmissionStatus,
} from './dto/intake-review.dto';
import { IntakeSubmissionDto } from './dto/intake-submission.dto';
import { IntakeSubmissionNotFoundError, IntakeSubmissionNotPendingError } from './intake-errors';
import { toSubmissionView } from './intake-submission.row';
import { IntakeSubmissionsService } from './intake-submissions.service';
import { familyRows } from './intake-family';

/**
 * Reviewing a pending submission: accept it (a new active client with family and care team),
 * reject it with a reason, or merge it into the client it turned out to be. Each runs in one
 * transaction that holds the submission's row lock, so two reviewers cannot both decide it, and a
 * failure anywhere leaves no client behind and the submission pending.
 */
@Injectable()
export class IntakeReviewService {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly access: ClientAccessService,
    private readonly careTeam: CareTeamService,
    private readonly audit: AuditService,
    private readonly submissions: IntakeSubmissionsService,
    private readonly webhooks: WebhookOutbox,
  ) {}

  async accept(
    actor: StaffActor,
    submissionId: string,
    dto: AcceptIntakeDto,
  ): Promise<IntakeSubmissionView> {
    // As in `ClientCreationService`: the number is drawn and committed before the accepting
    // transaction opens, so the practice's counter row is locked for one statement, not until this
    // acceptance commits, and other creations in the practice do not queue behind it. An acceptance
    // refused below leaves its number unused: a gap, never a repeat.
    const clientNumber = await this.txHost.withTransaction(Propagation.NotSupported, () =>
      drawClientNumbers(rowsOfManager(this.txHost.tx), actor.practiceId, 1),
    );
    return this.txHost.withTransaction(async () => {
      const payload = await this.lockPending(actor, submissionId);
      await this.careTeam.assertClinician(
        actor.practiceId,
        dto.primaryCounselorId,
        'primaryCounselorId',
      );
      // Stored as sent; read back through the DTO for the same normalisation (emails) as at intake.
      const form = plainToInstance(IntakeSubmissionDto, payload);
      const clientId = await this.insertClient(actor, form, clientNumber);
      const events: AuditEventInput[] = [
        {
          action: 'create',
          resourceType: 'client',
          resourceId: clientId,
          clientId,
          changedFields: [...filledFields(form.client), 'presentingConcerns', 'status'],
          metadata: { intakeSubmissionId: submissionId },
        },
      ];
      if (dto.createFamilyMembers ?? true) {
        for (const member of await this.insertFamily(actor, clientId, form)) {
          events.push({
            action: 'create',
            resourceType: 'family_member',
            resourceId: member.id,
            clientId,
            changedFields: member.fields,
            metadata: { intakeSubmissionId: submissionId },
          });
        }
      }
      const memberId = await this.careTeam.insertMember(
        actor,
        clientId,
        dto.primaryCounselorId,
        'primary_counselor',
      );
      events.push({
        action: 'create',
        resourceType: 'care_team_member',
        resourceId: memberId,
        clientId,
        changedFields: ['staffId', 'role'],
        metadata: { role: 'primary_counselor' },
      });
      await this.decide(actor, submissionId, 'accepted', { clientId });
      events.push(decision(submissionId, 'accepted', clientId, ['status', 'clientId']));
      await this.audit.recordMany(events);
      await this.webhooks.emit('client.created', { practiceId: actor.practiceId, clientId });
      await this.webhooks.emit('intake.accepted', {
        practiceId: actor.practiceId,
        submissionId,
        clientId,
      });
      return this.view(actor, submissionId);
    });
  }

  reject(
    actor: StaffActor,
    submissionId: string,
    dto: RejectIntakeDto,
  ): Promise<IntakeSubmissionView> {
    return this.txHost.withTransaction(async () => {
      await this.lockPending(actor, submissionId);
      await this.decide(actor, submissionId, 'rejected', { reason: dto.reason.trim() });
      await this.audit.record(decision(submissionId, 'rejected', null, ['status', 'rejectReason']));
      return this.view(actor, submissionId);
    });
  }

  /** The submission was an existing client all along: link it to them, create nothing. */
  merge(
    actor: StaffActor,
    submissionId: string,
    dto: MergeIntakeDto,
  ): Promise<IntakeSubmissionView> {
    return this.txHost.withTransaction(async () => {
      await this.lockPending(actor, submissionId);
      await this.access.require(actor, dto.clientId, 'write', { forUpdate: true });
      await this.decide(actor, submissionId, 'duplicate', { clientId: dto.clientId });
      await this.audit.record(
        decision(submissionId, 'duplicate', dto.clientId, ['status', 'clientId']),
      );
      return this.view(actor, submissionId);
    });
  }

  /** Locks the submission until the transaction ends; 404 if not the practice's, 409 if decided. */
  private async lockPending(
    actor: StaffActor,
    submissionId: string,
  ): Promise<Record<string, unknown>> {
    const [row] = await this.txHost.tx.query<
      { status: SubmissionStatus; payload: Record<string, unknown> }[]
    >(
      `SELECT status, payload FROM intake_submissions WHERE practice_id = $1 AND id = $2 FOR UPDATE`,
      [actor.practiceId, submissionId],
    );
    if (!row) {
      return this.audit.denyAsNotFound(
        { resourceType: 'intake_submission', resourceId: submissionId },
        new IntakeSubmissionNotFoundError(),
      );
    }
    if (row.status !== 'pending') throw new IntakeSubmissionNotPendingError(row.status);
    return row.payload;
  }

  private async insertClient(
    actor: StaffActor,
    form: IntakeSubmissionDto,
    clientNumber: number,
  ): Promise<string> {
    const { client } = form;
    const row = await insertClient(
      rowsOfManager(this.txHost.tx),
      actor.practiceId,
      {
        first_name: client.firstName.trim(),
        last_name: client.lastName.trim(),
        preferred_name: client.preferredName?.trim() ?? null,
        date_of_birth: client.dateOfBirth,
        pronouns: client.pronouns?.trim() ?? null,
        email: client.email ?? null,
        phone: client.phone?.trim() ?? null,
        status: 'active',
        presenting_concerns: form.presentingConcerns,
        trust_indicators: form.trustIndicators ?? [],
        created_by: actor.id,
      },
      clientNumber,
    );
    return row.id;
  }

  /** The family members listed, and the emergency contact, in one statement. */
  private insertFamily(
    actor: StaffActor,
    clientId: string,
    form: IntakeSubmissionDto,
  ): Promise<{ id: string; fields: string[] }[]> {
    return insertFamilyMembers(
      rowsOfManager(this.txHost.tx),
      actor.practiceId,
      familyRows(form).map((row) => ({ ...row, client_id: clientId })),
      `f.id, array_remove(ARRAY['firstName', CASE WHEN f.last_name IS NOT NULL THEN 'lastName' END,
         'relationship', CASE WHEN f.email IS NOT NULL THEN 'email' END, CASE WHEN f.phone IS NOT NULL THEN 'phone' END,
         'participation', CASE WHEN f.emergency_contact THEN 'emergencyContact' END], NULL) AS fields`,
    );
  }

  private async decide(
    actor: StaffActor,
    submissionId: string,
    status: Exclude<SubmissionStatus, 'pending'>,
    outcome: { clientId?: string; reason?: string },
  ): Promise<void> {
    await this.txHost.tx.query(
      `UPDATE intake_submissions SET status = $3, client_id = $4, reject_reason = $5, reviewed_by = $6,
              reviewed_at = now(), version = version + 1
        WHERE practice_id = $1 AND id = $2`,
      [
        actor.practiceId,
        submissionId,
        status,
        outcome.clientId ?? null,
        outcome.reason ?? null,
        actor.id,
      ],
    );
  }

  private async view(actor: StaffActor, submissionId: string): Promise<IntakeSubmissionView> {
    return toSubmissionView((await this.submissions.find(actor.practiceId, submissionId))!);
  }
}

function decision(
  submissionId: string,
  to: Exclude<SubmissionStatus, 'pending'>,
  clientId: string | null,
  changedFields: string[],
): AuditEventInput {
  return {
    action: 'status_change',
    resourceType: 'intake_submission',
    resourceId: submissionId,
    clientId,
    changedFields: [...changedFields, 'reviewedBy', 'reviewedAt'],
    metadata: { from: 'pending', to },
  };
}

/** The fields the form filled in (sent as null or left out: not set on the client). */
function filledFields(client: object): string[] {
  return Object.entries(client)
    .filter(([, value]) => value !== null && value !== undefined)
    .map(([field]) => field);
}
