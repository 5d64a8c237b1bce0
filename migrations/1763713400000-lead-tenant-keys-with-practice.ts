import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The reserved platform practice (src/practices/platform-practice.ts); fixed forever. */
const PLATFORM = `'00000000-0000-0000-0000-000000000000'::uuid`;

/**
 * Tables keyed by `id` alone until now, with the name of the `UNIQUE (practice_id, id)` that the
 * composite foreign keys used beside it (null: the table had none).
 */
const ID_KEYED: Record<string, string | null> = {
  staff: 'uq_staff_practice_id',
  refresh_tokens: null,
  password_tokens: null,
  login_failures: null,
  audit_events: null,
  clients: 'uq_clients_practice_id',
  care_team_members: null,
  family_members: null,
  emergency_access_grants: null,
  therapy_sessions: 'uq_therapy_sessions_practice_id',
  session_notes: 'uq_session_notes_practice_id',
  note_addenda: null,
  psychotherapy_notes: null,
  calendar_feeds: null,
  boundary_agreements: 'uq_boundary_agreements_practice_id',
  boundary_items: null,
  boundary_violations: null,
  trust_goals: 'uq_trust_goals_practice_id',
  goal_commitments: null,
  goal_check_ins: null,
  goal_milestones: null,
  goal_setbacks: null,
  intake_invitations: 'uq_intake_invitations_practice_id',
  intake_submissions: 'uq_intake_submissions_practice_id',
};

/** Lookups that arrive with a token and no practice: the one global unique index they keep. */
const TOKEN_HASH_LOOKUPS = ['refresh_tokens', 'password_tokens'];

interface ForeignKey {
  name: string;
  table: string;
  definition: string;
}

/**
 * Issue 14: every tenant table's primary key leads with `practice_id` (Citus distributes by it and
 * needs it in every unique key), the second `UNIQUE (practice_id, id)` beside `PRIMARY KEY (id)`
 * goes, and every foreign key between tenant tables is composite. The foreign keys that used the
 * dropped keys are dropped first and recreated, with their names and definitions unchanged, on the
 * new primary keys; they are found in the catalog, so tables added by migrations ordered before
 * this one are re-pointed too.
 *
 * The audit trail becomes tenant data like the rest: events of no practice (a failed login for an
 * unknown email, housekeeping) get the reserved platform practice, a real `practices` row with the
 * nil UUID, which was already the id of their chain. `audit_chain_links.chain_id` is that practice,
 * so it is renamed `practice_id`, and its link to the event is composite. The event digest renders
 * the platform practice as null, as it rendered the null it replaces, so every link sealed before
 * still verifies.
 *
 * Refresh and set-password tokens were found by their id alone (`<id>.<secret>`); they are now
 * found by the hash of their secret, through a global unique index like the calendar-feed and
 * intake-link tokens.
 */
export class LeadTenantKeysWithPractice1763713400000 implements MigrationInterface {
  name = 'LeadTenantKeysWithPractice1763713400000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const sql = (text: string) => queryRunner.query(text);
    await sql(`INSERT INTO practices (id, name, time_zone) VALUES (${PLATFORM}, 'Platform (reserved)', 'UTC')
               ON CONFLICT (id) DO NOTHING`);
    await sql(
      `ALTER TABLE staff ADD CONSTRAINT ck_staff_not_platform CHECK (practice_id <> ${PLATFORM})`,
    );

    // The one rewrite of the append-only trail: NULL practice to the platform practice, which the
    // digest renders as before. Done as the owner, in this migration's transaction.
    await sql(`ALTER TABLE audit_events DISABLE TRIGGER tg_audit_events_append_only`);
    await sql(`UPDATE audit_events SET practice_id = ${PLATFORM} WHERE practice_id IS NULL`);
    await sql(`ALTER TABLE audit_events ENABLE TRIGGER tg_audit_events_append_only`);
    await sql(`ALTER TABLE audit_events ALTER COLUMN practice_id SET NOT NULL,
               ADD CONSTRAINT fk_audit_events_practice FOREIGN KEY (practice_id) REFERENCES practices (id)`);
    await sql(digestFunction(`nullif(e.practice_id, ${PLATFORM})`));

    await sql(`ALTER TABLE audit_chain_links DROP CONSTRAINT fk_audit_chain_links_event,
               DROP CONSTRAINT uq_audit_chain_links_event`);
    const repointed = await foreignKeysOn(queryRunner, keyIndexes());
    await dropForeignKeys(queryRunner, repointed);
    for (const [table, unique] of Object.entries(ID_KEYED)) {
      await sql(`ALTER TABLE ${table} DROP CONSTRAINT pk_${table},
                 ${unique ? `DROP CONSTRAINT ${unique},` : ''}
                 ADD CONSTRAINT pk_${table} PRIMARY KEY (practice_id, id)`);
    }
    await sql(`ALTER TABLE audit_chain_links RENAME COLUMN chain_id TO practice_id`);
    await sql(`ALTER TABLE audit_chain_links
               ADD CONSTRAINT uq_audit_chain_links_event UNIQUE (practice_id, event_id),
               ADD CONSTRAINT fk_audit_chain_links_event FOREIGN KEY (practice_id, event_id)
                 REFERENCES audit_events (practice_id, id),
               ADD CONSTRAINT fk_audit_chain_links_practice FOREIGN KEY (practice_id) REFERENCES practices (id)`);
    await sql(`ALTER TABLE session_staff_bookings DROP CONSTRAINT pk_session_staff_bookings,
               ADD CONSTRAINT pk_session_staff_bookings PRIMARY KEY (practice_id, session_id, staff_id)`);
    await sql(bookingsFunction('practice_id = NEW.practice_id AND session_id = NEW.id'));
    await addForeignKeys(queryRunner, repointed);

