import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { ClientAccessService } from '../access/client-access.service';
import { concernsClient } from '../audit/audit-event';
import { AuditService } from '../audit/audit.service';
import type { StaffActor } from '../common/actor/actor';
import {
  DEFAULT_PAGE_SIZE,
  decodeCursor,
  PageQueryDto,
  toPage,
  type Page,
  timestampCursorSql,
} from '../common/pagination/cursor';
import { SqlParams } from '../common/sql/sql-params';
import { AccessLogEntryView } from './dto/access-log.dto';
import type { AccessLogEntryRow as EntryRow } from './access-log-entry.row';

/** Who read or changed a client's record, when and how: the accounting a client may ask for. */
@Injectable()
export class ClientAccessLogService {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly access: ClientAccessService,
    private readonly audit: AuditService,
  ) {}

  async list(
    actor: StaffActor,
    clientId: string,
    query: PageQueryDto,
  ): Promise<Page<AccessLogEntryView>> {
    await this.access.require(actor, clientId, 'read');
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    const params = new SqlParams();
    const where = [
      `e.practice_id = ${params.add(actor.practiceId)}`,
      concernsClient(params.add(clientId)),
      // Psychotherapy notes are their author's alone: even that one exists is shown to no one else.
      `(e.resource_type <> 'psychotherapy_note' OR e.actor_id = ${params.add(actor.id)})`,
    ];
    if (query.cursor) {
      const [at, id] = decodeCursor(query.cursor, 2);
      where.push(
        `(e.occurred_at, e.id) < (${params.add(at)}::timestamptz, ${params.add(id)}::uuid)`,
      );
    }
    const rows = await this.txHost.tx.query<EntryRow[]>(
      `SELECT e.id, e.occurred_at, ${timestampCursorSql('e.occurred_at')} AS cursor_key,
              e.actor_type, e.actor_id, s.first_name || ' ' || s.last_name AS actor_name, e.actor_role, e.action,
              e.resource_type, e.outcome, e.changed_fields, e.metadata ->> 'via' AS via
         FROM audit_events e
         LEFT JOIN staff s ON s.practice_id = e.practice_id AND s.id = e.actor_id
        WHERE ${where.join(' AND ')}
        ORDER BY e.occurred_at DESC, e.id DESC LIMIT ${params.add(limit + 1)}`,
      params.values,
    );
    await this.audit.record({
      action: 'read',
      resourceType: 'access_log',
      resourceId: clientId,
      clientId,
    });
    const page = toPage(rows, limit, (row) => [row.cursor_key, row.id]);
    return {
      data: page.data.map((row) => ({
        id: row.id,
        occurredAt: row.occurred_at.toISOString(),
        actorType: row.actor_type,
        actorId: row.actor_id,
        actorName: row.actor_name,
        actorRole: row.actor_role,
        action: row.action,
        resourceType: row.resource_type,
        outcome: row.outcome,
        changedFields: row.changed_fields,
        via: row.via,
      })),
      nextCursor: page.nextCursor,
    };
  }
}
