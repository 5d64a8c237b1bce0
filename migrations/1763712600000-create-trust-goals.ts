import type { MigrationInterface, QueryRunner } from 'typeorm';

const STRATEGIES = `'accountability_and_apology', 'open_and_honest_communication', 'consistency_and_reliability',
  'healthy_boundaries', 'counseling_or_mediation', 'patience_and_time', 'active_listening', 'expressing_appreciation',
  'conflict_resolution', 'quality_time', 'forgiveness', 'self_esteem_and_self_compassion'`;
const NIL = `'00000000-0000-0000-0000-000000000000'::uuid`;

/**
 * Trust-rebuilding goals between two parties of a client (the client or one of that client's
 * family members; NULL party = the client), with commitments, check-ins (each party's rating),
 * milestones and setbacks. Progress is never rewritten: check-ins, their ratings and setbacks are
 * append-only, a reached milestone stays reached, and nothing here is ever deleted.
 */
export class CreateTrustGoals1763712600000 implements MigrationInterface {
  name = 'CreateTrustGoals1763712600000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE trust_goals (
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        practice_id uuid NOT NULL,
        client_id uuid NOT NULL,
        party_a_family_member_id uuid,
        party_b_family_member_id uuid,
        strategy text NOT NULL,
        description text NOT NULL,
        lifecycle_status text NOT NULL DEFAULT 'proposed',
        status_reason text,
        achievement_status text NOT NULL DEFAULT 'in_progress',
        achievement_set_by uuid,
        achievement_set_at timestamptz,
        baseline_rating smallint NOT NULL,
        target_rating smallint NOT NULL,
        start_date date NOT NULL,
        target_date date,
        priority text NOT NULL DEFAULT 'medium',
        version integer NOT NULL DEFAULT 1,
        created_by uuid,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT pk_trust_goals PRIMARY KEY (id),
        CONSTRAINT uq_trust_goals_practice_id UNIQUE (practice_id, id),
        CONSTRAINT uq_trust_goals_practice_client_id UNIQUE (practice_id, client_id, id),
        CONSTRAINT fk_trust_goals_client FOREIGN KEY (practice_id, client_id) REFERENCES clients (practice_id, id),
        CONSTRAINT fk_trust_goals_party_a FOREIGN KEY (practice_id, client_id, party_a_family_member_id)
          REFERENCES family_members (practice_id, client_id, id),
        CONSTRAINT fk_trust_goals_party_b FOREIGN KEY (practice_id, client_id, party_b_family_member_id)
          REFERENCES family_members (practice_id, client_id, id),
        CONSTRAINT ck_trust_goals_parties CHECK (party_a_family_member_id IS DISTINCT FROM party_b_family_member_id),
        CONSTRAINT ck_trust_goals_strategy CHECK (strategy IN (${STRATEGIES})),
        CONSTRAINT ck_trust_goals_description CHECK (length(btrim(description)) > 0),
        CONSTRAINT ck_trust_goals_lifecycle_status
          CHECK (lifecycle_status IN ('proposed', 'active', 'on_hold', 'completed', 'cancelled', 'entered_in_error')),
        CONSTRAINT ck_trust_goals_status_reason
          CHECK (lifecycle_status NOT IN ('cancelled', 'entered_in_error') OR status_reason IS NOT NULL),
        CONSTRAINT ck_trust_goals_achievement_status
          CHECK (achievement_status IN ('in_progress', 'improving', 'worsening', 'no_change', 'achieved', 'sustaining',
                                        'not_achieved')),
        CONSTRAINT ck_trust_goals_ratings
          CHECK (baseline_rating BETWEEN 0 AND 10 AND target_rating BETWEEN 0 AND 10),
        CONSTRAINT ck_trust_goals_dates CHECK (target_date IS NULL OR target_date >= start_date),
        CONSTRAINT ck_trust_goals_priority CHECK (priority IN ('high', 'medium', 'low'))
      )`);
    await queryRunner.query(
      `CREATE INDEX ix_trust_goals_practice_client ON trust_goals (practice_id, client_id, created_at, id)`,
    );
    await queryRunner.query(
      `CREATE INDEX ix_trust_goals_practice_party_a ON trust_goals (practice_id, client_id, party_a_family_member_id)
         WHERE party_a_family_member_id IS NOT NULL`,
    );
    await queryRunner.query(
      `CREATE INDEX ix_trust_goals_practice_party_b ON trust_goals (practice_id, client_id, party_b_family_member_id)
         WHERE party_b_family_member_id IS NOT NULL`,
    );
    // A goal is between the same two parties of the same client for its whole life (a goal between
    // others is another goal), and it is never deleted: it is marked entered in error instead.
    await queryRunner.query(`
      CREATE FUNCTION trust_goals_guard() RETURNS trigger LANGUAGE plpgsql AS $$
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
    await queryRunner.query(`
      CREATE TRIGGER tg_trust_goals_guard BEFORE UPDATE OR DELETE ON trust_goals
        FOR EACH ROW EXECUTE FUNCTION trust_goals_guard()`);
    // Ratings and commitment owners are one of the goal's two parties. TG_ARGV: the party column,
    // then the constraint name the error carries (mapped to a 422 by the API).
    await queryRunner.query(`
      CREATE FUNCTION trust_goal_party_guard() RETURNS trigger LANGUAGE plpgsql AS $$
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

    await queryRunner.query(`
      CREATE TABLE goal_commitments (
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        practice_id uuid NOT NULL,
        client_id uuid NOT NULL,
        goal_id uuid NOT NULL,
        owner_family_member_id uuid,
        description text NOT NULL,
        cadence text NOT NULL,
        status text NOT NULL DEFAULT 'active',
        status_changed_at timestamptz NOT NULL DEFAULT now(),
        ended_at timestamptz,
        version integer NOT NULL DEFAULT 1,
        created_by uuid,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT pk_goal_commitments PRIMARY KEY (id),
        CONSTRAINT uq_goal_commitments_practice_goal_id UNIQUE (practice_id, goal_id, id),
        CONSTRAINT fk_goal_commitments_goal FOREIGN KEY (practice_id, client_id, goal_id)
          REFERENCES trust_goals (practice_id, client_id, id),
        CONSTRAINT fk_goal_commitments_owner FOREIGN KEY (practice_id, client_id, owner_family_member_id)
          REFERENCES family_members (practice_id, client_id, id),
        CONSTRAINT ck_goal_commitments_description CHECK (length(btrim(description)) > 0),
        CONSTRAINT ck_goal_commitments_cadence CHECK (cadence IN ('daily', 'weekly', 'biweekly', 'monthly', 'once')),
        CONSTRAINT ck_goal_commitments_status CHECK (status IN ('active', 'paused', 'ended')),
        CONSTRAINT ck_goal_commitments_ended CHECK ((status = 'ended') = (ended_at IS NOT NULL))
      )`);
    await queryRunner.query(
      `CREATE INDEX ix_goal_commitments_practice_goal ON goal_commitments (practice_id, goal_id, created_at, id)`,
    );
    await queryRunner.query(
      `CREATE INDEX ix_goal_commitments_practice_client ON goal_commitments (practice_id, client_id, status)`,
    );
    await queryRunner.query(
      `CREATE INDEX ix_goal_commitments_practice_owner ON goal_commitments (practice_id, client_id, owner_family_member_id)
         WHERE owner_family_member_id IS NOT NULL`,
    );
    await queryRunner.query(`
      CREATE TRIGGER tg_goal_commitments_owner BEFORE INSERT OR UPDATE OF owner_family_member_id, goal_id
        ON goal_commitments
        FOR EACH ROW EXECUTE FUNCTION trust_goal_party_guard('owner_family_member_id', 'ck_goal_commitments_owner')`);
    // An ended commitment is history (its kept and missed counts live on in check-ins); never deleted.
    await queryRunner.query(`
      CREATE FUNCTION goal_commitments_guard() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'DELETE' THEN
          RAISE EXCEPTION 'commitments are never deleted; end one instead' USING ERRCODE = 'insufficient_privilege';
        END IF;
        IF OLD.status = 'ended' THEN
          RAISE EXCEPTION 'an ended commitment never changes' USING ERRCODE = 'insufficient_privilege';
        END IF;
        RETURN NEW;
      END $$`);
    await queryRunner.query(`
      CREATE TRIGGER tg_goal_commitments_guard BEFORE UPDATE OR DELETE ON goal_commitments
        FOR EACH ROW EXECUTE FUNCTION goal_commitments_guard()`);

    await queryRunner.query(`
      CREATE TABLE goal_check_ins (
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        practice_id uuid NOT NULL,
        client_id uuid NOT NULL,
        goal_id uuid NOT NULL,
        occurred_at timestamptz NOT NULL,
        session_id uuid,
        commitments_kept integer NOT NULL DEFAULT 0,
        commitments_missed integer NOT NULL DEFAULT 0,
        note text,
        recorded_by uuid NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT pk_goal_check_ins PRIMARY KEY (id),
        CONSTRAINT uq_goal_check_ins_practice_goal_id UNIQUE (practice_id, goal_id, id),
        CONSTRAINT fk_goal_check_ins_goal FOREIGN KEY (practice_id, client_id, goal_id)
          REFERENCES trust_goals (practice_id, client_id, id),
        CONSTRAINT fk_goal_check_ins_session FOREIGN KEY (practice_id, client_id, session_id)
          REFERENCES therapy_sessions (practice_id, client_id, id),
        CONSTRAINT fk_goal_check_ins_recorded_by FOREIGN KEY (practice_id, recorded_by) REFERENCES staff (practice_id, id),
        CONSTRAINT ck_goal_check_ins_counts CHECK (commitments_kept >= 0 AND commitments_missed >= 0)
      )`);
    await queryRunner.query(
      `CREATE INDEX ix_goal_check_ins_practice_goal ON goal_check_ins (practice_id, goal_id, occurred_at, created_at, id)`,
    );
    await queryRunner.query(
      `CREATE INDEX ix_goal_check_ins_practice_session ON goal_check_ins (practice_id, client_id, session_id)
         WHERE session_id IS NOT NULL`,
    );
    await queryRunner.query(
      `CREATE INDEX ix_goal_check_ins_practice_recorded_by ON goal_check_ins (practice_id, recorded_by)`,
    );
    await queryRunner.query(`
      CREATE TRIGGER tg_goal_check_ins_append_only BEFORE UPDATE OR DELETE ON goal_check_ins
        FOR EACH ROW EXECUTE FUNCTION audit_refuse_change()`);

    await queryRunner.query(`
      CREATE TABLE goal_check_in_ratings (
        practice_id uuid NOT NULL,
        goal_id uuid NOT NULL,
        check_in_id uuid NOT NULL,
        family_member_id uuid,
        rating smallint NOT NULL,
        CONSTRAINT fk_goal_check_in_ratings_check_in FOREIGN KEY (practice_id, goal_id, check_in_id)
          REFERENCES goal_check_ins (practice_id, goal_id, id),
        CONSTRAINT ck_goal_check_in_ratings_rating CHECK (rating BETWEEN 0 AND 10)
      )`);
    // One rating per party and check-in: the client (family_member_id NULL) or a family member.
    await queryRunner.query(
      `CREATE UNIQUE INDEX uq_goal_check_in_ratings_party ON goal_check_in_ratings
         (practice_id, goal_id, check_in_id, coalesce(family_member_id, ${NIL}))`,
    );
    await queryRunner.query(`
      CREATE TRIGGER tg_goal_check_in_ratings_party BEFORE INSERT ON goal_check_in_ratings
        FOR EACH ROW EXECUTE FUNCTION trust_goal_party_guard('family_member_id', 'ck_goal_check_in_ratings_party')`);
    await queryRunner.query(`
      CREATE TRIGGER tg_goal_check_in_ratings_append_only BEFORE UPDATE OR DELETE ON goal_check_in_ratings
        FOR EACH ROW EXECUTE FUNCTION audit_refuse_change()`);

    await queryRunner.query(`
      CREATE TABLE goal_milestones (
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        practice_id uuid NOT NULL,
        client_id uuid NOT NULL,
        goal_id uuid NOT NULL,
        title text NOT NULL,
        description text,
        target_date date,
        reached_at timestamptz,
        reached_by uuid,
        celebration_note text,
        version integer NOT NULL DEFAULT 1,
        created_by uuid,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT pk_goal_milestones PRIMARY KEY (id),
        CONSTRAINT fk_goal_milestones_goal FOREIGN KEY (practice_id, client_id, goal_id)
          REFERENCES trust_goals (practice_id, client_id, id),
        CONSTRAINT fk_goal_milestones_reached_by FOREIGN KEY (practice_id, reached_by) REFERENCES staff (practice_id, id),
        CONSTRAINT ck_goal_milestones_title CHECK (length(btrim(title)) > 0),
        CONSTRAINT ck_goal_milestones_reached
          CHECK ((reached_at IS NULL) = (reached_by IS NULL) AND (reached_at IS NOT NULL OR celebration_note IS NULL))
      )`);
    await queryRunner.query(
      `CREATE INDEX ix_goal_milestones_practice_goal ON goal_milestones (practice_id, goal_id, created_at, id)`,
    );
    // The dashboard's "recently reached" list.
    await queryRunner.query(
      `CREATE INDEX ix_goal_milestones_practice_reached ON goal_milestones (practice_id, reached_at DESC, client_id)
         WHERE reached_at IS NOT NULL`,
    );
    await queryRunner.query(
      `CREATE INDEX ix_goal_milestones_practice_reached_by ON goal_milestones (practice_id, reached_by)
         WHERE reached_by IS NOT NULL`,
    );
    await queryRunner.query(`
      CREATE FUNCTION goal_milestones_guard() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'DELETE' THEN
          RAISE EXCEPTION 'milestones are never deleted' USING ERRCODE = 'insufficient_privilege';
        END IF;
        IF OLD.reached_at IS NOT NULL THEN
          RAISE EXCEPTION 'a reached milestone is part of the record and never changes'
            USING ERRCODE = 'insufficient_privilege';
        END IF;
        RETURN NEW;
      END $$`);
    await queryRunner.query(`
      CREATE TRIGGER tg_goal_milestones_guard BEFORE UPDATE OR DELETE ON goal_milestones
        FOR EACH ROW EXECUTE FUNCTION goal_milestones_guard()`);

    await queryRunner.query(`
      CREATE TABLE goal_setbacks (
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        practice_id uuid NOT NULL,
        client_id uuid NOT NULL,
        goal_id uuid NOT NULL,
        kind text NOT NULL,
        severity text NOT NULL,
        occurred_at timestamptz NOT NULL,
        description text NOT NULL,
        response_plan text NOT NULL,
        boundary_violation_id uuid,
        commitment_id uuid,
        recorded_by uuid NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT pk_goal_setbacks PRIMARY KEY (id),
        CONSTRAINT fk_goal_setbacks_goal FOREIGN KEY (practice_id, client_id, goal_id)
          REFERENCES trust_goals (practice_id, client_id, id),
        CONSTRAINT fk_goal_setbacks_boundary_violation FOREIGN KEY (practice_id, client_id, boundary_violation_id)
          REFERENCES boundary_violations (practice_id, client_id, id),
        CONSTRAINT fk_goal_setbacks_commitment FOREIGN KEY (practice_id, goal_id, commitment_id)
          REFERENCES goal_commitments (practice_id, goal_id, id),
        CONSTRAINT fk_goal_setbacks_recorded_by FOREIGN KEY (practice_id, recorded_by) REFERENCES staff (practice_id, id),
        CONSTRAINT ck_goal_setbacks_kind
          CHECK (kind IN ('relapse', 'broken_commitment', 'boundary_violation', 'escalated_conflict', 'discovered_lie',
                          'other')),
        CONSTRAINT ck_goal_setbacks_severity CHECK (severity IN ('minor', 'moderate', 'major')),
        CONSTRAINT ck_goal_setbacks_text CHECK (length(btrim(description)) > 0 AND length(btrim(response_plan)) > 0),
        CONSTRAINT ck_goal_setbacks_boundary_violation
          CHECK ((kind = 'boundary_violation') = (boundary_violation_id IS NOT NULL)),
        CONSTRAINT ck_goal_setbacks_commitment CHECK (commitment_id IS NULL OR kind = 'broken_commitment')
      )`);
    await queryRunner.query(
      `CREATE INDEX ix_goal_setbacks_practice_goal ON goal_setbacks (practice_id, goal_id, occurred_at, created_at, id)`,
    );
    await queryRunner.query(
      `CREATE INDEX ix_goal_setbacks_practice_violation ON goal_setbacks (practice_id, client_id, boundary_violation_id)
         WHERE boundary_violation_id IS NOT NULL`,
    );
    await queryRunner.query(
      `CREATE INDEX ix_goal_setbacks_practice_commitment ON goal_setbacks (practice_id, goal_id, commitment_id)
         WHERE commitment_id IS NOT NULL`,
    );
    await queryRunner.query(
      `CREATE INDEX ix_goal_setbacks_practice_recorded_by ON goal_setbacks (practice_id, recorded_by)`,
    );
    // A setback is part of the record, not a reset: it never changes and is never removed.
    await queryRunner.query(`
      CREATE TRIGGER tg_goal_setbacks_append_only BEFORE UPDATE OR DELETE ON goal_setbacks
        FOR EACH ROW EXECUTE FUNCTION audit_refuse_change()`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE goal_setbacks`);
    await queryRunner.query(`DROP TABLE goal_milestones`);
    await queryRunner.query(`DROP FUNCTION goal_milestones_guard()`);
    await queryRunner.query(`DROP TABLE goal_check_in_ratings`);
    await queryRunner.query(`DROP TABLE goal_check_ins`);
    await queryRunner.query(`DROP TABLE goal_commitments`);
    await queryRunner.query(`DROP FUNCTION goal_commitments_guard()`);
    await queryRunner.query(`DROP TABLE trust_goals`);
    await queryRunner.query(`DROP FUNCTION trust_goal_party_guard()`);
    await queryRunner.query(`DROP FUNCTION trust_goals_guard()`);
  }
}
