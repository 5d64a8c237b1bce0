import type { MigrationInterface, QueryRunner } from 'typeorm';

const NIL = `'00000000-0000-0000-0000-000000000000'::uuid`;

/**
 * Agreements and trust goals held by a family case (issue 15). Such a record belongs to the case,
 * not to a chart: its `client_id` is null, its `case_id` names the case, and its parties are
 * persons of that case (`case_members.person_id`), who may be a client, another client's family
 * member, or a support person with no chart at all. A client's records stay as they were: parties
 * are the client (null) or one of their family members.
 *
 * The party columns of a case record are `*_person_id`; those of a client record stay
 * `*family_member_id`. Unique keys and the party guards compare `coalesce(person, family member)`,
 * so one rule serves both. Commitments, milestones, setbacks and violations keep their client
 * columns: the API reaches them only under a client's records for now.
 */
export class LetCasesHoldAgreementsAndGoals1763714200000 implements MigrationInterface {
  name = 'LetCasesHoldAgreementsAndGoals1763714200000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const sql = (text: string) => queryRunner.query(text);

    // Trust goals: a case goal's two parties are persons of its case, enforced by the key of
    // case_members (a person cannot be a party of a case they are not in).
    await sql(`ALTER TABLE trust_goals ALTER COLUMN client_id DROP NOT NULL,
      ADD COLUMN party_a_person_id uuid, ADD COLUMN party_b_person_id uuid,
      ADD CONSTRAINT fk_trust_goals_party_a_person FOREIGN KEY (practice_id, case_id, party_a_person_id)
        REFERENCES case_members (practice_id, case_id, person_id),
      ADD CONSTRAINT fk_trust_goals_party_b_person FOREIGN KEY (practice_id, case_id, party_b_person_id)
        REFERENCES case_members (practice_id, case_id, person_id),
      ADD CONSTRAINT ck_trust_goals_holder CHECK (CASE WHEN client_id IS NULL
        THEN case_id IS NOT NULL AND party_a_person_id IS NOT NULL AND party_b_person_id IS NOT NULL
             AND party_a_family_member_id IS NULL AND party_b_family_member_id IS NULL
        ELSE party_a_person_id IS NULL AND party_b_person_id IS NULL END)`);
    await sql(`ALTER TABLE trust_goals DROP CONSTRAINT ck_trust_goals_parties`);
    await sql(`ALTER TABLE trust_goals ADD CONSTRAINT ck_trust_goals_parties CHECK (
      coalesce(party_a_person_id, party_a_family_member_id) IS DISTINCT FROM
      coalesce(party_b_person_id, party_b_family_member_id))`);
    await sql(`
      CREATE OR REPLACE FUNCTION trust_goals_guard() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'DELETE' THEN
          RAISE EXCEPTION 'trust goals are never deleted; mark one entered in error instead'
            USING ERRCODE = 'insufficient_privilege';
        END IF;
        IF NEW.practice_id IS DISTINCT FROM OLD.practice_id OR NEW.client_id IS DISTINCT FROM OLD.client_id
          OR NEW.party_a_family_member_id IS DISTINCT FROM OLD.party_a_family_member_id
          OR NEW.party_b_family_member_id IS DISTINCT FROM OLD.party_b_family_member_id
          OR NEW.party_a_person_id IS DISTINCT FROM OLD.party_a_person_id
          OR NEW.party_b_person_id IS DISTINCT FROM OLD.party_b_person_id
          OR (OLD.client_id IS NULL AND NEW.case_id IS DISTINCT FROM OLD.case_id) THEN
          RAISE EXCEPTION 'the parties of a trust goal never change' USING ERRCODE = 'insufficient_privilege';
        END IF;
        RETURN NEW;
      END $$`);
    // TG_ARGV[0] names the family-member column; its person column is the same name with
    // `person_id` for `family_member_id` (owner_family_member_id → owner_person_id).
    await sql(`
      CREATE OR REPLACE FUNCTION trust_goal_party_guard() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        party uuid := coalesce((to_jsonb(NEW) ->> replace(TG_ARGV[0], 'family_member_id', 'person_id'))::uuid,
                               (to_jsonb(NEW) ->> TG_ARGV[0])::uuid);
      BEGIN
        IF NOT EXISTS (SELECT 1 FROM trust_goals g
                        WHERE g.practice_id = NEW.practice_id AND g.id = NEW.goal_id
                          AND (party IS NOT DISTINCT FROM coalesce(g.party_a_person_id, g.party_a_family_member_id)
                               OR party IS NOT DISTINCT FROM coalesce(g.party_b_person_id, g.party_b_family_member_id))) THEN
          RAISE EXCEPTION 'the party is not one of the goal''s two parties'
            USING ERRCODE = 'check_violation', CONSTRAINT = TG_ARGV[1], TABLE = TG_TABLE_NAME;
        END IF;
        RETURN NEW;
      END $$`);

