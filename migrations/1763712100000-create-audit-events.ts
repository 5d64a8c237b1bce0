import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The audit trail. Recording an event is one plain INSERT (no lock, no chain work on the request
 * path); the database refuses UPDATE, DELETE and TRUNCATE. `tx_id` lets the sealer link events in
 * commit-safe order: an event whose transaction id is below the oldest running transaction can no
 * longer be joined by a late-committing one.
 */
export class CreateAuditEvents1763712100000 implements MigrationInterface {
  name = 'CreateAuditEvents1763712100000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE audit_events (
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        practice_id uuid,
        occurred_at timestamptz NOT NULL DEFAULT clock_timestamp(),
        tx_id xid8 NOT NULL DEFAULT pg_current_xact_id(),
        actor_type text NOT NULL,
        actor_id uuid,
        actor_role text,
        action text NOT NULL,
        resource_type text NOT NULL,
        resource_id text,
        client_id uuid,
        outcome text NOT NULL,
        changed_fields text[] NOT NULL DEFAULT '{}',
        request_id text,
        ip inet,
        user_agent text,
        metadata jsonb NOT NULL DEFAULT '{}'::jsonb,
        CONSTRAINT pk_audit_events PRIMARY KEY (id),
        CONSTRAINT ck_audit_events_actor_type
          CHECK (actor_type IN ('staff', 'api_client', 'intake_link', 'system', 'anonymous')),
        CONSTRAINT ck_audit_events_outcome CHECK (outcome IN ('success', 'denied', 'failure')),
        CONSTRAINT ck_audit_events_metadata_object CHECK (jsonb_typeof(metadata) = 'object')
      )`);
    await queryRunner.query(
      `CREATE INDEX ix_audit_events_practice_occurred ON audit_events (practice_id, occurred_at DESC, id DESC)`,
    );
    await queryRunner.query(
      `CREATE INDEX ix_audit_events_practice_client ON audit_events (practice_id, client_id, occurred_at DESC)
         WHERE client_id IS NOT NULL`,
    );
    await queryRunner.query(
      `CREATE INDEX ix_audit_events_practice_actor ON audit_events (practice_id, actor_id, occurred_at DESC)
         WHERE actor_id IS NOT NULL`,
    );
    await queryRunner.query(
      `CREATE INDEX ix_audit_events_practice_tx ON audit_events (practice_id, tx_id, id)`,
    );
    await queryRunner.query(`
      CREATE FUNCTION audit_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'audit records are append-only: % on % is not allowed', TG_OP, TG_TABLE_NAME
          USING ERRCODE = 'insufficient_privilege';
      END $$`);
    await queryRunner.query(`
      CREATE TRIGGER tg_audit_events_append_only BEFORE UPDATE OR DELETE ON audit_events
        FOR EACH ROW EXECUTE FUNCTION audit_refuse_change()`);
    await queryRunner.query(`
      CREATE TRIGGER tg_audit_events_no_truncate BEFORE TRUNCATE ON audit_events
        FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change()`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE audit_events`);
    await queryRunner.query(`DROP FUNCTION audit_refuse_change()`);
  }
}
