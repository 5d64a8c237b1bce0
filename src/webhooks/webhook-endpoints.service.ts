import { randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { AuditService } from '../audit/audit.service';
import type { Caller } from '../common/actor/actor';
import { etagOf, expectedVersion, type Versioned } from '../common/http/etag';
import { decodeCursor, encodeCursor, timestampCursorSql } from '../common/pagination/cursor';
import { DEFAULT_PAGE_SIZE, type PageQueryDto } from '../common/pagination/cursor';
import { ConflictProblem, NotFoundProblem } from '../common/problem/problem';
import { SqlParams } from '../common/sql/sql-params';
import { providedFields } from '../common/validation/transforms';
import { AppConfig } from '../config/app-config';
import { DestinationPolicy } from './destination-policy';
import {
  type CreateWebhookEndpointDto,
  type CreatedWebhookEndpointView,
  type DeliveryQueryDto,
  type UpdateWebhookEndpointDto,
  type WebhookDeliveryPage,
  type WebhookDeliveryView,
  type WebhookEndpointPage,
  type WebhookEndpointView,
} from './webhook-endpoint.dto';
import { WEBHOOK_ERRORS } from './webhook-errors';
import { checkWebhookUrl } from './webhook-url';
import {
  WEBHOOK_DELIVERY_COLUMNS,
  WEBHOOK_ENDPOINT_COLUMNS,
  type WebhookDeliveryRow,
  type WebhookEndpointRow,
} from './webhook.row';

/** Endpoints per practice: every event fans out to each, so the supply is bounded. */
export const MAX_WEBHOOK_ENDPOINTS = 20;

export class WebhookEndpointNotFoundError extends NotFoundProblem {
  constructor() {
    super('The webhook endpoint');
  }
}

export class WebhookDeliveryNotFoundError extends NotFoundProblem {
  constructor() {
    super('The webhook delivery');
  }
}

/**
 * Admins register where the practice's events go. The signing secret is made here, in the
 * Standard Webhooks format, and shown once; it is kept as is because signing needs it.
 */
@Injectable()
export class WebhookEndpointsService {
  private readonly policy: DestinationPolicy;

  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly audit: AuditService,
    config: AppConfig,
  ) {
    this.policy = new DestinationPolicy(config.webhooks.allowedPrivateAddresses);
  }

  async create(actor: Caller, dto: CreateWebhookEndpointDto): Promise<CreatedWebhookEndpointView> {
    const url = await checkWebhookUrl(dto.url, this.policy);
    return this.txHost.withTransaction(async () => {
      // Counted under a lock of the practice's endpoints, so two creations cannot both pass.
      const [count] = await this.txHost.tx.query<{ n: number }[]>(
        `SELECT count(*)::int AS n FROM (SELECT 1 FROM webhook_endpoints
           WHERE practice_id = $1 FOR UPDATE) locked`,
        [actor.practiceId],
      );
      if ((count?.n ?? 0) >= MAX_WEBHOOK_ENDPOINTS) {
        throw new ConflictProblem(
          WEBHOOK_ERRORS.tooManyEndpoints,
          `The practice already has ${MAX_WEBHOOK_ENDPOINTS} webhook endpoints.`,
        );
      }
      const secret = `whsec_${randomBytes(32).toString('base64')}`;
      const [row] = await this.txHost.tx.query<WebhookEndpointRow[]>(
        `INSERT INTO webhook_endpoints AS e (practice_id, url, description, event_types, secret, created_by)
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING ${WEBHOOK_ENDPOINT_COLUMNS}`,
        [
          actor.practiceId,
          url,
          dto.description ?? null,
          dto.eventTypes,
          secret,
          actor.kind === 'staff' ? actor.id : actor.ownerId,
        ],
      );
      await this.audit.record({
        action: 'create',
        resourceType: 'webhook_endpoint',
        resourceId: row!.id,
        changedFields: providedFields(dto),
      });
      return { ...toEndpointView(row!), secret };
    });
  }

  async list(actor: Caller, query: PageQueryDto): Promise<WebhookEndpointPage> {
    const params = new SqlParams();
    const where = [`e.practice_id = ${params.add(actor.practiceId)}`];
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    if (query.cursor) {
      const [createdAt, id] = decodeCursor(query.cursor, 2);
      where.push(
        `(e.created_at, e.id) > (${params.add(createdAt)}::timestamptz, ${params.add(id)}::uuid)`,
      );
    }
    const rows = await this.txHost.tx.query<(WebhookEndpointRow & { cursor_at: string })[]>(
      `SELECT ${WEBHOOK_ENDPOINT_COLUMNS}, ${timestampCursorSql('e.created_at')} AS cursor_at
         FROM webhook_endpoints e WHERE ${where.join(' AND ')}
        ORDER BY e.created_at, e.id LIMIT ${params.add(limit + 1)}`,
      params.values,
    );
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return {
      data: page.map(toEndpointView),
      nextCursor: rows.length > limit && last ? encodeCursor([last.cursor_at, last.id]) : null,
    };
  }

  async get(actor: Caller, endpointId: string): Promise<Versioned<WebhookEndpointView>> {
    return versioned(await this.load(actor, endpointId));
  }

  update(
    actor: Caller,
    endpointId: string,
    dto: UpdateWebhookEndpointDto,
    ifMatch?: string,
  ): Promise<Versioned<WebhookEndpointView>> {
    return this.txHost.withTransaction(async () => {
      if (ifMatch !== undefined) {
        const current = await this.load(actor, endpointId, { lock: true });
        expectedVersion(ifMatch, endpointId, current.version);
      }
      const url = dto.url === undefined ? undefined : await checkWebhookUrl(dto.url, this.policy);
      const [[row]] = await this.txHost.tx.query<[WebhookEndpointRow[], number]>(
        `UPDATE webhook_endpoints e SET
            url = coalesce($3::text, e.url),
            event_types = coalesce($4::text[], e.event_types),
            description = coalesce($5::text, e.description),
            enabled = coalesce($6::boolean, e.enabled),
            disabled_at = CASE WHEN $6::boolean IS NULL THEN e.disabled_at
                               WHEN $6::boolean THEN NULL ELSE coalesce(e.disabled_at, now()) END,
            disabled_reason = CASE WHEN $6::boolean IS NULL THEN e.disabled_reason
                                   WHEN $6::boolean THEN NULL ELSE coalesce(e.disabled_reason, 'manual') END,
            consecutive_failures = CASE WHEN $6::boolean THEN 0 ELSE e.consecutive_failures END,
            version = e.version + 1, updated_at = now()
          WHERE e.practice_id = $1 AND e.id = $2
      RETURNING ${WEBHOOK_ENDPOINT_COLUMNS}`,
        [
          actor.practiceId,
          endpointId,
          url ?? null,
          dto.eventTypes ?? null,
          dto.description ?? null,
          dto.enabled ?? null,
        ],
      );
      if (!row) throw new WebhookEndpointNotFoundError();
      await this.audit.record({
        action: 'update',
        resourceType: 'webhook_endpoint',
        resourceId: endpointId,
        changedFields: providedFields(dto),
      });
      return versioned(row);
    });
  }

  /** Deletes the endpoint and its delivery log (the audit trail keeps that it existed). */
  remove(actor: Caller, endpointId: string): Promise<void> {
    return this.txHost.withTransaction(async () => {
      const [deleted] = await this.txHost.tx.query<[{ id: string }[], number]>(
        `DELETE FROM webhook_endpoints WHERE practice_id = $1 AND id = $2 RETURNING id`,
        [actor.practiceId, endpointId],
      );
      if (deleted.length === 0) throw new WebhookEndpointNotFoundError();
      await this.audit.record({
        action: 'update',
        resourceType: 'webhook_endpoint',
        resourceId: endpointId,
        changedFields: ['deleted'],
      });
    });
  }

  async deliveries(
    actor: Caller,
    endpointId: string,
    query: DeliveryQueryDto,
  ): Promise<WebhookDeliveryPage> {
    await this.load(actor, endpointId);
    const params = new SqlParams();
    const where = [
      `d.practice_id = ${params.add(actor.practiceId)}`,
      `d.endpoint_id = ${params.add(endpointId)}`,
    ];
    if (query.status) where.push(`d.status = ${params.add(query.status)}`);
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    if (query.cursor) {
      const [createdAt, id] = decodeCursor(query.cursor, 2);
      where.push(
        `(d.created_at, d.id) < (${params.add(createdAt)}::timestamptz, ${params.add(id)}::uuid)`,
      );
    }
    const rows = await this.txHost.tx.query<(WebhookDeliveryRow & { cursor_at: string })[]>(
      `SELECT ${WEBHOOK_DELIVERY_COLUMNS}, ${timestampCursorSql('d.created_at')} AS cursor_at
         FROM webhook_deliveries d
         JOIN webhook_events ev ON ev.practice_id = d.practice_id AND ev.id = d.event_id
        WHERE ${where.join(' AND ')}
        ORDER BY d.created_at DESC, d.id DESC LIMIT ${params.add(limit + 1)}`,
      params.values,
    );
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return {
      data: page.map(toDeliveryView),
      nextCursor: rows.length > limit && last ? encodeCursor([last.cursor_at, last.id]) : null,
    };
  }

  /**
   * Sends a delivery's event again, as a new delivery with a fresh retry budget and the same
   * `webhook-id` (so a receiver that did get it the first time recognises it).
   */
  replay(actor: Caller, endpointId: string, deliveryId: string): Promise<WebhookDeliveryView> {
    return this.txHost.withTransaction(async () => {
      const [row] = await this.txHost.tx.query<WebhookDeliveryRow[]>(
        `WITH replayed AS (
           INSERT INTO webhook_deliveries (practice_id, event_id, endpoint_id)
           SELECT o.practice_id, o.event_id, o.endpoint_id FROM webhook_deliveries o
            WHERE o.practice_id = $1 AND o.endpoint_id = $2 AND o.id = $3
           RETURNING *)
         SELECT ${WEBHOOK_DELIVERY_COLUMNS} FROM replayed d
           JOIN webhook_events ev ON ev.practice_id = d.practice_id AND ev.id = d.event_id`,
        [actor.practiceId, endpointId, deliveryId],
      );
      if (!row) throw new WebhookDeliveryNotFoundError();
      await this.audit.record({
        action: 'create',
        resourceType: 'webhook_delivery',
        resourceId: row.id,
        metadata: { replayOf: deliveryId, endpointId },
      });
      return toDeliveryView(row);
    });
  }

  private async load(
    actor: Caller,
    endpointId: string,
    { lock = false } = {},
  ): Promise<WebhookEndpointRow> {
    const [row] = await this.txHost.tx.query<WebhookEndpointRow[]>(
      `SELECT ${WEBHOOK_ENDPOINT_COLUMNS} FROM webhook_endpoints e
        WHERE e.practice_id = $1 AND e.id = $2${lock ? ' FOR UPDATE' : ''}`,
      [actor.practiceId, endpointId],
    );
    if (!row) throw new WebhookEndpointNotFoundError();
    return row;
  }
}

function toEndpointView(row: WebhookEndpointRow): WebhookEndpointView {
  return {
    id: row.id,
    url: row.url,
    description: row.description,
    eventTypes: row.event_types,
    enabled: row.enabled,
    disabledAt: row.disabled_at?.toISOString() ?? null,
    disabledReason: row.disabled_reason,
    consecutiveFailures: row.consecutive_failures,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

function toDeliveryView(row: WebhookDeliveryRow): WebhookDeliveryView {
  return {
    id: row.id,
    eventId: row.event_id,
    eventType: row.event_type,
    status: row.status,
    attempts: row.attempts,
    nextAttemptAt: row.next_attempt_at.toISOString(),
    lastAttemptAt: row.last_attempt_at?.toISOString() ?? null,
    lastStatusCode: row.last_status_code,
    lastLatencyMs: row.last_latency_ms,
    lastError: row.last_error,
    createdAt: row.created_at.toISOString(),
    completedAt: row.completed_at?.toISOString() ?? null,
  };
}

function versioned(row: WebhookEndpointRow): Versioned<WebhookEndpointView> {
  return { view: toEndpointView(row), etag: etagOf(row.id, row.version) };
}
