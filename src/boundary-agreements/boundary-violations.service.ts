import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { ClientAccessService } from '../access/client-access.service';
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
import { toPartyView } from '../parties/party';
import { clientHolder } from '../parties/record-holder';
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
    private readonly access: ClientAccessService,
    private readonly agreements: BoundaryAgreementsService,
    private readonly audit: AuditService,
  ) {}

  report(
    actor: StaffActor,
    clientId: string,
    agreementId: string,
    dto: ReportViolationDto,
  ): Promise<ViolationView> {
    return this.txHost.withTransaction(async () => {
      const agreement = await this.agreements.lockForWrite(
        actor,
        clientHolder(clientId),
        agreementId,
      );
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
      const reporter =
        dto.reportedBy.party === 'client' ? null : (dto.reportedBy.familyMemberId ?? '');
      if (!agreement.parties.some((party) => party === reporter))
        errors.push({ field: 'reportedBy', message: 'is not a party of this agreement' });
      if (Date.parse(dto.occurredAt) > Date.now() + 60_000)
        errors.push({ field: 'occurredAt', message: 'must not be in the future' });
      const [found] = await this.txHost.tx.query<{ item: boolean; session: boolean }[]>(
        `SELECT EXISTS (SELECT 1 FROM boundary_items WHERE practice_id = $1 AND agreement_id = $2 AND id = $3) AS item,
                ($5::uuid IS NULL OR EXISTS (SELECT 1 FROM therapy_sessions WHERE practice_id = $1 AND client_id = $4 AND id = $5)) AS session`,
        [actor.practiceId, agreementId, dto.itemId, clientId, dto.sessionId ?? null],
      );
      if (!found?.item)
        errors.push({ field: 'itemId', message: 'is not an item of this agreement' });
      if (!found?.session)
        errors.push({ field: 'sessionId', message: 'is not a session of this client' });
      if (errors.length > 0)
        throw new UnprocessableProblem(
          AGREEMENT_ERRORS.invalidViolation,
          'The violation report does not fit this agreement.',
          errors,
        );
      const [row] = await this.txHost.tx.query<ViolationRow[]>(
        `WITH v AS (
           INSERT INTO boundary_violations (practice_id, client_id, agreement_id, item_id, reported_by_family_member_id, occurred_at,
                                            severity, description, response_taken, session_id, created_by)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING *)
         SELECT ${VIOLATION_COLUMNS} FROM v`,
        [
          actor.practiceId,
          clientId,
          agreementId,
          dto.itemId,
          reporter,
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
        clientId,
        metadata: { agreementId, severity: dto.severity },
      });
      return toView(row!);
    });
  }

  async list(
    actor: StaffActor,
    clientId: string,
    agreementId: string,
    query: ListViolationsQueryDto,
  ): Promise<Page<ViolationView>> {
    await this.access.require(actor, clientId, 'readClinical');
    await this.agreements.load(actor.practiceId, clientHolder(clientId), agreementId);
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
      clientId,
    });
    const page = toPage(rows, limit, (row) => [row.cursor_key, row.id]);
    return { data: page.data.map(toView), nextCursor: page.nextCursor };
  }

  resolve(
    actor: StaffActor,
    clientId: string,
    agreementId: string,
    violationId: string,
  ): Promise<ViolationView> {
    return this.txHost.withTransaction(async () => {
      await this.agreements.lockForWrite(actor, clientHolder(clientId), agreementId);
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
        clientId,
        changedFields: ['resolvedAt'],
      });
      const [updated] = await this.txHost.tx.query<ViolationRow[]>(
        `SELECT ${VIOLATION_COLUMNS} FROM boundary_violations v WHERE v.practice_id = $1 AND v.id = $2`,
        [actor.practiceId, violationId],
      );
      return toView(updated!);
    });
  }
}

function toView(row: ViolationRow): ViolationView {
  return {
    id: row.id,
    agreementId: row.agreement_id,
    itemId: row.item_id,
    reportedBy: toPartyView(row.reported_by_family_member_id),
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
