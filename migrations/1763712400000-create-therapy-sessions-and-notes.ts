import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Therapy sessions, who attended, session notes (signed notes locked by the database), addenda,
 * psychotherapy notes, and calendar feeds. Double-booking is impossible at the database: every
 * non-cancelled session books its counselor and co-therapist in `session_staff_bookings` (kept by
 * a trigger), and an exclusion constraint refuses two overlapping bookings of one person.
 */
export class CreateTherapySessionsAndNotes1763712400000 implements MigrationInterface {
  name = 'CreateTherapySessionsAndNotes1763712400000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE EXTENSION IF NOT EXISTS btree_gist`);
    await queryRunner.query(`
      CREATE TABLE therapy_sessions (
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        practice_id uuid NOT NULL,
        client_id uuid NOT NULL,
        counselor_id uuid NOT NULL,
        co_therapist_id uuid,
        series_id uuid,
        starts_at timestamptz NOT NULL,
        ends_at timestamptz NOT NULL,
        modality text NOT NULL,
        setting text NOT NULL,
        location text,
        telehealth_url text,
        status text NOT NULL DEFAULT 'scheduled',
        cancel_reason text,
        cancelled_at timestamptz,
        cancelled_by uuid,
        completed_at timestamptz,
        version integer NOT NULL DEFAULT 1,
        created_by uuid,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT pk_therapy_sessions PRIMARY KEY (id),
        CONSTRAINT uq_therapy_sessions_practice_id UNIQUE (practice_id, id),
        CONSTRAINT uq_therapy_sessions_practice_client_id UNIQUE (practice_id, client_id, id),
        CONSTRAINT fk_therapy_sessions_client FOREIGN KEY (practice_id, client_id) REFERENCES clients (practice_id, id),
        CONSTRAINT fk_therapy_sessions_counselor FOREIGN KEY (practice_id, counselor_id) REFERENCES staff (practice_id, id),
        CONSTRAINT fk_therapy_sessions_co_therapist FOREIGN KEY (practice_id, co_therapist_id) REFERENCES staff (practice_id, id),
        CONSTRAINT ck_therapy_sessions_times CHECK (ends_at > starts_at AND ends_at - starts_at <= interval '12 hours'),
        CONSTRAINT ck_therapy_sessions_co_therapist CHECK (co_therapist_id IS NULL OR co_therapist_id <> counselor_id),
        CONSTRAINT ck_therapy_sessions_modality CHECK (modality IN ('individual', 'couple', 'family', 'group')),
        CONSTRAINT ck_therapy_sessions_setting CHECK (setting IN ('in_person', 'telehealth', 'phone')),
        CONSTRAINT ck_therapy_sessions_status
          CHECK (status IN ('scheduled', 'completed', 'cancelled', 'late_cancel', 'no_show')),
        CONSTRAINT ck_therapy_sessions_cancel
          CHECK (status NOT IN ('cancelled', 'late_cancel') OR (cancel_reason IS NOT NULL AND cancelled_at IS NOT NULL))
      )`);
    await queryRunner.query(
      `CREATE INDEX ix_therapy_sessions_practice_start ON therapy_sessions (practice_id, starts_at, id)`,
    );
    await queryRunner.query(
      `CREATE INDEX ix_therapy_sessions_practice_client_start ON therapy_sessions (practice_id, client_id, starts_at)`,
    );
    await queryRunner.query(
      `CREATE INDEX ix_therapy_sessions_practice_counselor_start ON therapy_sessions (practice_id, counselor_id, starts_at)`,
    );
    await queryRunner.query(
      `CREATE INDEX ix_therapy_sessions_practice_co_therapist_start ON therapy_sessions (practice_id, co_therapist_id, starts_at)
         WHERE co_therapist_id IS NOT NULL`,
    );
    await queryRunner.query(
      `CREATE INDEX ix_therapy_sessions_practice_series ON therapy_sessions (practice_id, series_id) WHERE series_id IS NOT NULL`,
    );

