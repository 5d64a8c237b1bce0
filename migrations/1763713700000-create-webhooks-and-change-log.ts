import type { MigrationInterface, QueryRunner } from 'typeorm';
import { grantToApplication, type TablePrivilege } from '../src/database/application-grants';

/**
 * What the API may do with each new table: endpoints are deleted by admins (their deliveries go
 * with them through the foreign key, which runs as the owner); events and the change log are
 * append-only for the API; deliveries are updated by the worker, never deleted.
 */
export const WEBHOOK_AND_CHANGE_LOG_GRANTS: Record<string, readonly TablePrivilege[]> = {
  webhook_endpoints: ['SELECT', 'INSERT', 'UPDATE', 'DELETE'],
  webhook_events: ['SELECT', 'INSERT'],
  webhook_deliveries: ['SELECT', 'INSERT', 'UPDATE'],
  change_log: ['SELECT', 'INSERT'],
};

/** Tables whose rows the change feed follows, and the client each row belongs to. */
const FOLLOWED = [
  { table: 'clients', resourceType: 'client', clientId: 'NEW.id' },
  { table: 'family_members', resourceType: 'family_member', clientId: 'NEW.client_id' },
  { table: 'therapy_sessions', resourceType: 'therapy_session', clientId: 'NEW.client_id' },
  { table: 'session_notes', resourceType: 'session_note', clientId: 'NEW.client_id' },
] as const;

/**
 * Webhooks (endpoints, an outbox of events, one delivery per event and endpoint) and the change
 * log behind the change feed.
 *
 * The change log is written by triggers, so no write path can forget it, and each entry carries its
 * writing transaction's id: the feed reads entries in (tx_id, id) order below the snapshot horizon,
 * as the audit sealer does, so a transaction that commits late never lands behind a cursor.
 */