    // Check-ins of a case goal: no chart, so the goal is their only key; the client key stays for
    // a client's goal (and its session, which must be that client's).
    await sql(`ALTER TABLE goal_check_ins ALTER COLUMN client_id DROP NOT NULL,
      ADD CONSTRAINT fk_goal_check_ins_goal_of_practice FOREIGN KEY (practice_id, goal_id)
        REFERENCES trust_goals (practice_id, id)`);
    await sql(`ALTER TABLE goal_check_in_ratings ADD COLUMN person_id uuid,
      ADD CONSTRAINT fk_goal_check_in_ratings_person FOREIGN KEY (practice_id, person_id)
        REFERENCES persons (practice_id, id),
      ADD CONSTRAINT ck_goal_check_in_ratings_one_party CHECK (person_id IS NULL OR family_member_id IS NULL)`);
    await sql(`DROP INDEX uq_goal_check_in_ratings_party`);
    await sql(`CREATE UNIQUE INDEX uq_goal_check_in_ratings_party ON goal_check_in_ratings
      (practice_id, goal_id, check_in_id, coalesce(person_id, family_member_id, ${NIL}))`);

    // Boundary agreements.
    await sql(`ALTER TABLE boundary_agreements ALTER COLUMN client_id DROP NOT NULL,
      ADD CONSTRAINT ck_boundary_agreements_holder CHECK (client_id IS NOT NULL OR case_id IS NOT NULL)`);
    await sql(`ALTER TABLE boundary_agreement_parties ALTER COLUMN client_id DROP NOT NULL,
      ADD COLUMN person_id uuid,
      ADD CONSTRAINT fk_boundary_agreement_parties_agreement_of_practice FOREIGN KEY (practice_id, agreement_id)
        REFERENCES boundary_agreements (practice_id, id),
      ADD CONSTRAINT fk_boundary_agreement_parties_person FOREIGN KEY (practice_id, person_id)
        REFERENCES persons (practice_id, id),
      ADD CONSTRAINT ck_boundary_agreement_parties_one_party CHECK (
        CASE WHEN client_id IS NULL THEN person_id IS NOT NULL AND family_member_id IS NULL
             ELSE person_id IS NULL END)`);
    await sql(`DROP INDEX uq_boundary_agreement_parties`);
    await sql(`CREATE UNIQUE INDEX uq_boundary_agreement_parties ON boundary_agreement_parties
      (practice_id, agreement_id, coalesce(person_id, family_member_id, ${NIL}))`);
    await sql(`ALTER TABLE boundary_items ADD COLUMN set_by_person_id uuid,
      ADD CONSTRAINT fk_boundary_items_set_by_person FOREIGN KEY (practice_id, set_by_person_id)
        REFERENCES persons (practice_id, id),
      ADD CONSTRAINT ck_boundary_items_one_setter CHECK (set_by_person_id IS NULL OR set_by_family_member_id IS NULL)`);
    await sql(`ALTER TABLE boundary_acknowledgments ADD COLUMN person_id uuid,
      ADD CONSTRAINT fk_boundary_acknowledgments_person FOREIGN KEY (practice_id, person_id)
        REFERENCES persons (practice_id, id),
      ADD CONSTRAINT ck_boundary_acknowledgments_one_party CHECK (person_id IS NULL OR family_member_id IS NULL)`);
    await sql(`DROP INDEX uq_boundary_acknowledgments_party`);
    await sql(`CREATE UNIQUE INDEX uq_boundary_acknowledgments_party ON boundary_acknowledgments
      (practice_id, agreement_id, version_number, coalesce(person_id, family_member_id, ${NIL}))`);

