import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The records under a case's goal (commitments, milestones, setbacks) and under a case's agreement
 * (violations) (issue 15). Such a row has no chart: `client_id` is null and `case_id` names the
 * case, exactly one of the two. With `client_id` null the old `(practice_id, client_id, …)` keys are
 * not checked (MATCH SIMPLE), so each table gains a key through the case instead: the parent record
 * must be one the case holds. A person named on such a row (a commitment's owner, a violation's
 * reporter) is a person of the case, enforced by the key of `case_members`.
 */
export class LetCasesHoldGoalAndAgreementRecords1763714600000 implements MigrationInterface {
  name = 'LetCasesHoldGoalAndAgreementRecords1763714600000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const sql = (text: string) => queryRunner.query(text);
    // Targets of the keys through the case.
    await sql(
      `CREATE UNIQUE INDEX uq_trust_goals_practice_case_id ON trust_goals (practice_id, case_id, id)`,
    );
    await sql(
      `CREATE UNIQUE INDEX uq_boundary_agreements_practice_case_id ON boundary_agreements (practice_id, case_id, id)`,
    );

    for (const table of ['goal_commitments', 'goal_milestones', 'goal_setbacks']) {
      await sql(`ALTER TABLE ${table} ALTER COLUMN client_id DROP NOT NULL, ADD COLUMN case_id uuid,
        ADD CONSTRAINT fk_${table}_case_goal FOREIGN KEY (practice_id, case_id, goal_id)
          REFERENCES trust_goals (practice_id, case_id, id),
        ADD CONSTRAINT ck_${table}_holder CHECK ((client_id IS NULL) <> (case_id IS NULL))`);
      await sql(
        `CREATE INDEX ix_${table}_practice_case ON ${table} (practice_id, case_id) WHERE case_id IS NOT NULL`,
      );
    }
    // The party guard (trust_goal_party_guard) already reads `owner_person_id` when it exists.
    await sql(`ALTER TABLE goal_commitments ADD COLUMN owner_person_id uuid,
      ADD CONSTRAINT fk_goal_commitments_owner_person FOREIGN KEY (practice_id, case_id, owner_person_id)
        REFERENCES case_members (practice_id, case_id, person_id),
      ADD CONSTRAINT ck_goal_commitments_owner_kind CHECK (CASE WHEN client_id IS NULL
        THEN owner_person_id IS NOT NULL AND owner_family_member_id IS NULL ELSE owner_person_id IS NULL END)`);

    await sql(`ALTER TABLE boundary_violations ALTER COLUMN client_id DROP NOT NULL, ADD COLUMN case_id uuid,
      ADD COLUMN reported_by_person_id uuid,
      ADD CONSTRAINT fk_boundary_violations_case_agreement FOREIGN KEY (practice_id, case_id, agreement_id)
        REFERENCES boundary_agreements (practice_id, case_id, id),
      ADD CONSTRAINT fk_boundary_violations_reported_by_person FOREIGN KEY (practice_id, case_id, reported_by_person_id)
        REFERENCES case_members (practice_id, case_id, person_id),
      ADD CONSTRAINT fk_boundary_violations_session_of_practice FOREIGN KEY (practice_id, session_id)
        REFERENCES therapy_sessions (practice_id, id),
      ADD CONSTRAINT ck_boundary_violations_holder CHECK ((client_id IS NULL) <> (case_id IS NULL)),
      ADD CONSTRAINT ck_boundary_violations_reporter CHECK (
        CASE WHEN client_id IS NULL THEN reported_by_person_id IS NOT NULL AND reported_by_family_member_id IS NULL
             ELSE reported_by_person_id IS NULL END)`);
    await sql(
      `CREATE UNIQUE INDEX uq_boundary_violations_practice_case_id ON boundary_violations (practice_id, case_id, id)`,
    );
    await sql(`CREATE INDEX ix_boundary_violations_practice_case_occurred ON boundary_violations (practice_id, case_id, occurred_at DESC)
      WHERE case_id IS NOT NULL`);
    // A case goal's setback names a violation logged under the same case.
    await sql(`ALTER TABLE goal_setbacks
      ADD CONSTRAINT fk_goal_setbacks_case_boundary_violation FOREIGN KEY (practice_id, case_id, boundary_violation_id)
        REFERENCES boundary_violations (practice_id, case_id, id)`);
    // A violation's setbacks, whoever holds it (the keys already keep them under the same holder).
    await sql(`CREATE INDEX ix_goal_setbacks_practice_any_violation ON goal_setbacks (practice_id, boundary_violation_id)
      WHERE boundary_violation_id IS NOT NULL`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const sql = (text: string) => queryRunner.query(text);
    // Rows held by a case have no place in the previous schema.
    for (const table of [
      'goal_setbacks',
      'goal_milestones',
      'goal_commitments',
      'boundary_violations',
    ]) {
      await sql(`ALTER TABLE ${table} DISABLE TRIGGER USER`);
      await sql(`DELETE FROM ${table} WHERE client_id IS NULL`);
      await sql(`ALTER TABLE ${table} ENABLE TRIGGER USER`);
    }
    await sql(`DROP INDEX ix_goal_setbacks_practice_any_violation`);
    await sql(`ALTER TABLE goal_setbacks DROP CONSTRAINT fk_goal_setbacks_case_boundary_violation`);
    await sql(`DROP INDEX ix_boundary_violations_practice_case_occurred`);
    await sql(`DROP INDEX uq_boundary_violations_practice_case_id`);
    await sql(`ALTER TABLE boundary_violations DROP CONSTRAINT ck_boundary_violations_reporter,
      DROP CONSTRAINT ck_boundary_violations_holder, DROP CONSTRAINT fk_boundary_violations_session_of_practice,
      DROP COLUMN reported_by_person_id, DROP COLUMN case_id, ALTER COLUMN client_id SET NOT NULL`);
    await sql(
      `ALTER TABLE goal_commitments DROP CONSTRAINT ck_goal_commitments_owner_kind, DROP COLUMN owner_person_id`,
    );
    for (const table of ['goal_commitments', 'goal_milestones', 'goal_setbacks']) {
      await sql(`DROP INDEX ix_${table}_practice_case`);
      await sql(`ALTER TABLE ${table} DROP CONSTRAINT ck_${table}_holder, DROP COLUMN case_id,
        ALTER COLUMN client_id SET NOT NULL`);
    }
    await sql(`DROP INDEX uq_boundary_agreements_practice_case_id`);
    await sql(`DROP INDEX uq_trust_goals_practice_case_id`);
  }
}
