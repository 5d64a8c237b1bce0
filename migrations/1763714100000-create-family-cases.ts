import type { MigrationInterface, QueryRunner } from 'typeorm';
import { grantToApplication, type TablePrivilege } from '../src/database/application-grants';

const WRITE: TablePrivilege[] = ['SELECT', 'INSERT', 'UPDATE'];
const MEMBERS: TablePrivilege[] = ['SELECT', 'INSERT', 'UPDATE', 'DELETE'];

/** What this migration grants the application role, for the grants test. */
export const CASE_GRANTS: Record<string, TablePrivilege[]> = {
  persons: ['SELECT', 'INSERT'],
  cases: WRITE,
  case_members: WRITE,
  case_care_team_members: WRITE,
  session_other_attendees: MEMBERS,
  session_case_attendees: MEMBERS,
};

/** A family member's relationship to "their" client, as a role in that client's case. */
const ROLE_OF_RELATIONSHIP = `CASE f.relationship
  WHEN 'mother' THEN 'parent' WHEN 'father' THEN 'parent' WHEN 'guardian' THEN 'parent'
  WHEN 'daughter' THEN 'child' WHEN 'son' THEN 'child'
  WHEN 'partner' THEN 'partner' WHEN 'spouse' THEN 'partner' WHEN 'former_partner' THEN 'partner'
  WHEN 'sibling' THEN 'sibling' WHEN 'grandparent' THEN 'grandparent'
  WHEN 'other_family' THEN 'other_relative' ELSE 'support_person' END`;

/**
 * The family as the unit of care (issue 15). A **person** is one human, once: a client chart and a
 * family-member row each name theirs (`person_id`), so a family member made a client keeps the
 * same person in every case, goal, agreement and session. Names stay on the chart and family-member
 * rows where every feature reads them today; `persons` is the identity those rows share (the least
 * disruptive shape: no column moves, no reader changes). A row inserted without a person gets a new
 * one, of the row's own id, from a trigger, so every existing insert keeps working.
 *
 * A **case** groups the persons treated together, with its own care team; sessions, agreements and
 * goals may belong to one. Every existing client gets an individual case holding them and their
 * family members, their care team, and their sessions, agreements and goals.
 */
