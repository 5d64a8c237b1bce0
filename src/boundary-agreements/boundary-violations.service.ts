import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { RecordHolderAccessService } from '../access/record-holder-access.service';
import { AuditService } from '../audit/audit.service';
import type { StaffActor } from '../common/actor/actor';
import { DEFAULT_PAGE_SIZE, decodeCursor, toPage, type Page } from '../common/pagination/cursor';
import {
  ConflictProblem,
  NotFoundProblem,
  UnprocessableProblem,
  type FieldError,
} from '../common/problem/problem';
import { SqlParams } from '../common/sql/sql-params';
import { partyIdOf, partyViewOf } from '../parties/party';
import { holderAudit, holderColumns, type RecordHolder } from '../parties/record-holder';
import { AGREEMENT_ERRORS } from './agreement-errors';
import {
  ListViolationsQueryDto,
  ReportViolationDto,
  ViolationView,
} from './boundary-agreement.dto';
import { BoundaryAgreementsService } from './boundary-agreements.service';
import { VIOLATION_COLUMNS, type ViolationRow } from './boundary-violation.row';

/** Crossed boundaries, logged against the item that was crossed. */
@Injectable()
export class BoundaryViolationsService {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly access: RecordHolderAccessService,
    private readonly agreements: BoundaryAgreementsService,
    private readonly audit: AuditService,
  ) {}

  report(
    actor: StaffActor,
    holder: RecordHolder,
    agreementId: string,
    dto: ReportViolationDto,
  ): Promise<ViolationView> {
    return this.txHost.withTransaction(async () => {
      const agreement = await this.agreements.lockForWrite(actor, holder, agreementId);
      if (agreement.status !== 'active' && agreement.status !== 'under_review') {
        throw new ConflictProblem(
          AGREEMENT_ERRORS.notInForce,
          'Violations are logged against an agreement in force.',
          {
            currentStatus: agreement.status,
          },
        );
      }
      const errors: FieldError[] = [];
      // A case's agreement names persons, a client's the client or family members: a party of the
      // wrong kind matches none of the agreement's parties.
      const reporter =
        (dto.reportedBy.party === 'person') === (holder.kind === 'case')
          ? partyIdOf(dto.reportedBy)
          : '';
      if (!agreement.parties.some((party) => party === reporter))
        errors.push({ field: 'reportedBy', message: 'is not a party of this agreement' });
      if (Date.parse(dto.occurredAt) > Date.now() + 60_000)
        errors.push({ field: 'occurredAt', message: 'must not be in the future' });
      const [found] = await this.txHost.tx.query<{ item: boolean; session: boolean }[]>(
        `SELECT EXISTS (SELECT 1 FROM boundary_items WHERE practice_id = $1 AND agreement_id = $2 AND id = $3) AS item,
                ($5::uuid IS NULL OR EXISTS (SELECT 1 FROM therapy_sessions
                                              WHERE practice_id = $1 AND ${holder.kind}_id = $4 AND id = $5)) AS session`,
        [actor.practiceId, agreementId, dto.itemId, holder.id, dto.sessionId ?? null],
      );
      if (!found?.item)
        errors.push({ field: 'itemId', message: 'is not an item of this agreement' });
      if (!found?.session)
        errors.push({ field: 'sessionId', message: `is not a session of this ${holder.kind}` });
      if (errors.length > 0)
        throw new UnprocessableProblem(
          AGREEMENT_ERRORS.invalidViolation,
          'The violation report does not fit this agreement.',
          errors,
        );
      const [row] = await this.txHost.tx.query<ViolationRow[]>(
        `WITH v AS (
           INSERT INTO boundary_violations (practice_id, client_id, case_id, agreement_id, item_id, reported_by_family_member_id,
                                            reported_by_person_id, occurred_at, severity, description, response_taken,
                                            session_id, created_by)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING *)
         SELECT ${VIOLATION_COLUMNS} FROM v`,
        [
          actor.practiceId,
          ...holderColumns(holder),
          agreementId,
          dto.itemId,
          holder.kind === 'client' ? reporter : null,
          holder.kind === 'case' ? reporter : null,
          dto.occurredAt,
          dto.severity,
          dto.description.trim(),
          dto.responseTaken?.trim() ?? null,
          dto.sessionId ?? null,
          actor.id,
        ],
      );
      await this.audit.record({
        action: 'create',
        resourceType: 'boundary_violation',
        resourceId: row!.id,
        ...holderAudit(holder, { agreementId, severity: dto.severity }),
      });
      return toView(row!, holder);
    });
  }

  async list(
    actor: StaffActor,
    holder: RecordHolder,
    agreementId: string,
    query: ListViolationsQueryDto,
  ): Promise<Page<ViolationView>> {
    await this.access.require(actor, holder, 'readClinical');
    await this.agreements.load(actor.practiceId, holder, agreementId);
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    const params = new SqlParams();
    const where = [
      `v.practice_id = ${params.add(actor.practiceId)}`,
      `v.agreement_id = ${params.add(agreementId)}`,
    ];
    if (query.itemId) where.push(`v.item_id = ${params.add(query.itemId)}`);
    if (query.cursor) {
      const [at, id] = decodeCursor(query.cursor, 2);
      where.push(
        `(v.occurred_at, v.id) < (${params.add(at)}::timestamptz, ${params.add(id)}::uuid)`,
      );
    }
    const rows = await this.txHost.tx.query<ViolationRow[]>(
      `SELECT ${VIOLATION_COLUMNS} FROM boundary_violations v WHERE ${where.join(' AND ')}
        ORDER BY v.occurred_at DESC, v.id DESC LIMIT ${params.add(limit + 1)}`,
      params.values,
    );
    await this.audit.record({
      action: 'list',
      resourceType: 'boundary_violation',
      resourceId: agreementId,
      ...holderAudit(holder),
    });
    const page = toPage(rows, limit, (row) => [row.cursor_key, row.id]);
    return { data: page.data.map((row) => toView(row, holder)), nextCursor: page.nextCursor };
  }

  resolve(
    actor: StaffActor,
    holder: RecordHolder,
    agreementId: string,
    violationId: string,
  ): Promise<ViolationView> {
    return this.txHost.withTransaction(async () => {
      await this.agreements.lockForWrite(actor, holder, agreementId);
      const [[row]] = await this.txHost.tx.query<[{ id: string }[], number]>(
        `UPDATE boundary_violations SET resolved_at = coalesce(resolved_at, now()), resolved_by = coalesce(resolved_by, $4),
                version = version + 1
          WHERE practice_id = $1 AND agreement_id = $2 AND id = $3 RETURNING id`,
        [actor.practiceId, agreementId, violationId, actor.id],
      );
      if (!row) throw new NotFoundProblem('The violation');
      await this.audit.record({
        action: 'update',
        resourceType: 'boundary_violation',
        resourceId: violationId,
        changedFields: ['resolvedAt'],
        ...holderAudit(holder),
      });
      const [updated] = await this.txHost.tx.query<ViolationRow[]>(
        `SELECT ${VIOLATION_COLUMNS} FROM boundary_violations v WHERE v.practice_id = $1 AND v.id = $2`,
        [actor.practiceId, violationId],
      );
      return toView(updated!, holder);
    });
  }
}

function toView(row: ViolationRow, holder: RecordHolder): ViolationView {
  return {
    id: row.id,
    agreementId: row.agreement_id,
    itemId: row.item_id,
    reportedBy: partyViewOf(row.reported_by, holder.kind === 'case'),
    occurredAt: row.occurred_at.toISOString(),
    severity: row.severity,
    description: row.description,
    responseTaken: row.response_taken,
    sessionId: row.session_id,
    resolvedAt: row.resolved_at?.toISOString() ?? null,
    setbackIds: row.setback_ids,
    createdAt: row.created_at.toISOString(),
  };
}
