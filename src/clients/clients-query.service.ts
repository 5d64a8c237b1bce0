import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { ClientAccessService } from '../access/client-access.service';
import { AuditService } from '../audit/audit.service';
import type { Caller } from '../common/actor/actor';
import { decodeCursor, toPage, type Page, timestampCursorSql } from '../common/pagination/cursor';
import { CLIENT_COLUMNS, toClientView, type ClientRow, type ClientView } from './client.row';
import { ListClientsQueryDto } from './dto/client.dto';

/** Escapes LIKE's wildcards so that a search for "50%" means the characters, not a pattern. */
const escapeLike = (value: string) => value.replace(/[\\%_]/g, (char) => `\\${char}`);

/**
 * The client list: only clients the caller may reach (the access rule as a WHERE clause), never
 * records entered in error, keyset-paginated by name or by last activity.
 */
@Injectable()
export class ClientsQueryService {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly access: ClientAccessService,
    private readonly audit: AuditService,
  ) {}

  async list(actor: Caller, query: ListClientsQueryDto): Promise<Page<ClientView>> {
    const byActivity = query.sort === 'lastActivity';
    // A page walks the list's own index; over a large caseload each row it meets is checked, so
    // the page does not cost the whole caseload (issue 19).
    const check = await this.access.caseloadCheck(actor);
    const { params, where, limit } = this.access.listQuery(actor, 'read', query.limit, check);
    if (query.status?.length) where.push(`c.status = ANY(${params.add(query.status)})`);
    if (query.presentingConcern)
      where.push(`${params.add(query.presentingConcern)} = ANY(c.presenting_concerns)`);
    if (query.substanceUseRecords !== undefined)
      where.push(`c.substance_use_records = ${params.add(query.substanceUseRecords)}`);
    if (query.counselorId) {
      where.push(`EXISTS (SELECT 1 FROM care_team_members f WHERE f.practice_id = c.practice_id AND f.client_id = c.id
                    AND f.staff_id = ${params.add(query.counselorId)} AND f.removed_at IS NULL)`);
    }
    if (query.search) {
      // Prefix of any word of "first last preferred", case and accents folded on both sides.
      const prefix = params.add(escapeLike(query.search.trim()));
      where.push(
        `(c.search_names LIKE search_key(${prefix}) || '%' OR c.search_names LIKE '% ' || search_key(${prefix}) || '%')`,
      );
    }
    if (query.cursor) {
      if (byActivity) {
        const [at, id] = decodeCursor(query.cursor, 2);
        where.push(
          `(c.last_activity_at, c.id) < (${params.add(at)}::timestamptz, ${params.add(id)}::uuid)`,
        );
      } else {
        const [last, first, id] = decodeCursor(query.cursor, 3);
        where.push(
          `(c.last_name, c.first_name, c.id) > (${params.add(last)}, ${params.add(first)}, ${params.add(id)}::uuid)`,
        );
      }
    }
    const order = byActivity
      ? 'c.last_activity_at DESC, c.id DESC'
      : 'c.last_name, c.first_name, c.id';
    const rows = await this.txHost.tx.query<(ClientRow & { activity_key: string })[]>(
      `SELECT ${CLIENT_COLUMNS}, ${timestampCursorSql('c.last_activity_at')} AS activity_key
         FROM clients c WHERE ${where.join(' AND ')} ORDER BY ${order} LIMIT ${params.add(limit + 1)}`,
      params.values,
    );
    const page = toPage(rows, limit, (row) =>
      byActivity ? [row.activity_key, row.id] : [row.last_name, row.first_name, row.id],
    );
    // Showing a client in a list discloses their record: each shown client gets its read event.
    await this.audit.recordMany(
      page.data.map((row) => ({
        action: 'list' as const,
        resourceType: 'client',
        resourceId: row.id,
        clientId: row.id,
      })),
    );
    return { data: page.data.map(toClientView), nextCursor: page.nextCursor };
  }
}
