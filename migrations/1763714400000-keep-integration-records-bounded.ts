import type { MigrationInterface, QueryRunner } from 'typeorm';
import { grantToApplication, type TablePrivilege } from '../src/database/application-grants';

/**
 * The API's privileges on the integration tables after this migration. Housekeeping deletes webhook
 * events, deliveries and change-log entries past their retention, so DELETE joins; UPDATE is still
 * withheld from the append-only events and change log (their purge takes no row locks).
 * `change_log_purges` is append-only: it remembers how far the change log was purged.
 */
export const RETENTION_GRANTS: Record<string, readonly TablePrivilege[]> = {
  webhook_events: ['SELECT', 'INSERT', 'DELETE'],
  webhook_deliveries: ['SELECT', 'INSERT', 'UPDATE', 'DELETE'],
  change_log: ['SELECT', 'INSERT', 'DELETE'],
  change_log_purges: ['SELECT', 'INSERT'],
};

/**
 * Keeps what integrations leave behind bounded, and one grant rule:
 *
 * - `change_log_purges`: for each practice, the last change-log position (transaction id, entry id)
 *   each purge batch deleted. The change feed answers 410 to a cursor behind it, so an integrator
 *   who fell behind the retention resyncs instead of silently missing what was purged.
 * - Indexes for housekeeping's age conditions. They lead with the age, not the practice, like the
 *   delivery worker's claim index: housekeeping works across practices.
 * - A partial index counting a practice's deliveries being retried, for the admin's dashboard.
 * - `ck_api_clients_audit_whole_practice`: `audit:read` only for an API client without a caseload,
 *   since the audit log names every client of the practice. No route accepted `audit:read` before
 *   this migration, so taking it from a caseload-restricted client changes no one's access.
 */
export class KeepIntegrationRecordsBounded1763714400000 implements MigrationInterface {
  name = 'KeepIntegrationRecordsBounded1763714400000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE change_log_purges (
        practice_id uuid NOT NULL,
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        through_tx_id xid8 NOT NULL,
        through_id bigint NOT NULL,
        purged_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT pk_change_log_purges PRIMARY KEY (practice_id, id),
        CONSTRAINT fk_change_log_purges_practice FOREIGN KEY (practice_id) REFERENCES practices (id)
      )`);
    await queryRunner.query(
      `CREATE INDEX ix_change_log_purges_position
         ON change_log_purges (practice_id, through_tx_id DESC, through_id DESC)`,
    );
    await queryRunner.query(`CREATE INDEX ix_change_log_changed_at ON change_log (changed_at)`);
    await queryRunner.query(
      `CREATE INDEX ix_webhook_events_created_at ON webhook_events (created_at)`,
    );
    await queryRunner.query(
      `CREATE INDEX ix_webhook_deliveries_completed_at ON webhook_deliveries (completed_at)
        WHERE status IN ('succeeded', 'failed')`,
    );
    await queryRunner.query(
      `CREATE INDEX ix_webhook_deliveries_retrying ON webhook_deliveries (practice_id)
        WHERE status IN ('pending', 'delivering') AND attempts > 0`,
    );

    await queryRunner.query(
      `UPDATE api_clients SET scopes = array_remove(scopes, 'audit:read')
        WHERE caseload_staff_ids IS NOT NULL AND 'audit:read' = ANY (scopes)
          AND cardinality(scopes) > 1`,
    );
    await queryRunner.query(
      `ALTER TABLE api_clients ADD CONSTRAINT ck_api_clients_audit_whole_practice
         CHECK (caseload_staff_ids IS NULL OR NOT ('audit:read' = ANY (scopes))) NOT VALID`,
    );

    for (const [table, privileges] of Object.entries(RETENTION_GRANTS)) {
      await grantToApplication(queryRunner, table, privileges);
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    // Revokes DELETE from whoever holds it, so it needs no application role to be named.
    await queryRunner.query(`
      DO $$
      DECLARE target record;
      BEGIN
        FOR target IN
          SELECT DISTINCT c.relname, a.grantee::regrole AS grantee FROM pg_class c, aclexplode(c.relacl) a
           WHERE c.oid IN ('webhook_events'::regclass, 'webhook_deliveries'::regclass, 'change_log'::regclass)
             AND a.privilege_type = 'DELETE' AND a.grantee NOT IN (c.relowner, 0)
        LOOP
          EXECUTE format('REVOKE DELETE ON %I FROM %s', target.relname, target.grantee);
        END LOOP;
      END $$`);
    await queryRunner.query(
      `ALTER TABLE api_clients DROP CONSTRAINT ck_api_clients_audit_whole_practice`,
    );
    await queryRunner.query(`DROP INDEX ix_webhook_deliveries_retrying`);
    await queryRunner.query(`DROP INDEX ix_webhook_deliveries_completed_at`);
    await queryRunner.query(`DROP INDEX ix_webhook_events_created_at`);
    await queryRunner.query(`DROP INDEX ix_change_log_changed_at`);
    await queryRunner.query(`DROP TABLE change_log_purges`);
  }
}
