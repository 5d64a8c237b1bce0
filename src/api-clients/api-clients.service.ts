import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { AuditService } from '../audit/audit.service';
import type { StaffActor } from '../common/actor/actor';
import { assertIfMatch, type Versioned } from '../common/http/etag';
import {
  decodeCursor,
  DEFAULT_PAGE_SIZE,
  timestampCursorSql,
  toPage,
  type Page,
  type PageQueryDto,
} from '../common/pagination/cursor';
import { ConflictProblem, NotFoundProblem, UnprocessableProblem } from '../common/problem/problem';
import { describeConstraint } from '../common/problem/database-errors';
import { providedFields } from '../common/validation/transforms';
import { API_CLIENT_ERRORS } from './api-client-errors';
import type { CreateApiClientDto, UpdateApiClientDto } from './api-client.dto';
import {
  API_CLIENT_COLUMNS,
  apiClientEtag,
  toApiClientView,
  type ApiClientRow,
  type ApiClientView,
} from './api-client.row';
import { generateApiKey, hashApiKey, shownPrefix } from './api-key';
import { assertIpAllowList } from './ip-allow-list';

describeConstraint('ck_api_clients_audit_whole_practice', {
  problem: API_CLIENT_ERRORS.auditScopeNeedsWholePractice,
  detail: 'Only an API client without a caseload may hold audit:read.',
  field: 'scopes',
});

/** Two keys let an integration move to a new key before the old one is revoked, never more. */
export const MAX_ACTIVE_KEYS = 2;

export class ApiClientNotFoundError extends NotFoundProblem {
  constructor() {
    super('The API client');
  }
}

/**
 * The practice's API clients, managed by its admins. Keys are shown once, when made, and kept only
 * as hashes; revoking a client or a key takes effect on its next request (each request looks the
 * key up, see ApiKeyStrategy).
 */
