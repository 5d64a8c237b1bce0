import type { MigrationInterface, QueryRunner } from 'typeorm';

const CATEGORIES = `'physical', 'emotional', 'time', 'communication', 'financial', 'substance_use', 'digital_privacy',
  'living_arrangements', 'other'`;
const NIL = `'00000000-0000-0000-0000-000000000000'::uuid`;

/**
 * Boundary agreements between parties of a client. Items belong to a version: changing the terms
 * makes a new version (its own item rows) and the old one stays as it was. Acknowledgments are
 * per version and party. Violations point at the item (of the version in force) that was crossed.
 */
export class CreateBoundaryAgreements1763712500000 implements MigrationInterface {
  name = 'CreateBoundaryAgreements1763712500000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE boundary_agreements (
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        practice_id uuid NOT NULL,
        client_id uuid NOT NULL,
        title text NOT NULL,
        facilitator_id uuid NOT NULL,
        status text NOT NULL DEFAULT 'draft',
        current_version integer NOT NULL DEFAULT 1,
        review_date date,
        version integer NOT NULL DEFAULT 1,
        created_by uuid,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT pk_boundary_agreements PRIMARY KEY (id),
        CONSTRAINT uq_boundary_agreements_practice_id UNIQUE (practice_id, id),
        CONSTRAINT uq_boundary_agreements_practice_client_id UNIQUE (practice_id, client_id, id),
        CONSTRAINT fk_boundary_agreements_client FOREIGN KEY (practice_id, client_id) REFERENCES clients (practice_id, id),
        CONSTRAINT fk_boundary_agreements_facilitator FOREIGN KEY (practice_id, facilitator_id) REFERENCES staff (practice_id, id),
        CONSTRAINT ck_boundary_agreements_status CHECK (status IN ('draft', 'proposed', 'active', 'under_review', 'retired')),
        CONSTRAINT ck_boundary_agreements_title CHECK (length(btrim(title)) > 0)
      )`);
    await queryRunner.query(
      `CREATE INDEX ix_boundary_agreements_practice_client ON boundary_agreements (practice_id, client_id, created_at)`,
    );
    await queryRunner.query(
      `CREATE INDEX ix_boundary_agreements_practice_review ON boundary_agreements (practice_id, review_date)
         WHERE status IN ('active', 'under_review')`,
    );

    await queryRunner.query(`
      CREATE TABLE boundary_agreement_parties (
        practice_id uuid NOT NULL,
        client_id uuid NOT NULL,
        agreement_id uuid NOT NULL,
        family_member_id uuid,
        CONSTRAINT fk_boundary_agreement_parties_agreement FOREIGN KEY (practice_id, client_id, agreement_id)
          REFERENCES boundary_agreements (practice_id, client_id, id),
        CONSTRAINT fk_boundary_agreement_parties_family_member FOREIGN KEY (practice_id, client_id, family_member_id)
          REFERENCES family_members (practice_id, client_id, id)
      )`);
    await queryRunner.query(
      `CREATE UNIQUE INDEX uq_boundary_agreement_parties ON boundary_agreement_parties
         (practice_id, agreement_id, coalesce(family_member_id, ${NIL}))`,
    );

    await queryRunner.query(`
      CREATE TABLE boundary_agreement_versions (
        practice_id uuid NOT NULL,
        agreement_id uuid NOT NULL,
        number integer NOT NULL,
        created_by uuid,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT pk_boundary_agreement_versions PRIMARY KEY (practice_id, agreement_id, number),
        CONSTRAINT fk_boundary_agreement_versions_agreement FOREIGN KEY (practice_id, agreement_id)
          REFERENCES boundary_agreements (practice_id, id),
        CONSTRAINT ck_boundary_agreement_versions_number CHECK (number >= 1)
      )`);

    await queryRunner.query(`
      CREATE TABLE boundary_items (
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        practice_id uuid NOT NULL,
        agreement_id uuid NOT NULL,
        version_number integer NOT NULL,
        position integer NOT NULL,
        category text NOT NULL,
        set_by_family_member_id uuid,
        boundary text NOT NULL,
        expectation text NOT NULL,
        response_if_crossed text NOT NULL,
        CONSTRAINT pk_boundary_items PRIMARY KEY (id),
        CONSTRAINT uq_boundary_items_practice_agreement_id UNIQUE (practice_id, agreement_id, id),
        CONSTRAINT uq_boundary_items_position UNIQUE (practice_id, agreement_id, version_number, position),
        CONSTRAINT fk_boundary_items_version FOREIGN KEY (practice_id, agreement_id, version_number)
          REFERENCES boundary_agreement_versions (practice_id, agreement_id, number),
        CONSTRAINT ck_boundary_items_category CHECK (category IN (${CATEGORIES}))
      )`);
    // The terms of a version never change: a change is a new version.
    await queryRunner.query(`
      CREATE TRIGGER tg_boundary_items_immutable BEFORE UPDATE OR DELETE ON boundary_items
        FOR EACH ROW EXECUTE FUNCTION audit_refuse_change()`);

    await queryRunner.query(`
      CREATE TABLE boundary_acknowledgments (
        practice_id uuid NOT NULL,
        agreement_id uuid NOT NULL,
        version_number integer NOT NULL,
        family_member_id uuid,
        method text NOT NULL,
        acknowledged_at timestamptz NOT NULL DEFAULT now(),
        recorded_by uuid NOT NULL,
        CONSTRAINT fk_boundary_acknowledgments_version FOREIGN KEY (practice_id, agreement_id, version_number)
          REFERENCES boundary_agreement_versions (practice_id, agreement_id, number),
        CONSTRAINT ck_boundary_acknowledgments_method CHECK (method IN ('in_session', 'written', 'verbal', 'electronic'))
      )`);
    await queryRunner.query(
      `CREATE UNIQUE INDEX uq_boundary_acknowledgments_party ON boundary_acknowledgments
         (practice_id, agreement_id, version_number, coalesce(family_member_id, ${NIL}))`,
    );

    await queryRunner.query(`
      CREATE TABLE boundary_violations (
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        practice_id uuid NOT NULL,
        client_id uuid NOT NULL,
        agreement_id uuid NOT NULL,
        item_id uuid NOT NULL,
        reported_by_family_member_id uuid,
        occurred_at timestamptz NOT NULL,
        severity text NOT NULL,
        description text NOT NULL,
        response_taken text,
        session_id uuid,
        resolved_at timestamptz,
        resolved_by uuid,
        version integer NOT NULL DEFAULT 1,
        created_by uuid,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT pk_boundary_violations PRIMARY KEY (id),
        CONSTRAINT uq_boundary_violations_practice_client_id UNIQUE (practice_id, client_id, id),
        CONSTRAINT fk_boundary_violations_agreement FOREIGN KEY (practice_id, client_id, agreement_id)
          REFERENCES boundary_agreements (practice_id, client_id, id),
        CONSTRAINT fk_boundary_violations_item FOREIGN KEY (practice_id, agreement_id, item_id)
          REFERENCES boundary_items (practice_id, agreement_id, id),
        CONSTRAINT fk_boundary_violations_session FOREIGN KEY (practice_id, client_id, session_id)
          REFERENCES therapy_sessions (practice_id, client_id, id),
        CONSTRAINT ck_boundary_violations_severity CHECK (severity IN ('minor', 'moderate', 'major'))
      )`);
    await queryRunner.query(
      `CREATE INDEX ix_boundary_violations_practice_agreement ON boundary_violations (practice_id, agreement_id, occurred_at DESC)`,
    );
    await queryRunner.query(
      `CREATE INDEX ix_boundary_violations_practice_client_occurred ON boundary_violations (practice_id, client_id, occurred_at DESC)`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE boundary_violations`);
    await queryRunner.query(`DROP TABLE boundary_acknowledgments`);
    await queryRunner.query(`DROP TABLE boundary_items`);
    await queryRunner.query(`DROP TABLE boundary_agreement_versions`);
    await queryRunner.query(`DROP TABLE boundary_agreement_parties`);
    await queryRunner.query(`DROP TABLE boundary_agreements`);
  }
}