    await queryRunner.query(`
      CREATE TABLE session_staff_bookings (
        practice_id uuid NOT NULL,
        session_id uuid NOT NULL,
        staff_id uuid NOT NULL,
        time_range tstzrange NOT NULL,
        CONSTRAINT pk_session_staff_bookings PRIMARY KEY (session_id, staff_id),
        CONSTRAINT fk_session_staff_bookings_session FOREIGN KEY (practice_id, session_id)
          REFERENCES therapy_sessions (practice_id, id) ON DELETE CASCADE,
        CONSTRAINT ex_session_staff_bookings_overlap
          EXCLUDE USING gist (practice_id WITH =, staff_id WITH =, time_range WITH &&)
      )`);
    await queryRunner.query(`
      CREATE FUNCTION sync_session_staff_bookings() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        DELETE FROM session_staff_bookings WHERE session_id = NEW.id;
        IF NEW.status NOT IN ('cancelled', 'late_cancel') THEN
          INSERT INTO session_staff_bookings (practice_id, session_id, staff_id, time_range)
          SELECT NEW.practice_id, NEW.id, staff_id, tstzrange(NEW.starts_at, NEW.ends_at, '[)')
            FROM unnest(ARRAY[NEW.counselor_id, NEW.co_therapist_id]) AS staff_id
           WHERE staff_id IS NOT NULL;
        END IF;
        RETURN NULL;
      END $$`);
    await queryRunner.query(`
      CREATE TRIGGER tg_therapy_sessions_bookings
        AFTER INSERT OR UPDATE OF starts_at, ends_at, status, counselor_id, co_therapist_id ON therapy_sessions
        FOR EACH ROW EXECUTE FUNCTION sync_session_staff_bookings()`);

    await queryRunner.query(`
      CREATE TABLE session_attendees (
        practice_id uuid NOT NULL,
        session_id uuid NOT NULL,
        client_id uuid NOT NULL,
        family_member_id uuid,
        CONSTRAINT fk_session_attendees_session FOREIGN KEY (practice_id, client_id, session_id)
          REFERENCES therapy_sessions (practice_id, client_id, id),
        CONSTRAINT fk_session_attendees_family_member FOREIGN KEY (practice_id, client_id, family_member_id)
          REFERENCES family_members (practice_id, client_id, id)
      )`);
    // One row per party: the client (family_member_id NULL) or one of that client's family members.
    await queryRunner.query(
      `CREATE UNIQUE INDEX uq_session_attendees_party ON session_attendees
         (practice_id, session_id, coalesce(family_member_id, '00000000-0000-0000-0000-000000000000'::uuid))`,
    );

    await queryRunner.query(`
      CREATE TABLE session_notes (
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        practice_id uuid NOT NULL,
        client_id uuid NOT NULL,
        session_id uuid NOT NULL,
        author_id uuid NOT NULL,
        format text NOT NULL,
        content jsonb NOT NULL DEFAULT '{}'::jsonb,
        goals_addressed uuid[] NOT NULL DEFAULT '{}',
        interventions text[] NOT NULL DEFAULT '{}',
        risk_level text,
        risk_plan text,
        status text NOT NULL DEFAULT 'draft',
        signed_by uuid,
        signed_at timestamptz,
        content_hash text,
        cosigned_by uuid,
        cosigned_at timestamptz,
        return_comment text,
        version integer NOT NULL DEFAULT 1,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT pk_session_notes PRIMARY KEY (id),
        CONSTRAINT uq_session_notes_session UNIQUE (practice_id, session_id),
        CONSTRAINT uq_session_notes_practice_id UNIQUE (practice_id, id),
        CONSTRAINT fk_session_notes_session FOREIGN KEY (practice_id, client_id, session_id)
          REFERENCES therapy_sessions (practice_id, client_id, id),
        CONSTRAINT fk_session_notes_author FOREIGN KEY (practice_id, author_id) REFERENCES staff (practice_id, id),
        CONSTRAINT ck_session_notes_format CHECK (format IN ('soap', 'dap', 'birp', 'free')),
        CONSTRAINT ck_session_notes_status CHECK (status IN ('draft', 'awaiting_cosign', 'returned', 'signed')),
        CONSTRAINT ck_session_notes_risk CHECK (risk_level IS NULL OR risk_level IN ('none', 'low', 'moderate', 'high')),
        CONSTRAINT ck_session_notes_signature
          CHECK (status IN ('draft', 'returned') OR (signed_by IS NOT NULL AND signed_at IS NOT NULL AND content_hash IS NOT NULL))
      )`);
    await queryRunner.query(
      `CREATE INDEX ix_session_notes_practice_author_status ON session_notes (practice_id, author_id, status)`,
    );
    await queryRunner.query(
      `CREATE INDEX ix_session_notes_practice_client ON session_notes (practice_id, client_id)`,
    );
    // A signed note is locked: nothing about it may change. A note awaiting co-signature keeps its
    // content; only the co-signature (or a return to its author) may be recorded. Notes are never deleted.
    await queryRunner.query(`
      CREATE FUNCTION session_notes_guard() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'DELETE' THEN
          RAISE EXCEPTION 'session notes are never deleted' USING ERRCODE = 'insufficient_privilege';
        END IF;
        IF OLD.status = 'signed' THEN
          RAISE EXCEPTION 'a signed note is locked; add an addendum instead' USING ERRCODE = 'insufficient_privilege';
        END IF;
        IF OLD.status = 'awaiting_cosign' AND (
             NEW.content IS DISTINCT FROM OLD.content OR NEW.format IS DISTINCT FROM OLD.format
          OR NEW.goals_addressed IS DISTINCT FROM OLD.goals_addressed
          OR NEW.interventions IS DISTINCT FROM OLD.interventions
          OR NEW.risk_level IS DISTINCT FROM OLD.risk_level OR NEW.risk_plan IS DISTINCT FROM OLD.risk_plan
          OR NEW.content_hash IS DISTINCT FROM OLD.content_hash OR NEW.signed_by IS DISTINCT FROM OLD.signed_by
          OR NEW.signed_at IS DISTINCT FROM OLD.signed_at OR NEW.author_id IS DISTINCT FROM OLD.author_id
          OR NEW.session_id IS DISTINCT FROM OLD.session_id) THEN
          RAISE EXCEPTION 'a note awaiting co-signature cannot be edited' USING ERRCODE = 'insufficient_privilege';
        END IF;
        RETURN NEW;
      END $$`);
    await queryRunner.query(`
      CREATE TRIGGER tg_session_notes_guard BEFORE UPDATE OR DELETE ON session_notes
        FOR EACH ROW EXECUTE FUNCTION session_notes_guard()`);

