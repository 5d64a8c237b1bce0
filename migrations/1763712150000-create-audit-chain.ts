import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The tamper-evident chain over `audit_events`, kept apart from the events so that recording one
 * stays a plain INSERT. The sealer appends one link per event, per chain (a practice, or the nil
 * UUID for platform-level events), in `(tx_id, id)` order; links are append-only like the events.
 *
 * `audit_event_digest` is the one canonical form of an event, used by both the sealer and the
 * verifier, so that no timestamp or address ever round-trips through JavaScript. It renders every
 * value explicitly (UTC microseconds, decimal tx id, inet text) because jsonb would otherwise
 * render a timestamptz in the session's time zone; jsonb's own text output is deterministic (keys
 * sorted, no whitespace choices). It is STABLE, not IMMUTABLE, because to_char is STABLE in the
 * catalog, and nothing needs it in an index.
 *
 * `ix_audit_events_tx` lets the background sealer find the chains that received events since its
 * last pass without probing every practice. It is the one index that does not lead with
 * `practice_id`: it is global on purpose (a sharded table keeps one per shard).
 */
export class CreateAuditChain1763712150000 implements MigrationInterface {
  name = 'CreateAuditChain1763712150000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE FUNCTION audit_event_digest(e audit_events) RETURNS bytea
        LANGUAGE sql STABLE PARALLEL SAFE AS $$
        SELECT sha256(convert_to(jsonb_build_object(
          'id', e.id::text,
          'practiceId', e.practice_id::text,
          'occurredAt', to_char(e.occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
          'txId', e.tx_id::text,
          'actorType', e.actor_type,
          'actorId', e.actor_id::text,
          'actorRole', e.actor_role,
          'action', e.action,
          'resourceType', e.resource_type,
          'resourceId', e.resource_id,
          'clientId', e.client_id::text,
          'outcome', e.outcome,
          'changedFields', to_jsonb(e.changed_fields),
          'requestId', e.request_id,
          'ip', e.ip::text,
          'userAgent', e.user_agent,
          'metadata', e.metadata
        )::text, 'UTF8'))
      $$`);
    await queryRunner.query(`
      CREATE TABLE audit_chain_links (
        chain_id uuid NOT NULL,
        seq bigint NOT NULL,
        event_id uuid NOT NULL,
        event_tx_id xid8 NOT NULL,
        event_hash bytea NOT NULL,
        prev_hash bytea NOT NULL,
        link_hash bytea NOT NULL,
        sealed_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT pk_audit_chain_links PRIMARY KEY (chain_id, seq),
        CONSTRAINT uq_audit_chain_links_event UNIQUE (event_id),
        CONSTRAINT fk_audit_chain_links_event FOREIGN KEY (event_id) REFERENCES audit_events (id),
        CONSTRAINT ck_audit_chain_links_seq_positive CHECK (seq >= 1),
        CONSTRAINT ck_audit_chain_links_hash_lengths CHECK (
          octet_length(event_hash) = 32 AND octet_length(prev_hash) = 32
          AND octet_length(link_hash) = 32),
        CONSTRAINT ck_audit_chain_links_genesis CHECK (seq > 1 OR prev_hash = '\\x${'00'.repeat(32)}'::bytea)
      )`);
    await queryRunner.query(`CREATE INDEX ix_audit_events_tx ON audit_events (tx_id)`);
    await queryRunner.query(`
      CREATE TRIGGER tg_audit_chain_links_append_only BEFORE UPDATE OR DELETE ON audit_chain_links
        FOR EACH ROW EXECUTE FUNCTION audit_refuse_change()`);
    await queryRunner.query(`
      CREATE TRIGGER tg_audit_chain_links_no_truncate BEFORE TRUNCATE ON audit_chain_links
        FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change()`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE audit_chain_links`);
    await queryRunner.query(`DROP INDEX ix_audit_events_tx`);
    await queryRunner.query(`DROP FUNCTION audit_event_digest(audit_events)`);
  }
}
