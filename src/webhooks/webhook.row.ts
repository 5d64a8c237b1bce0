/** A webhook endpoint as stored (the secret is read only by the delivery worker). */
export interface WebhookEndpointRow {
  id: string;
  url: string;
  description: string | null;
  event_types: string[];
  enabled: boolean;
  disabled_at: Date | null;
  disabled_reason: string | null;
  consecutive_failures: number;
  created_at: Date;
  updated_at: Date;
  /** Raised by every change of the endpoint's settings, auto-disabling included: its ETag. */
  version: number;
}

/** Columns of {@link WebhookEndpointRow}, over the alias `e`. */
export const WEBHOOK_ENDPOINT_COLUMNS = `e.id, e.url, e.description, e.event_types, e.enabled, e.disabled_at,
  e.disabled_reason, e.consecutive_failures, e.created_at, e.updated_at, e.version`;

/** One event's delivery to one endpoint, as the endpoint's delivery log shows it. */
export interface WebhookDeliveryRow {
  id: string;
  event_id: string;
  event_type: string;
  status: string;
  attempts: number;
  next_attempt_at: Date;
  last_attempt_at: Date | null;
  last_status_code: number | null;
  last_latency_ms: number | null;
  last_error: string | null;
  created_at: Date;
  completed_at: Date | null;
}

/** Columns of {@link WebhookDeliveryRow}, over deliveries `d` joined to their event `ev`. */
export const WEBHOOK_DELIVERY_COLUMNS = `d.id, d.event_id, ev.type AS event_type, d.status, d.attempts,
  d.next_attempt_at, d.last_attempt_at, d.last_status_code, d.last_latency_ms, d.last_error,
  d.created_at, d.completed_at`;

/** A delivery the worker has claimed, with what it needs to send it. */
export interface ClaimedDeliveryRow {
  practice_id: string;
  id: string;
  endpoint_id: string;
  event_id: string;
  attempts: number;
  created_at: Date;
  payload: unknown;
  url: string;
  secret: string;
}
