import type { DataSource } from 'typeorm';
import { createClient } from '../factories/client.factory';

/**
 * Webhook events and deliveries, and change-log entries, of every age housekeeping tells apart
 * (default retentions: delivered 30 days, failed 90, change log 90). Returns their ids by name.
 */
export async function seedIntegrationRows(
  db: DataSource,
  practiceId: string,
  staffId: string,
): Promise<Record<string, string>> {
  const ids: Record<string, string> = {};
  const [endpoint] = await db.query<{ id: string }[]>(
    `INSERT INTO webhook_endpoints (practice_id, url, event_types, secret, created_by)
     VALUES ($1, 'https://93.184.215.14/hook', '{client.created}', 'whsec_test', $2) RETURNING id`,
    [practiceId, staffId],
  );
  const delivered = async (
    name: string,
    eventAge: string,
    status: string,
    completedAgo: string | null,
  ) => {
    const [event] = await db.query<{ id: string }[]>(
      `INSERT INTO webhook_events (practice_id, type, payload, created_at)
       VALUES ($1, 'client.created', '{}', now() - $2::interval) RETURNING id`,
      [practiceId, eventAge],
    );
    const [delivery] = await db.query<{ id: string }[]>(
      `INSERT INTO webhook_deliveries (practice_id, event_id, endpoint_id, status, attempts, created_at, completed_at)
       VALUES ($1, $2, $3, $4, 3, now() - $5::interval, now() - $6::interval) RETURNING id`,
      [practiceId, event!.id, endpoint!.id, status, eventAge, completedAgo],
    );
    ids[`${name}Event`] = event!.id;
    ids[`${name}Delivery`] = delivery!.id;
  };
  await delivered('deliveredLongAgo', '40 days', 'succeeded', '31 days');
  await delivered('deliveredRecently', '1 day', 'succeeded', '1 day');
  await delivered('failedLongAgo', '100 days', 'failed', '91 days');
  await delivered('failedRecently', '100 days', 'failed', '31 days');
  // Still being retried (its endpoint may be disabled): never purged, nor is its event.
  await delivered('retrying', '40 days', 'pending', null);

  const client = await createClient(db, { practiceId });
  const change = async (name: string, age: string) => {
    const [row] = await db.query<{ id: string }[]>(
      `INSERT INTO change_log (practice_id, resource_type, resource_id, client_id, changed_at)
       VALUES ($1, 'client', $2, $2, now() - $3::interval) RETURNING id::text AS id`,
      [practiceId, client.id, age],
    );
    ids[name] = row!.id;
  };
  await change('changeOldest', '92 days');
  await change('changeOld', '91 days');
  await change('changeRecent', '89 days');
  return ids;
}

/** The rows of {@link seedIntegrationRows} that housekeeping keeps. */
export const LIVE_INTEGRATION_ROWS = [
  'changeRecent',
  'deliveredRecentlyDelivery',
  'deliveredRecentlyEvent',
  'failedRecentlyDelivery',
  'failedRecentlyEvent',
  'retryingDelivery',
  'retryingEvent',
];

/** What one run deletes of them. */
export const PURGED_INTEGRATION_COUNTS = { webhookDeliveries: 2, webhookEvents: 2, changeLog: 2 };

/** SQL: the ids among `$1` still in the integration tables. */
export const REMAINING_INTEGRATION_ROWS = `
  UNION ALL SELECT id::text FROM webhook_events WHERE id::text = ANY ($1)
  UNION ALL SELECT id::text FROM webhook_deliveries WHERE id::text = ANY ($1)
  UNION ALL SELECT id::text FROM change_log WHERE id::text = ANY ($1)`;