    await queryRunner.query(`
      CREATE TABLE note_addenda (
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        practice_id uuid NOT NULL,
        note_id uuid NOT NULL,
        author_id uuid NOT NULL,
        text text NOT NULL,
        signed_at timestamptz NOT NULL DEFAULT now(),
        content_hash text NOT NULL,
        CONSTRAINT pk_note_addenda PRIMARY KEY (id),
        CONSTRAINT fk_note_addenda_note FOREIGN KEY (practice_id, note_id) REFERENCES session_notes (practice_id, id),
        CONSTRAINT fk_note_addenda_author FOREIGN KEY (practice_id, author_id) REFERENCES staff (practice_id, id),
        CONSTRAINT ck_note_addenda_text CHECK (length(btrim(text)) > 0)
      )`);
    await queryRunner.query(
      `CREATE INDEX ix_note_addenda_practice_note ON note_addenda (practice_id, note_id, signed_at)`,
    );
    await queryRunner.query(`
      CREATE TRIGGER tg_note_addenda_append_only BEFORE UPDATE OR DELETE ON note_addenda
        FOR EACH ROW EXECUTE FUNCTION audit_refuse_change()`);

    // Process notes: the author's alone (not the supervisor's, not an admin's), never exported.
    await queryRunner.query(`
      CREATE TABLE psychotherapy_notes (
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        practice_id uuid NOT NULL,
        client_id uuid NOT NULL,
        session_id uuid,
        author_id uuid NOT NULL,
        text text NOT NULL,
        version integer NOT NULL DEFAULT 1,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT pk_psychotherapy_notes PRIMARY KEY (id),
        CONSTRAINT fk_psychotherapy_notes_client FOREIGN KEY (practice_id, client_id) REFERENCES clients (practice_id, id),
        CONSTRAINT fk_psychotherapy_notes_session FOREIGN KEY (practice_id, client_id, session_id)
          REFERENCES therapy_sessions (practice_id, client_id, id),
        CONSTRAINT fk_psychotherapy_notes_author FOREIGN KEY (practice_id, author_id) REFERENCES staff (practice_id, id)
      )`);
    await queryRunner.query(
      `CREATE INDEX ix_psychotherapy_notes_practice_author_client ON psychotherapy_notes (practice_id, author_id, client_id, created_at)`,
    );

    await queryRunner.query(`
      CREATE TABLE calendar_feeds (
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        practice_id uuid NOT NULL,
        staff_id uuid NOT NULL,
        label text,
        token_hash bytea NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        revoked_at timestamptz,
        last_fetched_at timestamptz,
        CONSTRAINT pk_calendar_feeds PRIMARY KEY (id),
        CONSTRAINT uq_calendar_feeds_token UNIQUE (token_hash),
        CONSTRAINT fk_calendar_feeds_staff FOREIGN KEY (practice_id, staff_id) REFERENCES staff (practice_id, id)
      )`);
    await queryRunner.query(
      `CREATE INDEX ix_calendar_feeds_practice_staff ON calendar_feeds (practice_id, staff_id)`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE calendar_feeds`);
    await queryRunner.query(`DROP TABLE psychotherapy_notes`);
    await queryRunner.query(`DROP TABLE note_addenda`);
    await queryRunner.query(`DROP TABLE session_notes`);
    await queryRunner.query(`DROP FUNCTION session_notes_guard()`);
    await queryRunner.query(`DROP TABLE session_attendees`);
    await queryRunner.query(`DROP TABLE session_staff_bookings`);
    await queryRunner.query(`DROP TABLE therapy_sessions`);
    await queryRunner.query(`DROP FUNCTION sync_session_staff_bookings()`);
    await queryRunner.query(`DROP EXTENSION IF EXISTS btree_gist`);
  }
}
