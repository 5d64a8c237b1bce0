import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { CaseAccessService } from '../access/case-access.service';
import { ClientAccessService } from '../access/client-access.service';
import { AuditService } from '../audit/audit.service';
import type { ApiScope, Caller } from '../common/actor/actor';
import { DEFAULT_PAGE_SIZE, decodeCursor, encodeCursor } from '../common/pagination/cursor';
import { SqlParams } from '../common/sql/sql-params';
import { ValidationProblem } from '../common/problem/problem';
import { AppConfig } from '../config/app-config';
import { ChangeFeedCursorExpiredError } from './change-feed-errors';
import {
  CHANGE_RESOURCE_TYPES,
  type ChangeFeedQueryDto,
  type ChangePage,
  type ChangeResourceType,
} from './change-feed.dto';

interface ChangeRow {
  id: string;
  tx_id: string;
  resource_type: ChangeResourceType;
  resource_id: string;
  client_id: string | null;
  case_id: string | null;
  deleted: boolean;
  changed_at: Date;
}

/** The start of the feed: before every transaction id and every entry. */
const ORIGIN = ['0', '0'];

/**
 * The change feed: what changed among the clients, family members, sessions, notes and cases the
 * caller reaches, in commit-safe order.
 *
 * Entries come from the `change_log` triggers, each with its writing transaction's id. A page only
 * holds entries whose transaction id is below the snapshot horizon (the oldest transaction still
 * running), ordered by (transaction id, entry id) — the audit sealer's rule. Every transaction below
 * the horizon has ended, and any transaction that commits later has an id at or above it, so a
 * cursor never passes an entry that could still appear: no change is missed between pages, however
 * writes interleave. The price is latency: an open transaction holds the feed back until it ends.
 */
/**
 * The scope an API key needs to see each type, as it needs it to read the records; `null` for cases,
 * whose routes no API key may call (an API key asking for them gets an empty page, like a key asking
 * for notes without `notes:read`).
 */
const SCOPE_OF_TYPE: Record<ChangeResourceType, ApiScope | null> = {
  client: 'clients:read',
  family_member: 'clients:read',
  therapy_session: 'sessions:read',
  session_note: 'notes:read',
  case: null,
};

@Injectable()
export class ChangeFeedService {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly access: ClientAccessService,
    private readonly caseAccess: CaseAccessService,
    private readonly audit: AuditService,
    private readonly config: AppConfig,
  ) {}

  async changes(actor: Caller, query: ChangeFeedQueryDto): Promise<ChangePage> {
    const params = new SqlParams();
    // An API key sees only the kinds of record its scopes let it read elsewhere.
    const types = (query.types?.length ? query.types : [...CHANGE_RESOURCE_TYPES]).filter(
      (type) => {
        const scope = SCOPE_OF_TYPE[type];
        return actor.kind === 'staff' || (scope !== null && actor.scopes.includes(scope));
      },
    );
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    const [txId, entryId] = query.cursor ? decodeCursor(query.cursor, 2) : ORIGIN;
    if (!/^\d{1,20}$/.test(String(txId)) || !/^\d{1,20}$/.test(String(entryId))) {
      throw new ValidationProblem([
        { field: 'cursor', message: 'must be a cursor returned by a previous page' },
      ]);
    }
    // Tombstones: the feed is the one list that still names entered-in-error records, by id only,
    // so a copy can drop them; `scope` is the list rule without that exclusion.
    const demographics = this.access.scope(actor, params, 'read');
    const clinical = this.access.scope(actor, params, 'readClinical');
    // Who may read the case itself (GET /cases/:id) sees its changes.
    const cases = actor.kind === 'staff' ? this.caseAccess.scope(actor, params, 'read') : 'false';
    const rows = await this.txHost.tx.query<ChangeRow[]>(
      `SELECT l.id::text AS id, l.tx_id::text AS tx_id, l.resource_type, l.resource_id, l.client_id,
              l.case_id, coalesce(c.status, k.status) = 'entered_in_error' AS deleted, l.changed_at
         FROM change_log l
         LEFT JOIN clients c ON c.practice_id = l.practice_id AND c.id = l.client_id
         LEFT JOIN cases k ON k.practice_id = l.practice_id AND k.id = l.case_id
        WHERE l.practice_id = ${params.add(actor.practiceId)}
          AND l.resource_type = ANY (${params.add(types)}::text[])
          AND l.tx_id < pg_snapshot_xmin(pg_current_snapshot())
          AND (l.tx_id, l.id) > (${params.add(String(txId))}::xid8, ${params.add(String(entryId))}::bigint)
          AND CASE WHEN l.resource_type = 'case' THEN ${cases}
                   WHEN l.resource_type IN ('client', 'family_member') THEN ${demographics}
                   ELSE ${clinical} END
        ORDER BY l.tx_id, l.id
        LIMIT ${params.add(limit + 1)}`,
      params.values,
    );
    // After the page's read, not before: a purge that commits between the two statements is then
    // seen here, so a page read over a just-purged stretch is never handed out.
    if (query.cursor)
      await this.assertNotPurgedPast(actor.practiceId, String(txId), String(entryId));
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    await this.audit.recordListed(
      'change_feed',
      page.flatMap((row) => (row.client_id ? [row.client_id] : [])),
    );
    await this.audit.recordMany(
      [...new Set(page.flatMap((row) => (row.case_id ? [row.case_id] : [])))].map((caseId) => ({
        action: 'list' as const,
        resourceType: 'case',
        resourceId: caseId,
        metadata: { via: 'change_feed' },
      })),
    );
    return {
      data: page.map((row) => ({
        resourceType: row.resource_type,
        id: row.resource_id,
        clientId: row.client_id,
        caseId: row.case_id,
        change: row.deleted ? ('deleted' as const) : ('upserted' as const),
        changedAt: row.changed_at.toISOString(),
      })),
      nextCursor: last
        ? encodeCursor([last.tx_id, last.id])
        : encodeCursor(
            query.cursor
              ? [String(txId), String(entryId)]
              : await this.purgedThrough(actor.practiceId),
          ),
      hasMore: rows.length > limit,
    };
  }

  /**
   * Where a fresh start that found nothing yet goes on from: after the last purge, not the origin.
   * Its page is empty when every kept entry is newer than the oldest transaction still running
   * (anywhere on the server); handing out the origin then would answer the next page 410.
   */
  private async purgedThrough(practiceId: string): Promise<string[]> {
    const [row] = await this.txHost.tx.query<{ tx_id: string; id: string }[]>(
      `SELECT h.through_tx_id::text AS tx_id, h.through_id::text AS id FROM change_log_purges h
        WHERE h.practice_id = $1 ORDER BY h.through_tx_id DESC, h.through_id DESC LIMIT 1`,
      [practiceId],
    );
    return row ? [row.tx_id, row.id] : ORIGIN;
  }

  /** 410 when housekeeping deleted an entry after the cursor: the caller may have missed it. */
  private async assertNotPurgedPast(practiceId: string, txId: string, entryId: string) {
    const [row] = await this.txHost.tx.query<{ purged: boolean }[]>(
      `SELECT EXISTS (SELECT 1 FROM change_log_purges h
                       WHERE h.practice_id = $1 AND (h.through_tx_id, h.through_id) > ($2::xid8, $3::bigint)) AS purged`,
      [practiceId, txId, entryId],
    );
    if (row?.purged) throw new ChangeFeedCursorExpiredError(this.config.changeFeedRetentionDays);
  }
}
