/** An audit event about one client, as its access log shows it. */
export interface AccessLogEntryRow {
  id: string;
  occurred_at: Date;
  cursor_key: string;
  actor_type: string;
  actor_id: string | null;
  actor_name: string | null;
  actor_role: string | null;
  action: string;
  resource_type: string;
  outcome: string;
  changed_fields: string[];
  via: string | null;
}