@Injectable()
export class ApiClientsService {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly audit: AuditService,
  ) {}

  create(actor: StaffActor, dto: CreateApiClientDto): Promise<ApiClientView & { key: string }> {
    return this.txHost.withTransaction(async () => {
      const ownerId = dto.ownerId ?? actor.id;
      await this.assertOwner(actor.practiceId, ownerId);
      await this.assertCaseload(actor.practiceId, dto.caseloadStaffIds);
      assertIpAllowList(dto.ipAllowList);
      const [created] = await this.txHost.tx.query<{ id: string }[]>(
        `INSERT INTO api_clients (practice_id, name, owner_id, scopes, caseload_staff_ids, ip_allow_list)
         VALUES ($1, $2, $3, $4::text[], $5::uuid[], $6::inet[]) RETURNING id`,
        [
          actor.practiceId,
          dto.name.trim(),
          ownerId,
          dto.scopes,
          dto.caseloadStaffIds ?? null,
          dto.ipAllowList ?? null,
        ],
      );
      const id = created!.id;
      const key = await this.insertKey(actor.practiceId, id);
      await this.audit.record({
        action: 'create',
        resourceType: 'api_client',
        resourceId: id,
        changedFields: providedFields(dto),
        metadata: { scopes: dto.scopes.join(',') },
      });
      return { ...(await this.load(actor.practiceId, id)), key: key.key };
    });
  }

  async list(actor: StaffActor, query: PageQueryDto): Promise<Page<ApiClientView>> {
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    const params: unknown[] = [actor.practiceId, limit + 1];
    let after = '';
    if (query.cursor) {
      const [createdAt, id] = decodeCursor(query.cursor, 2);
      params.push(createdAt, id);
      after = `AND (a.created_at, a.id) > ($3::timestamptz, $4::uuid)`;
    }
    const rows = await this.txHost.tx.query<(ApiClientRow & { cursor_at: string })[]>(
      `SELECT ${API_CLIENT_COLUMNS}, ${timestampCursorSql('a.created_at')} AS cursor_at
         FROM api_clients a WHERE a.practice_id = $1 ${after}
        ORDER BY a.created_at, a.id LIMIT $2`,
      params,
    );
    const page = toPage(rows, limit, (row) => [row.cursor_at, row.id]);
    return { data: page.data.map(toApiClientView), nextCursor: page.nextCursor };
  }

  async get(actor: StaffActor, id: string): Promise<Versioned<ApiClientView>> {
    return versioned(await this.load(actor.practiceId, id));
  }

  update(
    actor: StaffActor,
    id: string,
    dto: UpdateApiClientDto,
    ifMatch?: string,
  ): Promise<Versioned<ApiClientView>> {
    return this.txHost.withTransaction(async () => {
      await this.lockActive(actor.practiceId, id);
      if (ifMatch !== undefined)
        assertIfMatch(ifMatch, apiClientEtag(await this.load(actor.practiceId, id)));
      if (dto.ownerId !== undefined) await this.assertOwner(actor.practiceId, dto.ownerId);
      await this.assertCaseload(actor.practiceId, dto.caseloadStaffIds);
      assertIpAllowList(dto.ipAllowList);
      const changed = providedFields(dto);
      // Each column keeps its value unless the body names it; null is a value for the last two.
      await this.txHost.tx.query(
        `UPDATE api_clients SET
            name = COALESCE($3, name),
            scopes = COALESCE($4::text[], scopes),
            owner_id = COALESCE($5::uuid, owner_id),
            caseload_staff_ids = CASE WHEN $6 THEN $7::uuid[] ELSE caseload_staff_ids END,
            ip_allow_list = CASE WHEN $8 THEN $9::inet[] ELSE ip_allow_list END,
            updated_at = now()
          WHERE practice_id = $1 AND id = $2`,
        [
          actor.practiceId,
          id,
          dto.name?.trim() ?? null,
          dto.scopes ?? null,
          dto.ownerId ?? null,
          changed.includes('caseloadStaffIds'),
          dto.caseloadStaffIds ?? null,
          changed.includes('ipAllowList'),
          dto.ipAllowList ?? null,
        ],
      );
      await this.audit.record({
        action: 'update',
        resourceType: 'api_client',
        resourceId: id,
        changedFields: changed,
      });
      return versioned(await this.load(actor.practiceId, id));
    });
  }

  /** Revokes the client and every key it holds; revoking it again changes nothing. */
  revoke(actor: StaffActor, id: string): Promise<ApiClientView> {
    return this.txHost.withTransaction(async () => {
      const [revoked] = await this.txHost.tx.query<{ id: string }[]>(
        `WITH client AS (
           UPDATE api_clients SET revoked_at = now(), updated_at = now()
            WHERE practice_id = $1 AND id = $2 AND revoked_at IS NULL RETURNING id),
         keys AS (
           UPDATE api_client_keys SET revoked_at = now()
            WHERE practice_id = $1 AND api_client_id IN (SELECT id FROM client) AND revoked_at IS NULL)
         SELECT id FROM client`,
        [actor.practiceId, id],
      );
      if (revoked) {
        await this.audit.record({ action: 'revoke', resourceType: 'api_client', resourceId: id });
      }
      return this.load(actor.practiceId, id);
    });
  }

  /** A further key for rotation: at most {@link MAX_ACTIVE_KEYS} active at a time. */
  createKey(actor: StaffActor, id: string): Promise<{ id: string; key: string }> {
    return this.txHost.withTransaction(async () => {
      // The lock on the client's row makes two concurrent requests count one after the other.
      await this.lockActive(actor.practiceId, id);
      const [active] = await this.txHost.tx.query<{ n: number }[]>(
        `SELECT count(*)::int AS n FROM api_client_keys
          WHERE practice_id = $1 AND api_client_id = $2 AND revoked_at IS NULL`,
        [actor.practiceId, id],
      );
      if ((active?.n ?? 0) >= MAX_ACTIVE_KEYS) {
        throw new ConflictProblem(
          API_CLIENT_ERRORS.keyLimit,
          `The API client already has ${MAX_ACTIVE_KEYS} active keys; revoke one first.`,
        );
      }
      const key = await this.insertKey(actor.practiceId, id);
      await this.audit.record({
        action: 'create',
        resourceType: 'api_key',
        resourceId: key.id,
        metadata: { apiClientId: id },
      });
      return key;
    });
  }

  revokeKey(actor: StaffActor, id: string, keyId: string): Promise<ApiClientView> {
    return this.txHost.withTransaction(async () => {
      const [rows] = await this.txHost.tx.query<[{ id: string; revoked: boolean }[], number]>(
        `UPDATE api_client_keys SET revoked_at = COALESCE(revoked_at, now())
          WHERE practice_id = $1 AND api_client_id = $2 AND id = $3
          RETURNING id, revoked_at IS NOT NULL AS revoked`,
        [actor.practiceId, id, keyId],
      );
      if (!rows[0]) throw new NotFoundProblem('The API key');
      await this.audit.record({
        action: 'revoke',
        resourceType: 'api_key',
        resourceId: keyId,
        metadata: { apiClientId: id },
      });
      return this.load(actor.practiceId, id);
    });
  }

  private async insertKey(practiceId: string, apiClientId: string) {
    const key = generateApiKey();
    const [row] = await this.txHost.tx.query<{ id: string }[]>(
      `INSERT INTO api_client_keys (practice_id, api_client_id, key_hash, key_prefix)
       VALUES ($1, $2, $3, $4) RETURNING id`,
      [practiceId, apiClientId, hashApiKey(key), shownPrefix(key)],
    );
    return { id: row!.id, key };
  }

  private async load(practiceId: string, id: string): Promise<ApiClientView> {
    const [row] = await this.txHost.tx.query<ApiClientRow[]>(
      `SELECT ${API_CLIENT_COLUMNS} FROM api_clients a WHERE a.practice_id = $1 AND a.id = $2`,
      [practiceId, id],
    );
    if (!row) throw new ApiClientNotFoundError();
    return toApiClientView(row);
  }

  private async lockActive(practiceId: string, id: string): Promise<void> {
    const [row] = await this.txHost.tx.query<{ revoked: boolean }[]>(
      `SELECT revoked_at IS NOT NULL AS revoked FROM api_clients
        WHERE practice_id = $1 AND id = $2 FOR UPDATE`,
      [practiceId, id],
    );
    if (!row) throw new ApiClientNotFoundError();
    if (row.revoked) {
      throw new ConflictProblem(API_CLIENT_ERRORS.revoked, 'The API client is revoked.');
    }
  }

  private async assertOwner(practiceId: string, ownerId: string): Promise<void> {
    const [owner] = await this.txHost.tx.query<{ ok: boolean }[]>(
      `SELECT active AND role = 'admin' AS ok FROM staff WHERE practice_id = $1 AND id = $2`,
      [practiceId, ownerId],
    );
    if (!owner?.ok) {
      throw new UnprocessableProblem(
        API_CLIENT_ERRORS.invalidOwner,
        'The owner must be an active admin of the practice.',
        [{ field: 'ownerId', message: 'must be an active admin of the practice' }],
      );
    }
  }

  private async assertCaseload(
    practiceId: string,
    staffIds: readonly string[] | null | undefined,
  ): Promise<void> {
    if (!staffIds) return;
    const [result] = await this.txHost.tx.query<{ bad: number | null }[]>(
      `SELECT min(i.n)::int AS bad FROM unnest($2::uuid[]) WITH ORDINALITY AS i (id, n)
        WHERE NOT EXISTS (SELECT 1 FROM staff s WHERE s.practice_id = $1 AND s.id = i.id
                            AND s.active AND s.role IN ('counselor', 'supervisor'))`,
      [practiceId, staffIds],
    );
    if (result?.bad) {
      throw new UnprocessableProblem(
        API_CLIENT_ERRORS.invalidCaseload,
        'A caseload lists active counselors or supervisors of the practice.',
        [
          {
            field: `caseloadStaffIds[${result.bad - 1}]`,
            message: 'must be an active counselor or supervisor of the practice',
          },
        ],
      );
    }
  }
}

function versioned(view: ApiClientView): Versioned<ApiClientView> {
  return { view, etag: apiClientEtag(view) };
}
