import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Intake: one-time links a prospective client fills the intake form through, and the submissions
 * (from a link, or entered by staff) waiting for review. A link is stored as the SHA-256 of its
 * random token only, and serves one submission: the unique index on `invitation_id` is the last
 * word if two submits of one link ever raced past the row lock. What was sent is kept as sent:
 * the payload and the consent versions acknowledged never change once stored.
 */
export class CreateIntake1763712700000 implements MigrationInterface {
  name = 'CreateIntake1763712700000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE intake_invitations (
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        practice_id uuid NOT NULL,
        token_hash bytea NOT NULL,
        email text,
        created_by uuid NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL,
        used_at timestamptz,
        revoked_at timestamptz,
        submission_id uuid,
        CONSTRAINT pk_intake_invitations PRIMARY KEY (id),
        CONSTRAINT uq_intake_invitations_practice_id UNIQUE (practice_id, id),
        CONSTRAINT uq_intake_invitations_token_hash UNIQUE (token_hash),
        CONSTRAINT fk_intake_invitations_practice FOREIGN KEY (practice_id) REFERENCES practices (id),
        CONSTRAINT fk_intake_invitations_creator FOREIGN KEY (practice_id, created_by) REFERENCES staff (practice_id, id),
        CONSTRAINT ck_intake_invitations_token_hash CHECK (octet_length(token_hash) = 32),
        CONSTRAINT ck_intake_invitations_email
          CHECK (email IS NULL OR (email = lower(btrim(email)) AND email LIKE '%_@_%')),
        CONSTRAINT ck_intake_invitations_window CHECK (expires_at > created_at),
        CONSTRAINT ck_intake_invitations_used CHECK ((used_at IS NULL) = (submission_id IS NULL)),
        CONSTRAINT ck_intake_invitations_used_or_revoked CHECK (used_at IS NULL OR revoked_at IS NULL)
      )`);
    await queryRunner.query(
      `CREATE INDEX ix_intake_invitations_practice_created ON intake_invitations (practice_id, created_at DESC, id DESC)`,
    );
    await queryRunner.query(
      `CREATE INDEX ix_intake_invitations_practice_creator ON intake_invitations (practice_id, created_by, created_at DESC, id DESC)`,
    );

    await queryRunner.query(`
      CREATE TABLE intake_submissions (
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        practice_id uuid NOT NULL,
        invitation_id uuid,
        source text NOT NULL,
        submitted_by uuid,
        payload jsonb NOT NULL,
        consents jsonb NOT NULL,
        first_name text NOT NULL,
        last_name text NOT NULL,
        date_of_birth date NOT NULL,
        email text,
        phone_digits text,
        status text NOT NULL DEFAULT 'pending',
        reject_reason text,
        client_id uuid,
        reviewed_by uuid,
        reviewed_at timestamptz,
        version integer NOT NULL DEFAULT 1,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT pk_intake_submissions PRIMARY KEY (id),
        CONSTRAINT uq_intake_submissions_practice_id UNIQUE (practice_id, id),
        CONSTRAINT fk_intake_submissions_practice FOREIGN KEY (practice_id) REFERENCES practices (id),
        CONSTRAINT fk_intake_submissions_invitation FOREIGN KEY (practice_id, invitation_id)
          REFERENCES intake_invitations (practice_id, id),
        CONSTRAINT fk_intake_submissions_submitted_by FOREIGN KEY (practice_id, submitted_by) REFERENCES staff (practice_id, id),
        CONSTRAINT fk_intake_submissions_client FOREIGN KEY (practice_id, client_id) REFERENCES clients (practice_id, id),
        CONSTRAINT fk_intake_submissions_reviewed_by FOREIGN KEY (practice_id, reviewed_by) REFERENCES staff (practice_id, id),
        CONSTRAINT ck_intake_submissions_source CHECK (
          (source = 'invitation' AND invitation_id IS NOT NULL AND submitted_by IS NULL)
          OR (source = 'staff' AND invitation_id IS NULL AND submitted_by IS NOT NULL)),
        CONSTRAINT ck_intake_submissions_status CHECK (status IN ('pending', 'accepted', 'rejected', 'duplicate')),
        CONSTRAINT ck_intake_submissions_review CHECK (CASE status
          WHEN 'pending' THEN reviewed_at IS NULL AND reviewed_by IS NULL AND client_id IS NULL AND reject_reason IS NULL
          WHEN 'rejected' THEN reviewed_at IS NOT NULL AND reviewed_by IS NOT NULL AND client_id IS NULL
                               AND length(btrim(coalesce(reject_reason, ''))) > 0
          ELSE reviewed_at IS NOT NULL AND reviewed_by IS NOT NULL AND client_id IS NOT NULL AND reject_reason IS NULL
        END),
        CONSTRAINT ck_intake_submissions_payload_object CHECK (jsonb_typeof(payload) = 'object'),
        CONSTRAINT ck_intake_submissions_consents_array CHECK (jsonb_typeof(consents) = 'array'),
        CONSTRAINT ck_intake_submissions_email CHECK (email IS NULL OR email = lower(btrim(email))),
        CONSTRAINT ck_intake_submissions_phone_digits CHECK (phone_digits IS NULL OR phone_digits ~ '^[0-9]+$')
      )`);
    // One submission per link, whatever happens to the row lock that normally decides it.
    await queryRunner.query(
      `CREATE UNIQUE INDEX uq_intake_submissions_invitation ON intake_submissions (practice_id, invitation_id)
         WHERE invitation_id IS NOT NULL`,
    );
    // The review queue: pending first, then newest.
    await queryRunner.query(
      `CREATE INDEX ix_intake_submissions_practice_queue ON intake_submissions
         (practice_id, (status <> 'pending'), created_at DESC, id DESC)`,
    );
    await queryRunner.query(
      `CREATE INDEX ix_intake_submissions_practice_status ON intake_submissions (practice_id, status, created_at DESC, id DESC)`,
    );
    await queryRunner.query(
      `CREATE INDEX ix_intake_submissions_practice_client ON intake_submissions (practice_id, client_id)
         WHERE client_id IS NOT NULL`,
    );
    await queryRunner.query(`
      ALTER TABLE intake_invitations ADD CONSTRAINT fk_intake_invitations_submission
        FOREIGN KEY (practice_id, submission_id) REFERENCES intake_submissions (practice_id, id)`);
    await queryRunner.query(
      `CREATE INDEX ix_intake_invitations_practice_submission ON intake_invitations (practice_id, submission_id)
         WHERE submission_id IS NOT NULL`,
    );

    // The submission is evidence of what the family sent and which consent texts they saw.
    await queryRunner.query(`
      CREATE FUNCTION intake_submission_keep_as_sent() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'DELETE' OR NEW.payload IS DISTINCT FROM OLD.payload OR NEW.consents IS DISTINCT FROM OLD.consents
           OR NEW.source IS DISTINCT FROM OLD.source OR NEW.invitation_id IS DISTINCT FROM OLD.invitation_id
           OR NEW.created_at IS DISTINCT FROM OLD.created_at THEN
          RAISE EXCEPTION 'an intake submission is kept as sent: % of what was sent is not allowed', TG_OP
            USING ERRCODE = 'insufficient_privilege';
        END IF;
        RETURN NEW;
      END $$`);
    await queryRunner.query(`
      CREATE TRIGGER tg_intake_submissions_keep_as_sent BEFORE UPDATE OR DELETE ON intake_submissions
        FOR EACH ROW EXECUTE FUNCTION intake_submission_keep_as_sent()`);

    // Duplicate detection compares every submission in the queue with the practice's clients by
    // date of birth (then names), by email and by phone digits.
    await queryRunner.query(
      `CREATE INDEX ix_clients_practice_date_of_birth ON clients (practice_id, date_of_birth)`,
    );
    await queryRunner.query(
      `CREATE INDEX ix_clients_practice_email ON clients (practice_id, lower(email)) WHERE email IS NOT NULL`,
    );
    await queryRunner.query(
      `CREATE INDEX ix_clients_practice_phone_digits ON clients (practice_id, regexp_replace(phone, '[^0-9]', '', 'g'))
         WHERE phone IS NOT NULL`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX ix_clients_practice_phone_digits`);
    await queryRunner.query(`DROP INDEX ix_clients_practice_email`);
    await queryRunner.query(`DROP INDEX ix_clients_practice_date_of_birth`);
    await queryRunner.query(
      `ALTER TABLE intake_invitations DROP CONSTRAINT fk_intake_invitations_submission`,
    );
    await queryRunner.query(`DROP TABLE intake_submissions`);
    await queryRunner.query(`DROP FUNCTION intake_submission_keep_as_sent()`);
    await queryRunner.query(`DROP TABLE intake_invitations`);
  }
}
