import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { Caller } from '../common/actor/actor';
import { DEFAULT_PAGE_SIZE, Page, decodeCursor, toPage } from '../common/pagination/cursor';
import { ValidationProblem } from '../common/problem/problem';
import { AuditMetadata, concernsClient } from './audit-event';
import {
  AUDIT_EVENT_COLUMNS,
  AuditEventRow,
  AuditEventView,
  toAuditEventView,
} from './audit-event.row';
import { AuditVerifier, ChainVerification } from './audit-verifier';
import { AuditService } from './audit.service';
import { ListAuditEventsDto } from './dto/list-audit-events.dto';

const CURSOR_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Reading the audit log of the caller's practice: the list, and the chain check. */
@Injectable()
export class AuditQueryService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly verifier: AuditVerifier,
    private readonly audit: AuditService,
  ) {}

  /** Newest first, keyset-paginated on `(occurred_at, id)`. */
  async list(actor: Caller, query: ListAuditEventsDto): Promise<Page<AuditEventView>> {
    assertRange(query.from, query.to);
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    const params: unknown[] = [actor.practiceId];
    const where = ['e.practice_id = $1'];
    const filter = (condition: (param: string) => string, value: unknown): void => {
      params.push(value);
      where.push(condition(`$${params.length}`));
    };
    if (query.clientId) filter(concernsClient, query.clientId);
    if (query.actorId) filter((p) => `e.actor_id = ${p}::uuid`, query.actorId);
    if (query.action) filter((p) => `e.action = ${p}`, query.action);
    if (query.resourceType) filter((p) => `e.resource_type = ${p}`, query.resourceType);
    if (query.from) filter((p) => `e.occurred_at >= ${p}::timestamptz`, query.from);
    if (query.to) filter((p) => `e.occurred_at < ${p}::timestamptz`, query.to);
    if (query.cursor) {
      const [occurredAt, id] = decodeListCursor(query.cursor);
      params.push(occurredAt, id);
      where.push(
        `(e.occurred_at, e.id) < ($${params.length - 1}::timestamptz, $${params.length}::uuid)`,
      );
    }
    params.push(limit + 1);
    const rows = await this.dataSource.query<AuditEventRow[]>(
      `SELECT ${AUDIT_EVENT_COLUMNS} FROM audit_events e
        WHERE ${where.join(' AND ')}
        ORDER BY e.occurred_at DESC, e.id DESC
        LIMIT $${params.length}`,
      params,
    );
    const page = toPage(rows.map(toAuditEventView), limit, (event) => [event.occurredAt, event.id]);

    await this.audit.record({
      action: 'list',
      resourceType: 'audit_event',
      clientId: query.clientId ?? null,
      actor,
      metadata: listMetadata(query, page.data.length),
    });
    return page;
  }

  /** Seals and verifies the caller's practice's chain. */
  async verify(actor: Caller): Promise<ChainVerification> {
    const result = await this.verifier.verify(actor.practiceId);
    await this.audit.record({
      action: 'verify',
      resourceType: 'audit_event',
      actor,
      metadata: { ok: result.ok, checked: result.checked, unsealed: result.unsealed },
    });
    return result;
  }
}

/** `to` must not come before `from` when both are given. */
export function assertRange(from: string | undefined, to: string | undefined): void {
  if (from && to && Date.parse(to) < Date.parse(from)) {
    throw new ValidationProblem([{ field: 'to', message: 'must not be earlier than from' }]);
  }
}

function decodeListCursor(cursor: string): [string, string] {
  const [occurredAt, id] = decodeCursor(cursor, 2);
  if (
    typeof occurredAt === 'string' &&
    CURSOR_TIME.test(occurredAt) &&
    typeof id === 'string' &&
    UUID.test(id)
  ) {
    return [occurredAt, id];
  }
  throw new ValidationProblem([
    { field: 'cursor', message: 'must be a cursor returned by a previous page' },
  ]);
}

/** The filters used (ids, codes and times: no PHI) and how many events were shown. */
function listMetadata(query: ListAuditEventsDto, returned: number): AuditMetadata {
  return {
    returned,
    actorId: query.actorId ?? null,
    action: query.action ?? null,
    resourceType: query.resourceType ?? null,
    from: query.from ?? null,
    to: query.to ?? null,
  };
}
