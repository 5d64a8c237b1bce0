import type { MigrationInterface, QueryRunner } from 'typeorm';

const CONCERNS = `'substance_use_recovery', 'mental_health', 'trust_after_betrayal', 'estrangement',
  'parent_child_conflict', 'communication', 'grief', 'trauma', 'other'`;
const INDICATORS = `'jealousy_possessiveness', 'difficulty_opening_up', 'suspicion', 'avoidance_of_intimacy'`;
const RELATIONSHIPS = `'mother', 'father', 'daughter', 'son', 'partner', 'spouse', 'former_partner', 'sibling',
  'grandparent', 'guardian', 'other_family', 'friend_support'`;

/**
 * Clients, their family members and care teams, emergency ("break the glass") grants, and the
 * idempotency keys of creating POSTs. Client numbers come from a per-practice counter row, so two
 * concurrent creations can never draw the same number (gaps after a rollback are fine).
 */
export class CreateClientsAndCareTeams1763712300000 implements MigrationInterface {
  name = 'CreateClientsAndCareTeams1763712300000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE EXTENSION IF NOT EXISTS unaccent`);
    await queryRunner.query(`CREATE EXTENSION IF NOT EXISTS pg_trgm`);
    // unaccent() is only STABLE (its dictionary could change); pinning the dictionary makes this
    // wrapper safe to declare IMMUTABLE, which a generated column and its index require.
    await queryRunner.query(`
      CREATE FUNCTION search_key(value text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
      AS $$ SELECT lower(public.unaccent('public.unaccent'::regdictionary, value)) $$`);

    await queryRunner.query(`
      CREATE TABLE practice_counters (
        practice_id uuid NOT NULL,
        name text NOT NULL,
        value bigint NOT NULL,
        CONSTRAINT pk_practice_counters PRIMARY KEY (practice_id, name),
        CONSTRAINT fk_practice_counters_practice FOREIGN KEY (practice_id) REFERENCES practices (id)
      )`);

    await queryRunner.query(`
      CREATE TABLE clients (
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        practice_id uuid NOT NULL,
        client_number integer NOT NULL,
        first_name text NOT NULL,
        last_name text NOT NULL,
        preferred_name text,
        date_of_birth date NOT NULL,
        pronouns text,
        email text,
        phone text,
        status text NOT NULL DEFAULT 'intake',
        discharge_reason text,
        discharged_on date,
        presenting_concerns text[] NOT NULL DEFAULT '{}',
        trust_indicators text[] NOT NULL DEFAULT '{}',
        risk_flags text[] NOT NULL DEFAULT '{}',
        substance_use_records boolean NOT NULL DEFAULT false,
        error_reason text,
        search_names text GENERATED ALWAYS AS (
          search_key(first_name || ' ' || last_name || ' ' || coalesce(preferred_name, ''))
        ) STORED,
        last_activity_at timestamptz NOT NULL DEFAULT now(),
        version integer NOT NULL DEFAULT 1,
        created_by uuid,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT pk_clients PRIMARY KEY (id),
        CONSTRAINT uq_clients_practice_id UNIQUE (practice_id, id),
        CONSTRAINT uq_clients_practice_number UNIQUE (practice_id, client_number),
        CONSTRAINT fk_clients_practice FOREIGN KEY (practice_id) REFERENCES practices (id),
        CONSTRAINT ck_clients_status
          CHECK (status IN ('intake', 'active', 'on_hold', 'discharged', 'entered_in_error')),
        CONSTRAINT ck_clients_discharge
          CHECK (status <> 'discharged' OR (discharge_reason IS NOT NULL AND discharged_on IS NOT NULL)),
        CONSTRAINT ck_clients_error_reason CHECK (status <> 'entered_in_error' OR error_reason IS NOT NULL),
        CONSTRAINT ck_clients_concerns CHECK (presenting_concerns <@ ARRAY[${CONCERNS}]::text[]),
        CONSTRAINT ck_clients_indicators CHECK (trust_indicators <@ ARRAY[${INDICATORS}]::text[])
      )`);
    await queryRunner.query(
      `CREATE INDEX ix_clients_practice_name ON clients (practice_id, last_name, first_name, id)
         WHERE status <> 'entered_in_error'`,
    );
    await queryRunner.query(
      `CREATE INDEX ix_clients_practice_activity ON clients (practice_id, last_activity_at DESC, id DESC)
         WHERE status <> 'entered_in_error'`,
    );
    await queryRunner.query(
      `CREATE INDEX ix_clients_practice_status ON clients (practice_id, status)`,
    );
    await queryRunner.query(
      `CREATE INDEX ix_clients_search ON clients USING gin (search_names gin_trgm_ops)`,
    );