    for (const table of TOKEN_HASH_LOOKUPS) {
      await sql(`CREATE UNIQUE INDEX uq_${table}_token_hash ON ${table} (token_hash)`);
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const sql = (text: string) => queryRunner.query(text);
    for (const table of TOKEN_HASH_LOOKUPS) await sql(`DROP INDEX uq_${table}_token_hash`);

    await sql(`ALTER TABLE audit_chain_links DROP CONSTRAINT fk_audit_chain_links_event,
               DROP CONSTRAINT fk_audit_chain_links_practice, DROP CONSTRAINT uq_audit_chain_links_event`);
    const repointed = await foreignKeysOn(queryRunner, keyIndexes());
    await dropForeignKeys(queryRunner, repointed);
    await sql(bookingsFunction('session_id = NEW.id'));
    await sql(`ALTER TABLE session_staff_bookings DROP CONSTRAINT pk_session_staff_bookings,
               ADD CONSTRAINT pk_session_staff_bookings PRIMARY KEY (session_id, staff_id)`);
    for (const [table, unique] of Object.entries(ID_KEYED)) {
      await sql(`ALTER TABLE ${table} DROP CONSTRAINT pk_${table},
                 ADD CONSTRAINT pk_${table} PRIMARY KEY (id)
                 ${unique ? `, ADD CONSTRAINT ${unique} UNIQUE (practice_id, id)` : ''}`);
    }
    await addForeignKeys(queryRunner, repointed);
    await sql(`ALTER TABLE audit_chain_links RENAME COLUMN practice_id TO chain_id`);
    await sql(`ALTER TABLE audit_chain_links ADD CONSTRAINT uq_audit_chain_links_event UNIQUE (event_id),
               ADD CONSTRAINT fk_audit_chain_links_event FOREIGN KEY (event_id) REFERENCES audit_events (id)`);

    await sql(digestFunction('e.practice_id'));
    await sql(`ALTER TABLE audit_events DROP CONSTRAINT fk_audit_events_practice,
               ALTER COLUMN practice_id DROP NOT NULL`);
    await sql(`ALTER TABLE audit_events DISABLE TRIGGER tg_audit_events_append_only`);
    await sql(`UPDATE audit_events SET practice_id = NULL WHERE practice_id = ${PLATFORM}`);
    await sql(`ALTER TABLE audit_events ENABLE TRIGGER tg_audit_events_append_only`);
    await sql(`ALTER TABLE staff DROP CONSTRAINT ck_staff_not_platform`);
    await sql(`DELETE FROM practices WHERE id = ${PLATFORM}`);
  }
}

/** The indexes of the keys this migration replaces, in either direction. */
function keyIndexes(): string[] {
  return Object.entries(ID_KEYED).flatMap(([table, unique]) =>
    unique ? [`pk_${table}`, unique] : [`pk_${table}`],
  );
}

/** Foreign keys (of any table) whose referenced key is one of these indexes. */
async function foreignKeysOn(queryRunner: QueryRunner, indexes: string[]): Promise<ForeignKey[]> {
  const keys = (await queryRunner.query(
    `SELECT c.conname AS name, c.conrelid::regclass::text AS "table",
            pg_get_constraintdef(c.oid) AS definition
       FROM pg_constraint c JOIN pg_class i ON i.oid = c.conindid
       JOIN pg_namespace n ON n.oid = i.relnamespace
      WHERE c.contype = 'f' AND n.nspname = current_schema() AND i.relname = ANY($1)
      ORDER BY c.conname`,
    [indexes],
  )) as ForeignKey[];
  return keys;
}

async function dropForeignKeys(queryRunner: QueryRunner, keys: ForeignKey[]): Promise<void> {
  for (const key of keys) {
    await queryRunner.query(`ALTER TABLE ${key.table} DROP CONSTRAINT ${key.name}`);
  }
}

async function addForeignKeys(queryRunner: QueryRunner, keys: ForeignKey[]): Promise<void> {
  for (const key of keys) {
    await queryRunner.query(
      `ALTER TABLE ${key.table} ADD CONSTRAINT ${key.name} ${key.definition}`,
    );
  }
}

/** The event digest of 1763712150000, with how it renders the practice as the only change. */
function digestFunction(practiceId: string): string {
  return `
    CREATE OR REPLACE FUNCTION audit_event_digest(e audit_events) RETURNS bytea
      LANGUAGE sql STABLE PARALLEL SAFE AS $$
      SELECT sha256(convert_to(jsonb_build_object(
        'id', e.id::text,
        'practiceId', ${practiceId}::text,
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
    $$`;
}

/** The bookings trigger of 1763712400000; its delete now names the practice, to use the key. */
function bookingsFunction(ofSession: string): string {
  return `
    CREATE OR REPLACE FUNCTION sync_session_staff_bookings() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      DELETE FROM session_staff_bookings WHERE ${ofSession};
      IF NEW.status NOT IN ('cancelled', 'late_cancel') THEN
        INSERT INTO session_staff_bookings (practice_id, session_id, staff_id, time_range)
        SELECT NEW.practice_id, NEW.id, staff_id, tstzrange(NEW.starts_at, NEW.ends_at, '[)')
          FROM unnest(ARRAY[NEW.counselor_id, NEW.co_therapist_id]) AS staff_id
         WHERE staff_id IS NOT NULL;
      END IF;
      RETURN NULL;
    END $$`;
}
