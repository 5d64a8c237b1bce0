import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { DestinationPolicy } from './destination-policy';
import type { ClaimedDeliveryRow } from './webhook.row';
import { WebhookSender, type AttemptResult } from './webhook-sender';

/** Deliveries one worker claims at a time; they are sent concurrently. */
const CLAIM_BATCH = 20;

/**
 * Delay before retry `attempt + 1`: exponential from `baseMs`, capped, with jitter so that many
 * deliveries failing together (a receiver's outage) do not all come back at the same moment.
 */
export function retryDelayMs(
  attempt: number,
  baseMs: number,
  maxMs: number,
  random = Math.random,
): number {
  const capped = Math.min(maxMs, baseMs * 2 ** Math.min(attempt - 1, 30));
  return Math.round(capped / 2 + (capped / 2) * random());
}

/**
 * Claims due deliveries and sends them. Claiming is one statement with `FOR UPDATE SKIP LOCKED`
 * that marks the rows `delivering` under a lease and commits at once: any number of API processes
 * on one database each get different rows, no transaction stays open during the HTTP call, and a
 * process that dies mid-send leaves a lease that expires, after which its rows are claimed again.
 * The lease outlasts the send's timeout, so a live sender's rows are never claimed twice.
 */
@Injectable()
export class WebhookDeliveryService {
  private readonly sender: WebhookSender;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly config: AppConfig,
  ) {
    const policy = new DestinationPolicy(config.webhooks.allowedPrivateAddresses);
    this.sender = new WebhookSender(policy, config.webhooks.timeoutMs);
  }

  /** Deliveries due now across practices (none of their content): the queue depth `/metrics` shows. */
  async dueCount(): Promise<number> {
    const [row] = await this.dataSource.query<{ n: number }[]>(
      `SELECT count(*)::int AS n FROM webhook_deliveries
        WHERE status IN ('pending', 'delivering') AND next_attempt_at <= now()`,
    );
    return row!.n;
  }

  /** Sends what is due until nothing is left or `shouldStop` says so; answers how many were sent. */
  async deliverDue(shouldStop: () => boolean = () => false): Promise<number> {
    let sent = 0;
    while (!shouldStop()) {
      const claimed = await this.claim();
      await Promise.all(claimed.map((delivery) => this.deliver(delivery)));
      sent += claimed.length;
      if (claimed.length < CLAIM_BATCH) break;
    }
    return sent;
  }

  private async claim(): Promise<ClaimedDeliveryRow[]> {
    const leaseSeconds = Math.ceil(this.config.webhooks.timeoutMs / 1000) + 30;
    const [rows] = await this.dataSource.query<[ClaimedDeliveryRow[], number]>(
      `UPDATE webhook_deliveries d
          SET status = 'delivering', attempts = d.attempts + 1, last_attempt_at = now(),
              lease_expires_at = now() + make_interval(secs => $1)
         FROM webhook_events ev, webhook_endpoints ep
        WHERE (d.practice_id, d.id) IN (
                SELECT q.practice_id, q.id FROM webhook_deliveries q
                  JOIN webhook_endpoints e ON e.practice_id = q.practice_id AND e.id = q.endpoint_id
                 WHERE q.status IN ('pending', 'delivering') AND q.next_attempt_at <= now()
                   AND (q.status = 'pending' OR q.lease_expires_at < now()) AND e.enabled
                 ORDER BY q.next_attempt_at
                 LIMIT $2
                 FOR UPDATE OF q SKIP LOCKED)
          AND ev.practice_id = d.practice_id AND ev.id = d.event_id
          AND ep.practice_id = d.practice_id AND ep.id = d.endpoint_id
      RETURNING d.practice_id, d.id, d.endpoint_id, d.event_id, d.attempts,
                d.created_at, ev.payload, ep.url, ep.secret`,
      [leaseSeconds, CLAIM_BATCH],
    );
    return rows;
  }

  private async deliver(delivery: ClaimedDeliveryRow): Promise<void> {
    const result = await this.sender.send({
      url: delivery.url,
      secret: delivery.secret,
      messageId: delivery.event_id,
      body: JSON.stringify(delivery.payload),
    });
    await this.record(delivery, result);
  }

  /** Writes the attempt's outcome, and on failure schedules a retry or gives up. */
  private async record(delivery: ClaimedDeliveryRow, result: AttemptResult): Promise<void> {
    const { retryBaseMs, retryMaxDelayMs, retryWindowSeconds, disableAfterFailures } =
      this.config.webhooks;
    const delayMs = retryDelayMs(delivery.attempts, retryBaseMs, retryMaxDelayMs);
    // Counted from the delivery, so a replay of an old event gets a retry window of its own.
    const giveUpAt = delivery.created_at.getTime() + retryWindowSeconds * 1000;
    const status = result.ok ? 'succeeded' : Date.now() + delayMs > giveUpAt ? 'failed' : 'pending';
    await this.dataSource.transaction('READ COMMITTED', async (manager) => {
      // Guarded by the attempt number: a lease that expired and was claimed again is not ours.
      const [, updated] = await manager.query<[unknown[], number]>(
        `UPDATE webhook_deliveries
            SET status = $3, lease_expires_at = NULL, last_status_code = $4, last_latency_ms = $5,
                last_error = $6, next_attempt_at = now() + make_interval(secs => $7::float8 / 1000),
                completed_at = CASE WHEN $3 IN ('succeeded', 'failed') THEN now() END
          WHERE practice_id = $1 AND id = $2 AND status = 'delivering' AND attempts = $8`,
        [
          delivery.practice_id,
          delivery.id,
          status,
          result.statusCode,
          result.latencyMs,
          result.error,
          delayMs,
          delivery.attempts,
        ],
      );
      if (updated === 0) return;
      const [[endpoint]] = await manager.query<[{ disabled: boolean }[], number]>(
        `UPDATE webhook_endpoints e
            SET consecutive_failures = CASE WHEN $3 THEN 0 ELSE e.consecutive_failures + 1 END,
                enabled = NOT old.trips AND e.enabled,
                disabled_at = CASE WHEN old.trips THEN now() ELSE e.disabled_at END,
                disabled_reason = CASE WHEN old.trips THEN 'consecutive_failures' ELSE e.disabled_reason END,
                version = CASE WHEN old.trips THEN e.version + 1 ELSE e.version END
           FROM (SELECT o.enabled AND NOT $3 AND o.consecutive_failures + 1 >= $4 AS trips
                   FROM webhook_endpoints o WHERE o.practice_id = $1 AND o.id = $2 FOR UPDATE) old
          WHERE e.practice_id = $1 AND e.id = $2
      RETURNING old.trips AS disabled`,
        [delivery.practice_id, delivery.endpoint_id, result.ok, disableAfterFailures],
      );
      // The auto-disable is an audit event of the practice (system actor), shown to its admins
      // with the endpoint's state; counts only.
      if (endpoint?.disabled) {
        await manager.query(
          `INSERT INTO audit_events (practice_id, actor_type, action, resource_type, resource_id,
                                     outcome, changed_fields, metadata)
           VALUES ($1, 'system', 'update', 'webhook_endpoint', $2, 'success', '{enabled}', $3)`,
          [
            delivery.practice_id,
            delivery.endpoint_id,
            JSON.stringify({ reason: 'consecutive_failures', failures: disableAfterFailures }),
          ],
        );
      }
    });
  }
}
