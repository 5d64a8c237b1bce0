import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { ClientAccessService } from '../access/client-access.service';
import { AuditService } from '../audit/audit.service';
import type { StaffActor } from '../common/actor/actor';
import { decodeCursor, toPage, type Page, timestampCursorSql } from '../common/pagination/cursor';
import { practiceSettingSql } from '../practices/practice-settings';
import { AGREEMENT_COLUMNS, toAgreementView, type AgreementRow } from './agreement.row';
import { AgreementView, ListAgreementsQueryDto } from './boundary-agreement.dto';

/**
 * Agreements across the caller's caseload. With `reviewDue`, those in force whose review date has
 * passed or falls within the practice's notice period (`boundaryReviewNoticeDays`),
 * counted in the practice's time zone, soonest first.
 */
@Injectable()
export class BoundaryAgreementsQueryService {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly access: ClientAccessService,
    private readonly audit: AuditService,
  ) {}

  async list(actor: StaffActor, query: ListAgreementsQueryDto): Promise<Page<AgreementView>> {
    const { params, where, limit } = this.access.listQuery(actor, 'readClinical', query.limit);
    if (query.status) where.push(`a.status = ${params.add(query.status)}`);
    if (query.reviewDue) {
      where.push(`a.status IN ('active', 'under_review')`, `a.review_date IS NOT NULL`);
      where.push(`a.review_date <= (now() AT TIME ZONE p.time_zone)::date
                    + ${practiceSettingSql('boundaryReviewNoticeDays')}`);
    }
    // Review-due lists go by review date; otherwise by creation.
    const key = query.reviewDue ? `a.review_date::text` : timestampCursorSql('a.created_at');
    if (query.cursor) {
      const [at, id] = decodeCursor(query.cursor, 2);
      where.push(`(${key}, a.id) > (${params.add(at)}, ${params.add(id)}::uuid)`);
    }
    const rows = await this.txHost.tx.query<(AgreementRow & { cursor_key: string })[]>(
      `SELECT ${AGREEMENT_COLUMNS}, ${key} AS cursor_key
         FROM boundary_agreements a
         JOIN clients c ON c.practice_id = a.practice_id AND c.id = a.client_id
         JOIN practices p ON p.id = a.practice_id
        WHERE ${where.join(' AND ')}
        ORDER BY ${key}, a.id LIMIT ${params.add(limit + 1)}`,
      params.values,
    );
    const page = toPage(rows, limit, (row) => [row.cursor_key, row.id]);
    await this.audit.recordListed(
      'boundary_agreement',
      // Joined to clients above: only a client's agreements are listed here.
      page.data.map((row) => row.client_id!),
    );
    return { data: page.data.map(toAgreementView), nextCursor: page.nextCursor };
  }
}
