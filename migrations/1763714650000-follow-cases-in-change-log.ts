import type { MigrationInterface, QueryRunner } from 'typeorm';

const CLIENT_TYPES = `'client', 'family_member', 'therapy_session', 'session_note'`;

/**
 * Cases in the change feed. A case belongs to no one client (a family's case holds several), so a
 * change-log entry now names either the client it belongs to or the case it is, never both:
 * `client_id` becomes nullable, `case_id` joins with its composite foreign key, and a check ties
 * the `case` resource type to `case_id` alone.
 *
 * The cases trigger logs every insert and update (opening, edits, status changes, entered in
 * error). A change of a case's members is a change of the case: the case_members triggers are per
 * statement, so opening a client's case with their whole family (one statement) logs the case once
 * per statement, not once per member.
 */
export class FollowCasesInChangeLog1763714650000 implements MigrationInterface {
  name = 'FollowCasesInChangeLog1763714650000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE change_log ALTER COLUMN client_id DROP NOT NULL`);
    await queryRunner.query(`ALTER TABLE change_log ADD COLUMN case_id uuid`);
    await queryRunner.query(
      `ALTER TABLE change_log ADD CONSTRAINT fk_change_log_case
         FOREIGN KEY (practice_id, case_id) REFERENCES cases (practice_id, id)`,
    );
    await queryRunner.query(`ALTER TABLE change_log DROP CONSTRAINT ck_change_log_resource_type`);
    await queryRunner.query(
      `ALTER TABLE change_log ADD CONSTRAINT ck_change_log_resource_type
         CHECK (resource_type IN (${CLIENT_TYPES}, 'case'))`,
    );
    await queryRunner.query(
      `ALTER TABLE change_log ADD CONSTRAINT ck_change_log_subject CHECK (
         CASE WHEN resource_type = 'case' THEN case_id IS NOT NULL AND client_id IS NULL
              ELSE client_id IS NOT NULL AND case_id IS NULL END)`,
    );
    await queryRunner.query(
      `CREATE INDEX ix_change_log_case ON change_log (practice_id, case_id) WHERE case_id IS NOT NULL`,
    );
    // Not SECURITY DEFINER, like the other change-log triggers: INSERT on change_log is granted.
    await queryRunner.query(`
      CREATE FUNCTION log_cases_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        INSERT INTO change_log (practice_id, resource_type, resource_id, case_id)
        VALUES (NEW.practice_id, 'case', NEW.id, NEW.id);
        RETURN NULL;
      END $$`);
    await queryRunner.query(
      `CREATE TRIGGER trg_cases_change_log AFTER INSERT OR UPDATE ON cases
         FOR EACH ROW EXECUTE FUNCTION log_cases_change()`,
    );
    await queryRunner.query(`
      CREATE FUNCTION log_case_members_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        INSERT INTO change_log (practice_id, resource_type, resource_id, case_id)
        SELECT DISTINCT m.practice_id, 'case', m.case_id, m.case_id FROM changed_members m;
        RETURN NULL;
      END $$`);
    // A trigger with a transition table answers one event only, hence two.
    for (const event of ['INSERT', 'UPDATE']) {
      await queryRunner.query(
        `CREATE TRIGGER trg_case_members_${event.toLowerCase()}_change_log AFTER ${event} ON case_members
           REFERENCING NEW TABLE AS changed_members
           FOR EACH STATEMENT EXECUTE FUNCTION log_case_members_change()`,
      );
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const event of ['insert', 'update']) {
      await queryRunner.query(`DROP TRIGGER trg_case_members_${event}_change_log ON case_members`);
    }
    await queryRunner.query(`DROP FUNCTION log_case_members_change()`);
    await queryRunner.query(`DROP TRIGGER trg_cases_change_log ON cases`);
    await queryRunner.query(`DROP FUNCTION log_cases_change()`);
    await queryRunner.query(`DELETE FROM change_log WHERE case_id IS NOT NULL`);
    await queryRunner.query(`DROP INDEX ix_change_log_case`);
    await queryRunner.query(`ALTER TABLE change_log DROP CONSTRAINT ck_change_log_subject`);
    await queryRunner.query(`ALTER TABLE change_log DROP CONSTRAINT ck_change_log_resource_type`);
    await queryRunner.query(
      `ALTER TABLE change_log ADD CONSTRAINT ck_change_log_resource_type
         CHECK (resource_type IN (${CLIENT_TYPES}))`,
    );
    await queryRunner.query(`ALTER TABLE change_log DROP CONSTRAINT fk_change_log_case`);
    await queryRunner.query(`ALTER TABLE change_log DROP COLUMN case_id`);
    await queryRunner.query(`ALTER TABLE change_log ALTER COLUMN client_id SET NOT NULL`);
  }
}
