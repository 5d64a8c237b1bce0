import type { AuditMetadata } from '../audit/audit-event';

/**
 * Who holds an agreement or a trust goal: a client's chart (parties are the client and their family
 * members; the client's care team reaches it) or a family case (parties are persons of the case;
 * the case's care team reaches it). A case's record has no `client_id`.
 */
export type RecordHolder = { kind: 'client'; id: string } | { kind: 'case'; id: string };

export const clientHolder = (id: string): RecordHolder => ({ kind: 'client', id });
export const caseHolder = (id: string): RecordHolder => ({ kind: 'case', id });

/** The holder's column in the record's table (a case's records are those without a client). */
export function holderSql(holder: RecordHolder, alias: string, param: string): string {
  return holder.kind === 'client'
    ? `${alias}.client_id = ${param}`
    : `${alias}.case_id = ${param} AND ${alias}.client_id IS NULL`;
}

/** What an audit event says of the holder: the client, or the case in its metadata. */
export function holderAudit(
  holder: RecordHolder,
  metadata?: AuditMetadata,
): { clientId: string | null; metadata?: AuditMetadata } {
  return holder.kind === 'client'
    ? { clientId: holder.id, ...(metadata ? { metadata } : {}) }
    : { clientId: null, metadata: { ...metadata, caseId: holder.id } };
}

/** What a webhook event names of the holder. */
export function holderIds(holder: RecordHolder): Record<string, string> {
  return holder.kind === 'client' ? { clientId: holder.id } : { caseId: holder.id };
}

/** The `client_id`, `case_id` pair of a record under the holder (exactly one is set). */
export function holderColumns(holder: RecordHolder): [string | null, string | null] {
  return holder.kind === 'client' ? [holder.id, null] : [null, holder.id];
}

/** What an idempotency key's request fingerprint names of the holder. */
export function holderScope(holder: RecordHolder): { clientId: string } | { caseId: string } {
  return holder.kind === 'client' ? { clientId: holder.id } : { caseId: holder.id };
}
