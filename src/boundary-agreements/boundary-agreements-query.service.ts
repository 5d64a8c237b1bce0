import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { CaseAccessService } from '../access/case-access.service';
import { ClientAccessService } from '../access/client-access.service';
import { AuditService } from '../audit/audit.service';
import type { StaffActor } from '../common/actor/actor';
import { decodeCursor, toPage, type Page, timestampCursorSql } from '../common/pagination/cursor';
import { practiceSettingSql } from '../practices/practice-settings';
import { AGREEMENT_COLUMNS, toAgreementView, type AgreementRow } from './agreement.row';
import { AgreementView, ListAgreementsQueryDto } from './boundary-agreement.dto';

/**
 * Agreements across the caller's caseload: those of the clients they reach and those held by the
 * cases they reach (a case's own agreements belong to its care team). With `reviewDue`, those in force whose review date has
 * passed or falls within the practice's notice period (`boundaryReviewNoticeDays`),
 * counted in the practice's time zone, soonest first.
 */
@Injectable()
export class BoundaryAgreementsQueryService {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly access: ClientAccessService,
    private readonly cases: CaseAccessService,
    private readonly audit: AuditService,
  ) {}

  async list(actor: StaffActor, query: ListAgreementsQueryDto): Promise<Page<AgreementView>> {
    const { params, where, limit } = this.access.listQuery(actor, 'readClinical', query.limit);
    where[0] = `((${where[0]}) OR (a.client_id IS NULL AND ${this.cases.listScope(actor, params, 'readClinical')}))`;
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
         LEFT JOIN clients c ON c.practice_id = a.practice_id AND c.id = a.client_id
         LEFT JOIN cases k ON a.client_id IS NULL AND k.practice_id = a.practice_id AND k.id = a.case_id
         JOIN practices p ON p.id = a.practice_id
        WHERE ${where.join(' AND ')}
        ORDER BY ${key}, a.id LIMIT ${params.add(limit + 1)}`,
      params.values,
    );
    const page = toPage(rows, limit, (row) => [row.cursor_key, row.id]);
    await this.audit.recordListed(
      'boundary_agreement',
      page.data.flatMap((row) => (row.client_id ? [row.client_id] : [])),
    );
    const cases = [...new Set(page.data.flatMap((row) => (row.client_id ? [] : [row.case_id!])))];
    await this.audit.recordMany(
      cases.map((caseId) => ({
        action: 'list' as const,
        resourceType: 'boundary_agreement',
        clientId: null,
        metadata: { caseId },
      })),
    );
    return { data: page.data.map(toAgreementView), nextCursor: page.nextCursor };
  }
}
