import type { Client } from 'pg';
import type { AuditAction, AuditMetadata } from './audit-event';

export interface SystemEvent {
  practiceId: string;
  action?: AuditAction;
  resourceType: string;
  resourceId: string;
  clientId?: string | null;
  changedFields?: string[];
  metadata?: AuditMetadata;
}

/**
 * Records an event of the system itself (seeding, operator commands) on a plain pg client, for work
 * that runs before or without the Nest application — inside the caller's transaction.
 */
export async function recordSystemEvent(client: Client, event: SystemEvent): Promise<void> {
  await client.query(
    `INSERT INTO audit_events (practice_id, actor_type, action, resource_type, resource_id, client_id, outcome,
                               changed_fields, metadata)
     VALUES ($1, 'system', $2, $3, $4, $5, 'success', $6, $7)`,
    [
      event.practiceId,
      event.action ?? 'create',
      event.resourceType,
      event.resourceId,
      event.clientId ?? null,
      event.changedFields ?? [],
      event.metadata ?? {},
    ],
  );
}
