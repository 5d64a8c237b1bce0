import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { AuditService } from '../audit/audit.service';
import { anonymousActor, intakeLinkActor } from '../common/actor/actor';
import { providedFields } from '../common/validation/transforms';
import { IntakeFormView, IntakeReceiptView } from './dto/intake-invitation.dto';
import { IntakeSubmissionDto } from './dto/intake-submission.dto';
import { IntakeLinkNotFoundError } from './intake-errors';
import { IntakeInvitationsService } from './intake-invitations.service';
import type { LinkRow } from './intake-invitation.row';
import {
  acknowledgedConsents,
  CONSENTS,
  INTAKE_FORM_VERSION,
  INTAKE_SECTIONS,
} from './intake-form';
import { IntakeSubmissionsService } from './intake-submissions.service';

type Refusal = 'unknown' | 'used' | 'revoked' | 'expired';

/**
 * The intake form behind a one-time link, open to the internet without an account. The link is
 * the credential: it is looked up by the hash of its token, and an unknown, expired, used or
 * revoked link all answer the same 404. What the link does is audited with the link as the actor.
 */
@Injectable()
export class PublicIntakeService {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly audit: AuditService,
    private readonly submissions: IntakeSubmissionsService,
  ) {}

  async form(token: string): Promise<IntakeFormView> {
    const link = await this.findLink(token, false);
    if (!link || !usable(link)) return this.refuse(link);
    await this.audit.record({
      action: 'read',
      resourceType: 'intake_form',
      resourceId: link.id,
      actor: intakeLinkActor(link.id, link.practice_id),
      metadata: { formVersion: INTAKE_FORM_VERSION },
    });
    return {
      practice: { name: link.practice_name },
      prefilledEmail: link.email,
      expiresAt: link.expires_at.toISOString(),
      formVersion: INTAKE_FORM_VERSION,
      sections: INTAKE_SECTIONS.map((section) => ({
        ...section,
        fields: section.fields.map((field) => ({ ...field })),
      })),
      consents: CONSENTS.map((consent) => ({ ...consent })),
    };
  }

  /**
   * Stores the submission and spends the link, in one transaction that holds the link's row lock:
   * of two concurrent submits of one link, the second waits, then finds it used (404).
   */
  async submit(
    token: string,
    dto: IntakeSubmissionDto,
    sent: Record<string, unknown>,
  ): Promise<IntakeReceiptView> {
    const consents = acknowledgedConsents(dto.consents);
    const outcome = await this.txHost.withTransaction(async () => {
      const link = await this.findLink(token, true);
      if (!link || !usable(link)) return { refused: link };
      const actor = intakeLinkActor(link.id, link.practice_id);
      const submission = await this.submissions.insert(
        link.practice_id,
        { invitationId: link.id },
        dto,
        sent,
        consents,
      );
      await this.txHost.tx.query(
        `UPDATE intake_invitations SET used_at = now(), submission_id = $3 WHERE practice_id = $1 AND id = $2`,
        [link.practice_id, link.id, submission.id],
      );
      await this.audit.recordMany([
        {
          action: 'create',
          resourceType: 'intake_submission',
          resourceId: submission.id,
          actor,
          changedFields: providedFields(dto),
          metadata: { source: 'invitation', familyMembers: dto.familyMembers?.length ?? 0 },
        },
        {
          action: 'update',
          resourceType: 'intake_invitation',
          resourceId: link.id,
          actor,
          changedFields: ['usedAt', 'submissionId'],
        },
      ]);
      return {
        receipt: { id: submission.id, receivedAt: submission.created_at.toISOString() },
      };
    });
    if ('refused' in outcome) return this.refuse(outcome.refused);
    return outcome.receipt;
  }

  private async findLink(token: string, forUpdate: boolean): Promise<LinkRow | undefined> {
    const hash = IntakeInvitationsService.hashToken(token);
    if (!hash) return undefined;
    const [row] = await this.txHost.tx.query<LinkRow[]>(
      `SELECT i.id, i.practice_id, p.name AS practice_name, i.email, i.expires_at, i.used_at, i.revoked_at,
              i.expires_at <= now() AS expired
         FROM intake_invitations i JOIN practices p ON p.id = i.practice_id
        WHERE i.token_hash = $1
        ${forUpdate ? 'FOR UPDATE OF i' : ''}`,
      [hash],
    );
    return row;
  }

  /** Records why a link was refused (the link as actor when it exists), then answers 404. */
  private async refuse(link: LinkRow | undefined): Promise<never> {
    const reason: Refusal = !link
      ? 'unknown'
      : link.used_at
        ? 'used'
        : link.revoked_at
          ? 'revoked'
          : 'expired';
    return this.audit.denyAsNotFound(
      {
        resourceType: 'intake_invitation',
        resourceId: link?.id ?? null,
        actor: link ? intakeLinkActor(link.id, link.practice_id) : anonymousActor(),
        metadata: { reason },
      },
      new IntakeLinkNotFoundError(),
    );
  }
}

function usable(link: LinkRow): boolean {
  return !link.used_at && !link.revoked_at && !link.expired;
}