    // "The agreements and goals of this case", a case's summary and its lists.
    await sql(`CREATE INDEX ix_boundary_agreements_practice_held_case ON boundary_agreements (practice_id, case_id, created_at, id)
      WHERE client_id IS NULL`);
    await sql(`CREATE INDEX ix_trust_goals_practice_held_case ON trust_goals (practice_id, case_id, created_at, id)
      WHERE client_id IS NULL`);
    // Who is a party of what, for a person's references (a family member made a client keeps them).
    await sql(`CREATE INDEX ix_boundary_agreement_parties_person ON boundary_agreement_parties (practice_id, person_id)
      WHERE person_id IS NOT NULL`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const sql = (text: string) => queryRunner.query(text);
    // Records held by a case have no place in the previous schema; their children go first.
    await sql(`DELETE FROM boundary_acknowledgments k USING boundary_agreements a
      WHERE a.practice_id = k.practice_id AND a.id = k.agreement_id AND a.client_id IS NULL`);
    await sql(`ALTER TABLE boundary_items DISABLE TRIGGER tg_boundary_items_immutable`);
    await sql(`DELETE FROM boundary_items i USING boundary_agreements a
      WHERE a.practice_id = i.practice_id AND a.id = i.agreement_id AND a.client_id IS NULL`);
    await sql(`ALTER TABLE boundary_items ENABLE TRIGGER tg_boundary_items_immutable`);
    await sql(`DELETE FROM boundary_agreement_versions v USING boundary_agreements a
      WHERE a.practice_id = v.practice_id AND a.id = v.agreement_id AND a.client_id IS NULL`);
    await sql(`DELETE FROM boundary_agreement_parties WHERE client_id IS NULL`);
    await sql(`DELETE FROM boundary_agreements WHERE client_id IS NULL`);
    for (const table of ['goal_check_in_ratings', 'goal_check_ins', 'trust_goals']) {
      await sql(`ALTER TABLE ${table} DISABLE TRIGGER USER`);
    }
    await sql(`DELETE FROM goal_check_in_ratings WHERE person_id IS NOT NULL`);
    await sql(`DELETE FROM goal_check_ins WHERE client_id IS NULL`);
    await sql(`DELETE FROM trust_goals WHERE client_id IS NULL`);
    for (const table of ['goal_check_in_ratings', 'goal_check_ins', 'trust_goals']) {
      await sql(`ALTER TABLE ${table} ENABLE TRIGGER USER`);
    }

    await sql(`DROP INDEX ix_boundary_agreement_parties_person`);
    await sql(`DROP INDEX ix_trust_goals_practice_held_case`);
    await sql(`DROP INDEX ix_boundary_agreements_practice_held_case`);
    await sql(`DROP INDEX uq_boundary_acknowledgments_party`);
    await sql(`ALTER TABLE boundary_acknowledgments DROP COLUMN person_id`);
    await sql(`CREATE UNIQUE INDEX uq_boundary_acknowledgments_party ON boundary_acknowledgments
      (practice_id, agreement_id, version_number, coalesce(family_member_id, ${NIL}))`);
    await sql(`ALTER TABLE boundary_items DROP COLUMN set_by_person_id`);
    await sql(`DROP INDEX uq_boundary_agreement_parties`);
    await sql(`ALTER TABLE boundary_agreement_parties DROP COLUMN person_id,
      DROP CONSTRAINT fk_boundary_agreement_parties_agreement_of_practice,
      ALTER COLUMN client_id SET NOT NULL`);
    await sql(`CREATE UNIQUE INDEX uq_boundary_agreement_parties ON boundary_agreement_parties
      (practice_id, agreement_id, coalesce(family_member_id, ${NIL}))`);
    await sql(`ALTER TABLE boundary_agreements DROP CONSTRAINT ck_boundary_agreements_holder,
      ALTER COLUMN client_id SET NOT NULL`);

    await sql(`DROP INDEX uq_goal_check_in_ratings_party`);
    await sql(`ALTER TABLE goal_check_in_ratings DROP COLUMN person_id`);
    await sql(`CREATE UNIQUE INDEX uq_goal_check_in_ratings_party ON goal_check_in_ratings
      (practice_id, goal_id, check_in_id, coalesce(family_member_id, ${NIL}))`);
    await sql(`ALTER TABLE goal_check_ins DROP CONSTRAINT fk_goal_check_ins_goal_of_practice,
      ALTER COLUMN client_id SET NOT NULL`);
    await sql(`
      CREATE OR REPLACE FUNCTION trust_goal_party_guard() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        party uuid := (to_jsonb(NEW) ->> TG_ARGV[0])::uuid;
      BEGIN
        IF NOT EXISTS (SELECT 1 FROM trust_goals g
                        WHERE g.practice_id = NEW.practice_id AND g.id = NEW.goal_id
                          AND (party IS NOT DISTINCT FROM g.party_a_family_member_id
                               OR party IS NOT DISTINCT FROM g.party_b_family_member_id)) THEN
          RAISE EXCEPTION 'the party is not one of the goal''s two parties'
            USING ERRCODE = 'check_violation', CONSTRAINT = TG_ARGV[1], TABLE = TG_TABLE_NAME;
        END IF;
        RETURN NEW;
      END $$`);
    await sql(`
      CREATE OR REPLACE FUNCTION trust_goals_guard() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'DELETE' THEN
          RAISE EXCEPTION 'trust goals are never deleted; mark one entered in error instead'
            USING ERRCODE = 'insufficient_privilege';
        END IF;
        IF NEW.practice_id IS DISTINCT FROM OLD.practice_id OR NEW.client_id IS DISTINCT FROM OLD.client_id
          OR NEW.party_a_family_member_id IS DISTINCT FROM OLD.party_a_family_member_id
          OR NEW.party_b_family_member_id IS DISTINCT FROM OLD.party_b_family_member_id THEN
          RAISE EXCEPTION 'the parties of a trust goal never change' USING ERRCODE = 'insufficient_privilege';
        END IF;
        RETURN NEW;
      END $$`);
    await sql(`ALTER TABLE trust_goals DROP CONSTRAINT ck_trust_goals_parties`);
    await sql(`ALTER TABLE trust_goals DROP CONSTRAINT ck_trust_goals_holder,
      DROP COLUMN party_a_person_id, DROP COLUMN party_b_person_id,
      ALTER COLUMN client_id SET NOT NULL`);
    await sql(`ALTER TABLE trust_goals ADD CONSTRAINT ck_trust_goals_parties
      CHECK (party_a_family_member_id IS DISTINCT FROM party_b_family_member_id)`);
  }
}