    await queryRunner.query(`
      CREATE TABLE care_team_members (
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        practice_id uuid NOT NULL,
        client_id uuid NOT NULL,
        staff_id uuid NOT NULL,
        role text NOT NULL,
        added_by uuid,
        added_at timestamptz NOT NULL DEFAULT now(),
        removed_by uuid,
        removed_at timestamptz,
        CONSTRAINT pk_care_team_members PRIMARY KEY (id),
        CONSTRAINT fk_care_team_members_client FOREIGN KEY (practice_id, client_id) REFERENCES clients (practice_id, id),
        CONSTRAINT fk_care_team_members_staff FOREIGN KEY (practice_id, staff_id) REFERENCES staff (practice_id, id),
        CONSTRAINT ck_care_team_members_role CHECK (role IN ('primary_counselor', 'co_therapist', 'supervisor'))
      )`);
    // Access checks look up "is this staff member on this client's team" on every request.
    await queryRunner.query(
      `CREATE UNIQUE INDEX uq_care_team_members_active ON care_team_members (practice_id, client_id, staff_id)
         WHERE removed_at IS NULL`,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX uq_care_team_members_primary ON care_team_members (practice_id, client_id)
         WHERE role = 'primary_counselor' AND removed_at IS NULL`,
    );
    await queryRunner.query(
      `CREATE INDEX ix_care_team_members_practice_staff ON care_team_members (practice_id, staff_id, client_id)
         WHERE removed_at IS NULL`,
    );

    await queryRunner.query(`
      CREATE TABLE family_members (
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        practice_id uuid NOT NULL,
        client_id uuid NOT NULL,
        first_name text NOT NULL,
        last_name text,
        relationship text NOT NULL,
        date_of_birth date,
        pronouns text,
        email text,
        phone text,
        participation text NOT NULL DEFAULT 'invited',
        consent_to_contact boolean NOT NULL DEFAULT false,
        emergency_contact boolean NOT NULL DEFAULT false,
        deceased boolean NOT NULL DEFAULT false,
        deceased_on date,
        version integer NOT NULL DEFAULT 1,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT pk_family_members PRIMARY KEY (id),
        CONSTRAINT uq_family_members_practice_client_id UNIQUE (practice_id, client_id, id),
        CONSTRAINT fk_family_members_client FOREIGN KEY (practice_id, client_id) REFERENCES clients (practice_id, id),
        CONSTRAINT ck_family_members_relationship CHECK (relationship IN (${RELATIONSHIPS})),
        CONSTRAINT ck_family_members_participation
          CHECK (participation IN ('participating', 'invited', 'declined', 'no_contact')),
        CONSTRAINT ck_family_members_deceased CHECK (deceased OR deceased_on IS NULL)
      )`);
    await queryRunner.query(
      `CREATE INDEX ix_family_members_practice_client ON family_members (practice_id, client_id, created_at, id)`,
    );

    await queryRunner.query(`
      CREATE TABLE emergency_access_grants (
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        practice_id uuid NOT NULL,
        client_id uuid NOT NULL,
        staff_id uuid NOT NULL,
        reason text NOT NULL,
        granted_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL,
        CONSTRAINT pk_emergency_access_grants PRIMARY KEY (id),
        CONSTRAINT fk_emergency_access_grants_client FOREIGN KEY (practice_id, client_id) REFERENCES clients (practice_id, id),
        CONSTRAINT fk_emergency_access_grants_staff FOREIGN KEY (practice_id, staff_id) REFERENCES staff (practice_id, id),
        CONSTRAINT ck_emergency_access_grants_reason CHECK (length(btrim(reason)) >= 20),
        CONSTRAINT ck_emergency_access_grants_window CHECK (expires_at > granted_at)
      )`);
    await queryRunner.query(
      `CREATE INDEX ix_emergency_access_grants_lookup ON emergency_access_grants (practice_id, client_id, staff_id, expires_at DESC)`,
    );
    await queryRunner.query(
      `CREATE INDEX ix_emergency_access_grants_practice_granted ON emergency_access_grants (practice_id, granted_at DESC, id DESC)`,
    );

    // A creating POST retried with the same Idempotency-Key gets the first answer back.
    await queryRunner.query(`
      CREATE TABLE idempotency_keys (
        practice_id uuid NOT NULL,
        actor_id uuid NOT NULL,
        key text NOT NULL,
        request_hash bytea NOT NULL,
        status_code integer,
        response_body jsonb,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT pk_idempotency_keys PRIMARY KEY (practice_id, actor_id, key)
      )`);
    await queryRunner.query(
      `CREATE INDEX ix_idempotency_keys_created ON idempotency_keys (created_at)`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE idempotency_keys`);
    await queryRunner.query(`DROP TABLE emergency_access_grants`);
    await queryRunner.query(`DROP TABLE family_members`);
    await queryRunner.query(`DROP TABLE care_team_members`);
    await queryRunner.query(`DROP TABLE clients`);
    await queryRunner.query(`DROP TABLE practice_counters`);
    await queryRunner.query(`DROP FUNCTION search_key(text)`);
    await queryRunner.query(`DROP EXTENSION IF EXISTS pg_trgm`);
    await queryRunner.query(`DROP EXTENSION IF EXISTS unaccent`);
  }
}
