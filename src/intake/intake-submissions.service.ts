import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { WebhookOutbox } from '../webhooks/webhook-outbox';
import { AuditService } from '../audit/audit.service';
import type { StaffActor } from '../common/actor/actor';
import {
  IdempotencyService,
  type CreatedResponse,
} from '../common/idempotency/idempotency.service';
import {
  DEFAULT_PAGE_SIZE,
  decodeCursor,
  toPage,
  type Page,
  timestampCursorSql,
} from '../common/pagination/cursor';
import { SqlParams } from '../common/sql/sql-params';
import { providedFields } from '../common/validation/transforms';
import {
  IntakeSubmissionDetailView,
  IntakeSubmissionView,
  ListIntakeSubmissionsQueryDto,
} from './dto/intake-review.dto';
import { IntakeSubmissionDto } from './dto/intake-submission.dto';
import { IntakeSubmissionNotFoundError } from './intake-errors';
import { acknowledgedConsents, type AcknowledgedConsent } from './intake-form';
import {
  DUPLICATES_JOIN,
  SUBMISSION_COLUMNS,
  toSubmissionDetailView,
  toSubmissionView,
  type SubmissionDetailRow,
  type SubmissionRow,
} from './intake-submission.row';
import { phoneDigits } from './intake-validation';

/** Where a submission came from: a prospective client's link, or a staff member entering it. */
export type SubmissionOrigin = { invitationId: string } | { staffId: string };

/**
 * Intake submissions: storing one as sent (from the public form or from staff), the review queue
 * with likely duplicates, and the detail view. Reviewing is {@link IntakeReviewService}'s.
 */
@Injectable()
export class IntakeSubmissionsService {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly audit: AuditService,
    private readonly idempotency: IdempotencyService,
    private readonly webhooks: WebhookOutbox,
  ) {}

  /**
   * Stores a validated submission inside the caller's transaction: the body as sent, the consents
   * acknowledged, and the fields duplicate detection compares (names, date of birth, email,
   * phone digits). Returns its id and time of receipt.
   */
  async insert(
    practiceId: string,
    origin: SubmissionOrigin,
    dto: IntakeSubmissionDto,
    sent: Record<string, unknown>,
    consents: AcknowledgedConsent[],
  ): Promise<{ id: string; created_at: Date }> {
    const [row] = await this.txHost.tx.query<{ id: string; created_at: Date }[]>(
      `INSERT INTO intake_submissions (practice_id, invitation_id, source, submitted_by, payload, consents,
         first_name, last_name, date_of_birth, email, phone_digits)
       VALUES ($1, $2, $3, $4, $5::jsonb, $6::jsonb, $7, $8, $9, $10, $11)
       RETURNING id, created_at`,
      [
        practiceId,
        'invitationId' in origin ? origin.invitationId : null,
        'invitationId' in origin ? 'invitation' : 'staff',
        'staffId' in origin ? origin.staffId : null,
        JSON.stringify(sent),
        JSON.stringify(consents),
        dto.client.firstName.trim(),
        dto.client.lastName.trim(),
        dto.client.dateOfBirth,
        dto.client.email ?? null,
        phoneDigits(dto.client.phone),
      ],
    );
    await this.webhooks.emit('intake.submitted', { practiceId, submissionId: row!.id });
    return row!;
  }

  /** Staff or an integration entering a form on a prospective client's behalf. */
  createByStaff(
    actor: StaffActor,
    dto: IntakeSubmissionDto,
    sent: Record<string, unknown>,
    idempotencyKey?: string,
  ): Promise<CreatedResponse<IntakeSubmissionDetailView> & { replayed: boolean }> {
    return this.txHost.withTransaction(() =>
      this.idempotency.run(actor, idempotencyKey, sent, async () => {
        const consents = acknowledgedConsents(dto.consents);
        const { id } = await this.insert(
          actor.practiceId,
          { staffId: actor.id },
          dto,
          sent,
          consents,
        );
        await this.audit.record({
          action: 'create',
          resourceType: 'intake_submission',
          resourceId: id,
          changedFields: providedFields(dto),
          metadata: { source: 'staff', familyMembers: dto.familyMembers?.length ?? 0 },
        });
        const view = toSubmissionDetailView((await this.find(actor.practiceId, id))!);
        // Likely duplicates name existing clients: only reviewers (who reach every client) may see them.
        if (actor.role !== 'intake_coordinator' && actor.role !== 'admin')
          view.possibleDuplicates = [];
        return { body: view };
      }),
    );
  }

  /** The review queue: pending first, then newest; each item with its likely duplicates. */
  async list(
    actor: StaffActor,
    query: ListIntakeSubmissionsQueryDto,
  ): Promise<Page<IntakeSubmissionView>> {
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    const params = new SqlParams();
    const where = [`s.practice_id = ${params.add(actor.practiceId)}`];
    if (query.status) where.push(`s.status = ${params.add(query.status)}`);
    if (query.cursor) {
      const [decided, at, id] = decodeCursor(query.cursor, 3);
      const rank = params.add(decided === 1);
      where.push(`((s.status <> 'pending') > ${rank}::boolean OR ((s.status <> 'pending') = ${rank}::boolean
                    AND (s.created_at, s.id) < (${params.add(at)}::timestamptz, ${params.add(id)}::uuid)))`);
    }
    const rows = await this.txHost.tx.query<(SubmissionRow & { decided: boolean; at: string })[]>(
      `SELECT ${SUBMISSION_COLUMNS}, s.status <> 'pending' AS decided,
              ${timestampCursorSql('s.created_at')} AS at
         FROM intake_submissions s ${DUPLICATES_JOIN}
        WHERE ${where.join(' AND ')}
        ORDER BY s.status <> 'pending', s.created_at DESC, s.id DESC
        LIMIT ${params.add(limit + 1)}`,
      params.values,
    );
    const page = toPage(rows, limit, (row) => [row.decided ? 1 : 0, row.at, row.id]);
    // Each listed submission discloses a prospective client's details: each gets its event.
    await this.audit.recordMany(
      page.data.map((row) => ({
        action: 'list' as const,
        resourceType: 'intake_submission',
        resourceId: row.id,
        clientId: row.client_id,
      })),
    );
    return { data: page.data.map(toSubmissionView), nextCursor: page.nextCursor };
  }

  async get(actor: StaffActor, submissionId: string): Promise<IntakeSubmissionDetailView> {
    const row = await this.find(actor.practiceId, submissionId);
    if (!row) {
      return this.audit.denyAsNotFound(
        { resourceType: 'intake_submission', resourceId: submissionId },
        new IntakeSubmissionNotFoundError(),
      );
    }
    await this.audit.record({
      action: 'read',
      resourceType: 'intake_submission',
      resourceId: submissionId,
      clientId: row.client_id,
    });
    return toSubmissionDetailView(row);
  }

  /** One submission of the practice, as sent, with its likely duplicates; undefined if none. */
  async find(practiceId: string, submissionId: string): Promise<SubmissionDetailRow | undefined> {
    const [row] = await this.txHost.tx.query<SubmissionDetailRow[]>(
      `SELECT ${SUBMISSION_COLUMNS}, s.payload, s.consents
         FROM intake_submissions s ${DUPLICATES_JOIN}
        WHERE s.practice_id = $1 AND s.id = $2`,
      [practiceId, submissionId],
    );
    return row;
  }
}
