import type { Actor } from '../common/actor/actor';

/** What was done. Extend this list rather than inventing free-text actions. */
export const AUDIT_ACTIONS = [
  'read',
  'list',
  'create',
  'update',
  'status_change',
  'deactivate',
  'reactivate',
  'sign',
  'cosign',
  'export',
  'login',
  'login_failed',
  'logout',
  'token_refresh',
  'token_reuse_detected',
  'password_change',
  'password_set',
  'access_denied',
  'emergency_access',
  'verify',
  'purge',
  'revoke',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export type AuditOutcome = 'success' | 'denied' | 'failure';

/**
 * Metadata values are codes, counts and lists of ids, never PHI (no names, dates of birth, note
 * text, contacts).
 */
export type AuditMetadata = Record<string, string | number | boolean | null | readonly string[]>;

/** One audit event to record. Actor, request id, IP and user agent default to the current request. */
export interface AuditEventInput {
  action: AuditAction;
  resourceType: string;
  resourceId?: string | null;
  /** The client whose record this touches, for the per-client access log. */
  clientId?: string | null;
  /**
   * The clients an event discloses at once (a dashboard shows many): one event lists them all, in
   * `metadata.clientIds`, and each one's access log shows it (see {@link concernsClient}).
   */
  clientIds?: readonly string[];
  outcome?: AuditOutcome;
  /** Names of the fields that changed — never their values. */
  changedFields?: string[];
  metadata?: AuditMetadata;
  /** Overrides the request's actor (e.g. a login, before anyone is signed in). */
  actor?: Actor;
  /** Overrides the actor's practice (e.g. a failed login for a known email). */
  practiceId?: string | null;
}

/**
 * SQL: the audit event `e` concerns the client in parameter `param`, as its client or among the
 * clients it lists (served by the client index and the GIN index on `metadata -> 'clientIds'`).
 */
export function concernsClient(param: string): string {
  return `(e.client_id = ${param}::uuid
           OR (e.metadata ? 'clientIds' AND e.metadata -> 'clientIds' @> jsonb_build_array(${param}::text)))`;
}