export class CreateWebhooksAndChangeLog1763713700000 implements MigrationInterface {
  name = 'CreateWebhooksAndChangeLog1763713700000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE webhook_endpoints (
        practice_id uuid NOT NULL,
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        url text NOT NULL,
        description text,
        event_types text[] NOT NULL,
        secret text NOT NULL,
        enabled boolean NOT NULL DEFAULT true,
        disabled_at timestamptz,
        disabled_reason text,
        consecutive_failures integer NOT NULL DEFAULT 0,
        created_by uuid NOT NULL,
        version integer NOT NULL DEFAULT 1,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT pk_webhook_endpoints PRIMARY KEY (practice_id, id),
        CONSTRAINT fk_webhook_endpoints_practice FOREIGN KEY (practice_id) REFERENCES practices (id),
        CONSTRAINT fk_webhook_endpoints_created_by FOREIGN KEY (practice_id, created_by)
          REFERENCES staff (practice_id, id),
        CONSTRAINT ck_webhook_endpoints_event_types CHECK (cardinality(event_types) > 0),
        CONSTRAINT ck_webhook_endpoints_disabled CHECK (
          enabled = (disabled_at IS NULL) AND (disabled_at IS NULL) = (disabled_reason IS NULL)),
        CONSTRAINT ck_webhook_endpoints_disabled_reason
          CHECK (disabled_reason IN ('manual', 'consecutive_failures'))
      )`);
    await queryRunner.query(
      `CREATE INDEX ix_webhook_endpoints_created_by ON webhook_endpoints (practice_id, created_by)`,
    );
    // The outbox: one row per event, written in the transaction of the change it reports.
    await queryRunner.query(`
      CREATE TABLE webhook_events (
        practice_id uuid NOT NULL,
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        type text NOT NULL,
        payload jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT pk_webhook_events PRIMARY KEY (practice_id, id),
        CONSTRAINT fk_webhook_events_practice FOREIGN KEY (practice_id) REFERENCES practices (id)
      )`);
    await queryRunner.query(`
      CREATE TABLE webhook_deliveries (
        practice_id uuid NOT NULL,
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        event_id uuid NOT NULL,
        endpoint_id uuid NOT NULL,
        status text NOT NULL DEFAULT 'pending',
        attempts integer NOT NULL DEFAULT 0,
        next_attempt_at timestamptz NOT NULL DEFAULT now(),
        lease_expires_at timestamptz,
        last_attempt_at timestamptz,
        last_status_code integer,
        last_latency_ms integer,
        last_error text,
        created_at timestamptz NOT NULL DEFAULT now(),
        completed_at timestamptz,
        CONSTRAINT pk_webhook_deliveries PRIMARY KEY (practice_id, id),
        CONSTRAINT fk_webhook_deliveries_practice FOREIGN KEY (practice_id) REFERENCES practices (id),
        CONSTRAINT fk_webhook_deliveries_event FOREIGN KEY (practice_id, event_id)
          REFERENCES webhook_events (practice_id, id),
        CONSTRAINT fk_webhook_deliveries_endpoint FOREIGN KEY (practice_id, endpoint_id)
          REFERENCES webhook_endpoints (practice_id, id) ON DELETE CASCADE,
        CONSTRAINT ck_webhook_deliveries_status
          CHECK (status IN ('pending', 'delivering', 'succeeded', 'failed'))
      )`);
    await queryRunner.query(
      `CREATE INDEX ix_webhook_deliveries_event ON webhook_deliveries (practice_id, event_id)`,
    );
    await queryRunner.query(
      `CREATE INDEX ix_webhook_deliveries_endpoint
         ON webhook_deliveries (practice_id, endpoint_id, created_at DESC, id DESC)`,
    );
    // The worker claims across practices, so this one index leads with the due time, not the practice.
    await queryRunner.query(
      `CREATE INDEX ix_webhook_deliveries_due ON webhook_deliveries (next_attempt_at)
        WHERE status IN ('pending', 'delivering')`,
    );

    await queryRunner.query(`
      CREATE TABLE change_log (
        practice_id uuid NOT NULL,
        id bigint GENERATED ALWAYS AS IDENTITY,
        tx_id xid8 NOT NULL DEFAULT pg_current_xact_id(),
        resource_type text NOT NULL,
        resource_id uuid NOT NULL,
        client_id uuid NOT NULL,
        changed_at timestamptz NOT NULL DEFAULT statement_timestamp(),
        CONSTRAINT pk_change_log PRIMARY KEY (practice_id, id),
        CONSTRAINT fk_change_log_practice FOREIGN KEY (practice_id) REFERENCES practices (id),
        CONSTRAINT fk_change_log_client FOREIGN KEY (practice_id, client_id) REFERENCES clients (practice_id, id),
        CONSTRAINT ck_change_log_resource_type
          CHECK (resource_type IN ('client', 'family_member', 'therapy_session', 'session_note'))
      )`);
    await queryRunner.query(
      `CREATE INDEX ix_change_log_practice_tx ON change_log (practice_id, tx_id, id)`,
    );
    await queryRunner.query(
      `CREATE INDEX ix_change_log_client ON change_log (practice_id, client_id)`,
    );
    for (const followed of FOLLOWED) {
      // Not SECURITY DEFINER: the trigger writes as the role whose statement fired it (INSERT granted).
      await queryRunner.query(`
        CREATE FUNCTION log_${followed.table}_change() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          INSERT INTO change_log (practice_id, resource_type, resource_id, client_id)
          VALUES (NEW.practice_id, '${followed.resourceType}', NEW.id, ${followed.clientId});
          RETURN NULL;
        END $$`);
      await queryRunner.query(
        `CREATE TRIGGER trg_${followed.table}_change_log AFTER INSERT OR UPDATE ON ${followed.table}
           FOR EACH ROW EXECUTE FUNCTION log_${followed.table}_change()`,
      );
    }

    for (const [table, privileges] of Object.entries(WEBHOOK_AND_CHANGE_LOG_GRANTS)) {
      await grantToApplication(queryRunner, table, privileges);
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const followed of FOLLOWED) {
      await queryRunner.query(`DROP TRIGGER trg_${followed.table}_change_log ON ${followed.table}`);
      await queryRunner.query(`DROP FUNCTION log_${followed.table}_change()`);
    }
    await queryRunner.query(`DROP TABLE change_log`);
    await queryRunner.query(`DROP TABLE webhook_deliveries`);
    await queryRunner.query(`DROP TABLE webhook_events`);
    await queryRunner.query(`DROP TABLE webhook_endpoints`);
  }
}
