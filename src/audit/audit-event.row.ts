import { timestampCursorSql } from '../common/pagination/cursor';
import type { AuditMetadata } from './audit-event';

/** Occurred-at as ISO 8601 in UTC with microseconds: exact, so it can also serve as a cursor key. */
export const OCCURRED_AT_SQL = timestampCursorSql('e.occurred_at');

/** The columns of an audit event as the API shows them (alias `e`). */
export const AUDIT_EVENT_COLUMNS = `e.id, ${OCCURRED_AT_SQL} AS occurred_at, e.actor_type, e.actor_id,
  e.actor_role, e.action, e.resource_type, e.resource_id, e.client_id, e.outcome, e.changed_fields,
  e.request_id, host(e.ip) AS ip, e.user_agent`;

export interface AuditEventRow {
  id: string;
  occurred_at: string;
  actor_type: string;
  actor_id: string | null;
  actor_role: string | null;
  action: string;
  resource_type: string;
  resource_id: string | null;
  client_id: string | null;
  outcome: string;
  changed_fields: string[];
  request_id: string | null;
  ip: string | null;
  user_agent: string | null;
}

/** One audit event as the API answers it. */
export interface AuditEventView {
  id: string;
  occurredAt: string;
  actorType: string;
  actorId: string | null;
  actorRole: string | null;
  action: string;
  resourceType: string;
  resourceId: string | null;
  clientId: string | null;
  outcome: string;
  changedFields: string[];
  requestId: string | null;
  ip: string | null;
  userAgent: string | null;
}

/** An exported event: the view plus its metadata and its place in the practice's chain. */
export interface ExportedAuditEvent extends AuditEventView {
  metadata: AuditMetadata;
  /** Position in the chain; null while the event is not linked yet. */
  chainSeq: number | null;
  /** Hex sha256 of the event's link; null while the event is not linked yet. */
  linkHash: string | null;
}

export function toAuditEventView(row: AuditEventRow): AuditEventView {
  return {
    id: row.id,
    occurredAt: row.occurred_at,
    actorType: row.actor_type,
    actorId: row.actor_id,
    actorRole: row.actor_role,
    action: row.action,
    resourceType: row.resource_type,
    resourceId: row.resource_id,
    clientId: row.client_id,
    outcome: row.outcome,
    changedFields: row.changed_fields,
    requestId: row.request_id,
    ip: row.ip,
    userAgent: row.user_agent,
  };
}

/** An event as the export reads it: the API columns plus metadata and its chain link. */
export interface ExportRow extends AuditEventRow {
  metadata: AuditMetadata;
  chain_seq: string | null;
  link_hash: string | null;
}
