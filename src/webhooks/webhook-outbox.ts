import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { queryPrepared } from '../common/sql/prepared';
import type { WebhookEventIds, WebhookEventType } from './webhook-event-types';

/**
 * Where services report what happened for webhooks. `emit` writes to the outbox inside the
 * caller's transaction, so the event exists exactly when the change commits (a rollback leaves
 * nothing to deliver); the delivery worker sends it after commit. One delivery row per subscribed
 * endpoint is written with it, so an endpoint added later never receives older events, and a
 * practice without endpoints writes nothing at all.
 */
@Injectable()
export class WebhookOutbox {
  constructor(private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>) {}

  /** Records `type` naming `ids` (ids only: never PHI) for delivery after commit. */
  async emit(type: WebhookEventType, ids: WebhookEventIds): Promise<void> {
    await this.emitMany(type, [ids]);
  }

  /** One event per entry of `idsList`, all of one practice, in one statement. */
  async emitMany(type: WebhookEventType, idsList: readonly WebhookEventIds[]): Promise<void> {
    const [first] = idsList;
    if (!first) return;
    const timestamp = new Date().toISOString();
    const payloads = idsList.map((data) => ({ type, timestamp, data }));
    await queryPrepared(
      this.txHost.tx,
      `WITH subscribed AS (
         SELECT e.practice_id, e.id FROM webhook_endpoints e
          WHERE e.practice_id = $1 AND e.enabled AND $2 = ANY (e.event_types)
       ), event AS (
         INSERT INTO webhook_events (practice_id, type, payload)
         SELECT $1, $2, p.payload FROM jsonb_array_elements($3::jsonb) AS p (payload)
          WHERE EXISTS (SELECT 1 FROM subscribed)
         RETURNING practice_id, id
       )
       INSERT INTO webhook_deliveries (practice_id, event_id, endpoint_id)
       SELECT s.practice_id, event.id, s.id FROM subscribed s CROSS JOIN event`,
      [first.practiceId, type, JSON.stringify(payloads)],
    );
  }

  /**
   * Events of several types, all of one practice, in one statement: for a use case on a measured
   * path that reports more than one thing (a client created with their case).
   */
  async emitAll(
    events: readonly { type: WebhookEventType; ids: WebhookEventIds }[],
  ): Promise<void> {
    const [first] = events;
    if (!first) return;
    const timestamp = new Date().toISOString();
    const input = events.map(({ type, ids }) => ({
      type,
      payload: { type, timestamp, data: ids },
    }));
    await queryPrepared(
      this.txHost.tx,
      `WITH input AS (
         SELECT e.ord, e.item ->> 'type' AS type, e.item -> 'payload' AS payload
           FROM jsonb_array_elements($2::jsonb) WITH ORDINALITY AS e (item, ord)
       ), subscribed AS (
         SELECT e.practice_id, e.id, e.event_types FROM webhook_endpoints e
          WHERE e.practice_id = $1 AND e.enabled AND e.event_types && ARRAY(SELECT type FROM input)
       ), event AS (
         INSERT INTO webhook_events (practice_id, type, payload)
         SELECT $1, i.type, i.payload FROM input i
          WHERE EXISTS (SELECT 1 FROM subscribed s WHERE i.type = ANY (s.event_types))
          ORDER BY i.ord
         RETURNING practice_id, id, type
       )
       INSERT INTO webhook_deliveries (practice_id, event_id, endpoint_id)
       SELECT s.practice_id, event.id, s.id FROM subscribed s JOIN event ON event.type = ANY (s.event_types)`,
      [first.ids.practiceId, JSON.stringify(input)],
    );
  }
}