export class CreateFamilyCases1763714100000 implements MigrationInterface {
  name = 'CreateFamilyCases1763714100000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE persons (
        practice_id uuid NOT NULL,
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        -- Only for a person known to a case alone (no chart, no family-member row) :
        first_name text,
        last_name text,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT pk_persons PRIMARY KEY (practice_id, id),
        CONSTRAINT fk_persons_practice FOREIGN KEY (practice_id) REFERENCES practices (id)
      )`);
    // Existing rows keep their ids as person ids: nothing is re-assigned, and the mapping is plain.
    await queryRunner.query(
      `INSERT INTO persons (practice_id, id, created_at) SELECT practice_id, id, created_at FROM clients`,
    );
    await queryRunner.query(
      `INSERT INTO persons (practice_id, id, created_at) SELECT practice_id, id, created_at FROM family_members`,
    );
    for (const table of ['clients', 'family_members']) {
      await queryRunner.query(`ALTER TABLE ${table} ADD COLUMN person_id uuid`);
      await queryRunner.query(`UPDATE ${table} SET person_id = id`);
      await queryRunner.query(`ALTER TABLE ${table} ALTER COLUMN person_id SET NOT NULL`);
      await queryRunner.query(
        `ALTER TABLE ${table} ADD CONSTRAINT fk_${table}_person
           FOREIGN KEY (practice_id, person_id) REFERENCES persons (practice_id, id)`,
      );
    }
    // One chart per person; a person may be a family member of several clients.
    await queryRunner.query(
      `CREATE UNIQUE INDEX uq_clients_practice_person ON clients (practice_id, person_id)`,
    );
    await queryRunner.query(
      `CREATE INDEX ix_family_members_practice_person ON family_members (practice_id, person_id)`,
    );
    await queryRunner.query(`
      CREATE FUNCTION assign_person() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.person_id IS NULL THEN
          INSERT INTO persons (practice_id, id) VALUES (NEW.practice_id, NEW.id);
          NEW.person_id := NEW.id;
        END IF;
        RETURN NEW;
      END $$`);
    for (const table of ['clients', 'family_members']) {
      await queryRunner.query(
        `CREATE TRIGGER tr_${table}_person BEFORE INSERT ON ${table}
           FOR EACH ROW EXECUTE FUNCTION assign_person()`,
      );
    }

    await queryRunner.query(`
      CREATE TABLE cases (
        practice_id uuid NOT NULL,
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        case_type text NOT NULL,
        label text NOT NULL,
        presenting_reason text,
        opened_on date NOT NULL DEFAULT current_date,
        status text NOT NULL DEFAULT 'open',
        close_reason text,
        closed_on date,
        error_reason text,
        version integer NOT NULL DEFAULT 1,
        created_by uuid,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT pk_cases PRIMARY KEY (practice_id, id),
        CONSTRAINT fk_cases_practice FOREIGN KEY (practice_id) REFERENCES practices (id),
        CONSTRAINT ck_cases_type
          CHECK (case_type IN ('family', 'couple', 'parent_child', 'individual', 'group')),
        CONSTRAINT ck_cases_status CHECK (status IN ('open', 'on_hold', 'closed', 'entered_in_error')),
        CONSTRAINT ck_cases_close
          CHECK (status <> 'closed' OR (close_reason IS NOT NULL AND closed_on IS NOT NULL)),
        CONSTRAINT ck_cases_error_reason CHECK (status <> 'entered_in_error' OR error_reason IS NOT NULL),
        CONSTRAINT ck_cases_label CHECK (length(btrim(label)) > 0)
      )`);
    await queryRunner.query(
      `CREATE INDEX ix_cases_practice_status ON cases (practice_id, status, opened_on DESC, id)`,
    );

    await queryRunner.query(`
      CREATE TABLE case_members (
        practice_id uuid NOT NULL,
        case_id uuid NOT NULL,
        person_id uuid NOT NULL,
        role text NOT NULL,
        participation text NOT NULL DEFAULT 'participating',
        added_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT pk_case_members PRIMARY KEY (practice_id, case_id, person_id),
        CONSTRAINT fk_case_members_case FOREIGN KEY (practice_id, case_id) REFERENCES cases (practice_id, id),
        CONSTRAINT fk_case_members_person FOREIGN KEY (practice_id, person_id) REFERENCES persons (practice_id, id),
        CONSTRAINT ck_case_members_role CHECK (role IN ('identified_client', 'partner', 'parent', 'child',
          'sibling', 'grandparent', 'other_relative', 'support_person')),
        CONSTRAINT ck_case_members_participation
          CHECK (participation IN ('participating', 'invited', 'declined', 'no_contact'))
      )`);
    // "Which cases is this person in" (a mother in her daughter's case and in her own).
    await queryRunner.query(
      `CREATE INDEX ix_case_members_practice_person ON case_members (practice_id, person_id, case_id)`,
    );

    await queryRunner.query(`
      CREATE TABLE case_care_team_members (
        practice_id uuid NOT NULL,
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        case_id uuid NOT NULL,
        staff_id uuid NOT NULL,
        role text NOT NULL,
        added_by uuid,
        added_at timestamptz NOT NULL DEFAULT now(),
        removed_by uuid,
        removed_at timestamptz,
        CONSTRAINT pk_case_care_team_members PRIMARY KEY (practice_id, id),
        CONSTRAINT fk_case_care_team_members_case FOREIGN KEY (practice_id, case_id) REFERENCES cases (practice_id, id),
        CONSTRAINT fk_case_care_team_members_staff FOREIGN KEY (practice_id, staff_id) REFERENCES staff (practice_id, id),
        CONSTRAINT ck_case_care_team_members_role CHECK (role IN ('primary_counselor', 'co_therapist', 'supervisor'))
      )`);
    await queryRunner.query(
      `CREATE UNIQUE INDEX uq_case_care_team_members_active ON case_care_team_members (practice_id, case_id, staff_id)
         WHERE removed_at IS NULL`,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX uq_case_care_team_members_primary ON case_care_team_members (practice_id, case_id)
         WHERE role = 'primary_counselor' AND removed_at IS NULL`,
    );
    await queryRunner.query(
      `CREATE INDEX ix_case_care_team_members_practice_staff ON case_care_team_members (practice_id, staff_id, case_id)
         WHERE removed_at IS NULL`,
    );

    // An emergency grant names a client or a case.
    await queryRunner.query(`ALTER TABLE emergency_access_grants
      ADD COLUMN case_id uuid,
      ALTER COLUMN client_id DROP NOT NULL,
      ADD CONSTRAINT fk_emergency_access_grants_case FOREIGN KEY (practice_id, case_id) REFERENCES cases (practice_id, id),
      ADD CONSTRAINT ck_emergency_access_grants_subject CHECK ((client_id IS NULL) <> (case_id IS NULL))`);
    await queryRunner.query(
      `CREATE INDEX ix_emergency_access_grants_case ON emergency_access_grants (practice_id, case_id, staff_id, expires_at DESC)
         WHERE case_id IS NOT NULL`,
    );

    for (const table of ['therapy_sessions', 'boundary_agreements', 'trust_goals']) {
      await queryRunner.query(`ALTER TABLE ${table} ADD COLUMN case_id uuid,
        ADD CONSTRAINT fk_${table}_case FOREIGN KEY (practice_id, case_id) REFERENCES cases (practice_id, id)`);
      await queryRunner.query(
        `CREATE INDEX ix_${table}_practice_case ON ${table} (practice_id, case_id) WHERE case_id IS NOT NULL`,
      );
    }

    // People at a session who are not persons of the case: an interpreter, a school counselor.
    await queryRunner.query(`
      CREATE TABLE session_other_attendees (
        practice_id uuid NOT NULL,
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        session_id uuid NOT NULL,
        name text NOT NULL,
        role text NOT NULL,
        attendance text NOT NULL DEFAULT 'invited',
        CONSTRAINT pk_session_other_attendees PRIMARY KEY (practice_id, id),
        CONSTRAINT fk_session_other_attendees_session FOREIGN KEY (practice_id, session_id)
          REFERENCES therapy_sessions (practice_id, id) ON DELETE CASCADE,
        CONSTRAINT ck_session_other_attendees_role
          CHECK (role IN ('interpreter', 'other_professional', 'school_counselor', 'other')),
        CONSTRAINT ck_session_other_attendees_attendance
          CHECK (attendance IN ('invited', 'attended', 'absent', 'late')),
        CONSTRAINT ck_session_other_attendees_name CHECK (length(btrim(name)) > 0)
      )`);
    await queryRunner.query(
      `CREATE INDEX ix_session_other_attendees_session ON session_other_attendees (practice_id, session_id)`,
    );

    // Which persons of the case came to one of its sessions.
    await queryRunner.query(`
      CREATE TABLE session_case_attendees (
        practice_id uuid NOT NULL,
        session_id uuid NOT NULL,
        person_id uuid NOT NULL,
        attendance text NOT NULL,
        CONSTRAINT pk_session_case_attendees PRIMARY KEY (practice_id, session_id, person_id),
        CONSTRAINT fk_session_case_attendees_session FOREIGN KEY (practice_id, session_id)
          REFERENCES therapy_sessions (practice_id, id) ON DELETE CASCADE,
        CONSTRAINT fk_session_case_attendees_person FOREIGN KEY (practice_id, person_id)
          REFERENCES persons (practice_id, id),
        CONSTRAINT ck_session_case_attendees_attendance
          CHECK (attendance IN ('invited', 'attended', 'absent', 'late'))
      )`);
    // A client's chart lists the joint sessions they came to.
    await queryRunner.query(
      `CREATE INDEX ix_session_case_attendees_person ON session_case_attendees (practice_id, person_id, session_id)`,
    );

    await this.giveEveryClientACase(queryRunner);

    for (const [table, privileges] of Object.entries(CASE_GRANTS)) {
      await grantToApplication(queryRunner, table, privileges);
    }
  }

  /** Each client: an individual case with them, their family members, care team and records. */
  private async giveEveryClientACase(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TEMPORARY TABLE client_cases ON COMMIT DROP AS
      SELECT practice_id, id AS client_id, gen_random_uuid() AS case_id FROM clients`);
    await queryRunner.query(`
      INSERT INTO cases (practice_id, id, case_type, label, opened_on, status, close_reason, closed_on,
                         error_reason, created_by, created_at, updated_at)
      SELECT c.practice_id, m.case_id, 'individual', c.last_name, c.created_at::date,
             CASE c.status WHEN 'discharged' THEN 'closed' WHEN 'on_hold' THEN 'on_hold'
                           WHEN 'entered_in_error' THEN 'entered_in_error' ELSE 'open' END,
             CASE WHEN c.status = 'discharged' THEN c.discharge_reason END,
             CASE WHEN c.status = 'discharged' THEN c.discharged_on END,
             c.error_reason, c.created_by, c.created_at, c.updated_at
        FROM clients c JOIN client_cases m ON m.practice_id = c.practice_id AND m.client_id = c.id`);
    await queryRunner.query(`
      INSERT INTO case_members (practice_id, case_id, person_id, role, participation, added_at)
      SELECT c.practice_id, m.case_id, c.person_id, 'identified_client', 'participating', c.created_at
        FROM clients c JOIN client_cases m ON m.practice_id = c.practice_id AND m.client_id = c.id`);
    await queryRunner.query(`
      INSERT INTO case_members (practice_id, case_id, person_id, role, participation, added_at)
      SELECT f.practice_id, m.case_id, f.person_id, ${ROLE_OF_RELATIONSHIP}, f.participation, f.created_at
        FROM family_members f JOIN client_cases m ON m.practice_id = f.practice_id AND m.client_id = f.client_id`);
    await queryRunner.query(`
      INSERT INTO case_care_team_members (practice_id, case_id, staff_id, role, added_by, added_at, removed_by, removed_at)
      SELECT t.practice_id, m.case_id, t.staff_id, t.role, t.added_by, t.added_at, t.removed_by, t.removed_at
        FROM care_team_members t JOIN client_cases m ON m.practice_id = t.practice_id AND m.client_id = t.client_id`);
    for (const table of ['therapy_sessions', 'boundary_agreements', 'trust_goals']) {
      await queryRunner.query(`UPDATE ${table} t SET case_id = m.case_id FROM client_cases m
        WHERE m.practice_id = t.practice_id AND m.client_id = t.client_id`);
    }
    await queryRunner.query(`DROP TABLE client_cases`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE session_case_attendees`);
    await queryRunner.query(`DROP TABLE session_other_attendees`);
    for (const table of ['therapy_sessions', 'boundary_agreements', 'trust_goals']) {
      await queryRunner.query(`ALTER TABLE ${table} DROP COLUMN case_id`);
    }
    // Grants naming a case have no place in the previous schema.
    await queryRunner.query(`DELETE FROM emergency_access_grants WHERE case_id IS NOT NULL`);
    await queryRunner.query(`ALTER TABLE emergency_access_grants
      DROP COLUMN case_id, ALTER COLUMN client_id SET NOT NULL`);
    await queryRunner.query(`DROP TABLE case_care_team_members`);
    await queryRunner.query(`DROP TABLE case_members`);
    await queryRunner.query(`DROP TABLE cases`);
    for (const table of ['clients', 'family_members']) {
      await queryRunner.query(`DROP TRIGGER tr_${table}_person ON ${table}`);
      await queryRunner.query(`ALTER TABLE ${table} DROP COLUMN person_id`);
    }
    await queryRunner.query(`DROP FUNCTION assign_person()`);
    await queryRunner.query(`DROP TABLE persons`);
  }
}
