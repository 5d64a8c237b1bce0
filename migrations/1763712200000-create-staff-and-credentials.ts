import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Staff users and their credentials. Staff are never deleted (their signatures and audit events
 * keep pointing at them), only deactivated. Email is stored lower-cased and is unique across
 * practices because staff sign in with email and password alone.
 */
export class CreateStaffAndCredentials1763712200000 implements MigrationInterface {
  name = 'CreateStaffAndCredentials1763712200000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE staff (
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        practice_id uuid NOT NULL,
        email text NOT NULL,
        first_name text NOT NULL,
        last_name text NOT NULL,
        role text NOT NULL,
        supervisor_id uuid,
        requires_cosign boolean NOT NULL DEFAULT false,
        password_hash text,
        password_changed_at timestamptz,
        active boolean NOT NULL DEFAULT true,
        deactivated_at timestamptz,
        failed_login_count integer NOT NULL DEFAULT 0,
        locked_until timestamptz,
        version integer NOT NULL DEFAULT 1,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT pk_staff PRIMARY KEY (id),
        CONSTRAINT uq_staff_practice_id UNIQUE (practice_id, id),
        CONSTRAINT fk_staff_practice FOREIGN KEY (practice_id) REFERENCES practices (id),
        CONSTRAINT fk_staff_supervisor FOREIGN KEY (practice_id, supervisor_id) REFERENCES staff (practice_id, id),
        CONSTRAINT ck_staff_role CHECK (role IN ('admin', 'supervisor', 'counselor', 'intake_coordinator')),
        CONSTRAINT ck_staff_email_normalized CHECK (email = lower(btrim(email)) AND email LIKE '%_@_%'),
        CONSTRAINT ck_staff_not_own_supervisor CHECK (supervisor_id IS NULL OR supervisor_id <> id),
        CONSTRAINT ck_staff_deactivation CHECK (active OR deactivated_at IS NOT NULL)
      )`);
    await queryRunner.query(`CREATE UNIQUE INDEX uq_staff_email ON staff (email)`);
    await queryRunner.query(
      `CREATE INDEX ix_staff_practice_name ON staff (practice_id, last_name, first_name, id)`,
    );
    await queryRunner.query(
      `CREATE INDEX ix_staff_practice_supervisor ON staff (practice_id, supervisor_id) WHERE supervisor_id IS NOT NULL`,
    );

    // Refresh tokens rotate within a family; presenting a spent one revokes the whole family.
    // Only a SHA-256 of the random secret is stored: the tokens are 256-bit random, not passwords.
    await queryRunner.query(`
      CREATE TABLE refresh_tokens (
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        practice_id uuid NOT NULL,
        staff_id uuid NOT NULL,
        family_id uuid NOT NULL,
        token_hash bytea NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL,
        used_at timestamptz,
        revoked_at timestamptz,
        revoked_reason text,
        CONSTRAINT pk_refresh_tokens PRIMARY KEY (id),
        CONSTRAINT fk_refresh_tokens_staff FOREIGN KEY (practice_id, staff_id) REFERENCES staff (practice_id, id),
        CONSTRAINT ck_refresh_tokens_revocation CHECK ((revoked_at IS NULL) = (revoked_reason IS NULL))
      )`);
    await queryRunner.query(
      `CREATE INDEX ix_refresh_tokens_practice_staff ON refresh_tokens (practice_id, staff_id) WHERE revoked_at IS NULL`,
    );
    await queryRunner.query(
      `CREATE INDEX ix_refresh_tokens_practice_family ON refresh_tokens (practice_id, family_id)`,
    );

    // One-time links for staff to set their own password (instead of an admin choosing it).
    await queryRunner.query(`
      CREATE TABLE password_tokens (
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        practice_id uuid NOT NULL,
        staff_id uuid NOT NULL,
        token_hash bytea NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL,
        used_at timestamptz,
        CONSTRAINT pk_password_tokens PRIMARY KEY (id),
        CONSTRAINT fk_password_tokens_staff FOREIGN KEY (practice_id, staff_id) REFERENCES staff (practice_id, id)
      )`);
    await queryRunner.query(
      `CREATE INDEX ix_password_tokens_practice_staff ON password_tokens (practice_id, staff_id)`,
    );

    // Fixed-window counters shared by every API replica (login per IP and per account, intake forms).
    await queryRunner.query(`
      CREATE TABLE rate_limit_buckets (
        key text NOT NULL,
        window_start timestamptz NOT NULL,
        hits integer NOT NULL,
        CONSTRAINT pk_rate_limit_buckets PRIMARY KEY (key)
      )`);
    await queryRunner.query(
      `CREATE INDEX ix_rate_limit_buckets_window ON rate_limit_buckets (window_start)`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE rate_limit_buckets`);
    await queryRunner.query(`DROP TABLE password_tokens`);
    await queryRunner.query(`DROP TABLE refresh_tokens`);
    await queryRunner.query(`DROP TABLE staff`);
  }
}
