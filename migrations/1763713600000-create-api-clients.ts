import type { MigrationInterface, QueryRunner } from 'typeorm';
import { grantToApplication } from '../src/database/application-grants';

/**
 * Practice software connecting with API keys. A client holds its scopes, an optional caseload (the
 * counselors whose clients it reaches; null for the whole practice) and an optional IP allow-list;
 * its keys are stored as SHA-256 hashes only, at most two active at a time (for rotation, checked
 * under a lock on the client's row). Keys arrive without a practice, hence the global unique index
 * on `key_hash`. Nothing is ever deleted: a revoked client or key stays for the audit trail.
 */
export class CreateApiClients1763713600000 implements MigrationInterface {
  name = 'CreateApiClients1763713600000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE api_clients (
        practice_id uuid NOT NULL REFERENCES practices (id),
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        name text NOT NULL,
        owner_id uuid NOT NULL,
        scopes text[] NOT NULL,
        caseload_staff_ids uuid[],
        ip_allow_list inet[],
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        revoked_at timestamptz,
        CONSTRAINT pk_api_clients PRIMARY KEY (practice_id, id),
        CONSTRAINT fk_api_clients_owner FOREIGN KEY (practice_id, owner_id) REFERENCES staff (practice_id, id),
        CONSTRAINT ck_api_clients_name CHECK (char_length(name) BETWEEN 1 AND 100),
        CONSTRAINT ck_api_clients_scopes CHECK (
          cardinality(scopes) > 0 AND scopes <@ ARRAY['clients:read', 'clients:write', 'sessions:read',
            'sessions:write', 'notes:read', 'measures:read', 'audit:read', 'fhir:read', 'webhooks:manage']),
        CONSTRAINT ck_api_clients_caseload CHECK (caseload_staff_ids IS NULL OR cardinality(caseload_staff_ids) > 0)
      )`);
    await queryRunner.query(
      `CREATE INDEX ix_api_clients_practice_created ON api_clients (practice_id, created_at, id)`,
    );
    await queryRunner.query(
      `CREATE INDEX ix_api_clients_owner ON api_clients (practice_id, owner_id)`,
    );
    await queryRunner.query(`
      CREATE TABLE api_client_keys (
        practice_id uuid NOT NULL REFERENCES practices (id),
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        api_client_id uuid NOT NULL,
        key_hash bytea NOT NULL,
        key_prefix text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        revoked_at timestamptz,
        last_used_at timestamptz,
        last_used_ip inet,
        CONSTRAINT pk_api_client_keys PRIMARY KEY (practice_id, id),
        CONSTRAINT fk_api_client_keys_client FOREIGN KEY (practice_id, api_client_id)
          REFERENCES api_clients (practice_id, id),
        CONSTRAINT ck_api_client_keys_hash CHECK (octet_length(key_hash) = 32)
      )`);
    await queryRunner.query(
      `CREATE UNIQUE INDEX uq_api_client_keys_key_hash ON api_client_keys (key_hash)`,
    );
    await queryRunner.query(
      `CREATE INDEX ix_api_client_keys_client ON api_client_keys (practice_id, api_client_id)`,
    );
    await grantToApplication(queryRunner, 'api_clients', ['SELECT', 'INSERT', 'UPDATE']);
    await grantToApplication(queryRunner, 'api_client_keys', ['SELECT', 'INSERT', 'UPDATE']);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE api_client_keys`);
    await queryRunner.query(`DROP TABLE api_clients`);
  }
}
