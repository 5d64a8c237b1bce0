import type { MigrationInterface, QueryRunner } from 'typeorm';
import { applicationRole, grantToApplication } from '../src/database/application-grants';
import type { TablePrivilege } from '../src/database/application-grants';

export const CARE_TEAM_GOALS_GRANTS: Record<string, readonly TablePrivilege[]> = {
  care_team_goals: ['SELECT', 'INSERT', 'DELETE'],
};

/** The columns of a goal that say whether it needs attention (see goal-attention.ts), copied. */
export const COPIED_GOAL_COLUMNS = [
  'created_at',
  'start_date',
  'target_date',
  'achievement_status',
  'suggested_achievement_status',
  'last_check_in_at',
  'recent_check_in_at',
  'recent_kept_totals',
  'recent_missed_totals',
] as const;

/**
 * The refresh as this migration made it (a later one replaces it, and restores this one going down).
 */
export const REFRESH_CARE_TEAM_GOALS = `
      CREATE OR REPLACE FUNCTION refresh_care_team_goals(practice_ids uuid[], client_ids uuid[]) RETURNS void
      LANGUAGE plpgsql SET plan_cache_mode = force_generic_plan AS $$
      BEGIN
        PERFORM 1 FROM clients c
          JOIN unnest(practice_ids, client_ids) AS k (practice_id, client_id)
            ON c.practice_id = k.practice_id AND c.id = k.client_id
         ORDER BY c.practice_id, c.id
           FOR NO KEY UPDATE OF c;
        DELETE FROM care_team_goals t USING unnest(practice_ids, client_ids) AS k (practice_id, client_id)
         WHERE t.practice_id = k.practice_id AND t.client_id = k.client_id;
        INSERT INTO care_team_goals (practice_id, staff_id, goal_id, client_id, ${COPIED_GOAL_COLUMNS.join(', ')})
        SELECT g.practice_id, m.staff_id, g.id, g.client_id, ${COPIED_GOAL_COLUMNS.map((c) => `g.${c}`).join(', ')}
          FROM (SELECT DISTINCT practice_id, client_id FROM unnest(practice_ids, client_ids) AS k (practice_id, client_id)) k
          JOIN trust_goals g ON g.practice_id = k.practice_id AND g.client_id = k.client_id AND g.lifecycle_status = 'active'
          JOIN care_team_members m ON m.practice_id = k.practice_id AND m.client_id = k.client_id AND m.removed_at IS NULL;
      END $$`;

/** The statement triggers of a table, each with the transition tables (`old_x`, `new_x`) it sees. */
const TRANSITIONS = (rows: string) =>
  [
    ['INSERT', `NEW TABLE AS new_${rows}`],
    ['UPDATE', `OLD TABLE AS old_${rows} NEW TABLE AS new_${rows}`],
    ['DELETE', `OLD TABLE AS old_${rows}`],
  ] as const;

/** Goals are never deleted (`trust_goals_guard`): they are marked entered in error. */
const GOAL_TRANSITIONS = TRANSITIONS('goals').filter(([event]) => event !== 'DELETE');

/**
 * `care_team_goals`: one row per active care-team member and active goal of that member's client,
 * with the goal's attention columns. A clinician's caseload is their care teams and their
 * supervisees'; its goals were found by probing the goals index once per client, which at ten
 * times the data is a random leaf page per client (issue 19: a supervisor's 2,500 clients, 7,000
 * buffers, 16–19 ms). Here they are one index range per team member, the attention columns
 * included, so a dashboard reads the rows of its few staff members side by side.
 *
 * Kept by statement triggers on `trust_goals` and `care_team_members`, which recompute the rows of
 * the clients a statement touched. Each first locks those clients' rows `FOR NO KEY UPDATE`, so
 * that a care-team change and a goal's change on the same client follow one another, and the
 * second reads what the first committed: read committed takes a fresh snapshot for each statement
 * of a trigger function, after the lock is granted. Paths already holding the client's row (a
 * care-team change, a goal's creation) lose nothing; a goal's own write locks the goal, then the
 * client, the order its check-in's foreign keys already take.
 *
 * The refresh keeps one plan per statement (a generic plan): given the client arrays' values, the
 * planner judged a custom plan cheaper every time and planned the three statements on every call,
 * which cost a goal's creation or a check-in about half a millisecond more than the statements ran.
 *
 * Derived rows, without foreign keys: checking one would lock the goal or the staff row
 * (`FOR KEY SHARE`) while the client's is held, against the goal-then-client order above. Goals
 * are never deleted; a deleted care-team member is followed by its trigger.
 *
 * Not SECURITY DEFINER, like the change-log triggers: the application role holds the privileges
 * the triggers use, granted here.
 */
export class KeepCareTeamGoals1763714900000 implements MigrationInterface {
  name = 'KeepCareTeamGoals1763714900000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE care_team_goals (
        practice_id uuid NOT NULL,
        staff_id uuid NOT NULL,
        goal_id uuid NOT NULL,
        client_id uuid NOT NULL,
        created_at timestamptz NOT NULL,
        start_date date NOT NULL,
        target_date date,
        achievement_status text NOT NULL,
        suggested_achievement_status text,
        last_check_in_at timestamptz,
        recent_check_in_at timestamptz[] NOT NULL,
        recent_kept_totals int[] NOT NULL,
        recent_missed_totals int[] NOT NULL,
        CONSTRAINT pk_care_team_goals PRIMARY KEY (practice_id, staff_id, goal_id)
          INCLUDE (client_id, ${COPIED_GOAL_COLUMNS.join(', ')})
      )`);
    await queryRunner.query(
      `CREATE INDEX ix_care_team_goals_client ON care_team_goals (practice_id, client_id)`,
    );
    await queryRunner.query(REFRESH_CARE_TEAM_GOALS);
    // A goal's rows change when it is created active, or its lifecycle or copied columns change.
    // Its holder never changes (`trust_goals_guard`), so an update refreshes its own client.
    const changed = ['lifecycle_status', ...COPIED_GOAL_COLUMNS];
    await queryRunner.query(`
      CREATE FUNCTION care_team_goals_follow_goals() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        practice_ids uuid[];
        client_ids uuid[];
      BEGIN
        IF TG_OP = 'INSERT' THEN
          SELECT array_agg(n.practice_id), array_agg(n.client_id) INTO practice_ids, client_ids
            FROM new_goals n WHERE n.client_id IS NOT NULL AND n.lifecycle_status = 'active';
        ELSE
          SELECT array_agg(n.practice_id), array_agg(n.client_id) INTO practice_ids, client_ids
            FROM new_goals n JOIN old_goals o ON o.practice_id = n.practice_id AND o.id = n.id
           WHERE n.client_id IS NOT NULL AND 'active' IN (n.lifecycle_status, o.lifecycle_status)
             AND (${changed.map((c) => `n.${c}`).join(', ')}) IS DISTINCT FROM (${changed.map((c) => `o.${c}`).join(', ')});
        END IF;
        IF practice_ids IS NOT NULL THEN
          PERFORM refresh_care_team_goals(practice_ids, client_ids);
        END IF;
        RETURN NULL;
      END $$`);
    for (const [event, referencing] of GOAL_TRANSITIONS) {
      await queryRunner.query(`
        CREATE TRIGGER trg_trust_goals_care_team_goals_${event.toLowerCase()} AFTER ${event} ON trust_goals
          REFERENCING ${referencing}
          FOR EACH STATEMENT EXECUTE FUNCTION care_team_goals_follow_goals()`);
    }
    await queryRunner.query(`
      CREATE FUNCTION care_team_goals_follow_members() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        practice_ids uuid[];
        client_ids uuid[];
      BEGIN
        IF TG_OP = 'INSERT' THEN
          SELECT array_agg(n.practice_id), array_agg(n.client_id) INTO practice_ids, client_ids
            FROM new_members n WHERE n.removed_at IS NULL;
        ELSIF TG_OP = 'DELETE' THEN
          SELECT array_agg(o.practice_id), array_agg(o.client_id) INTO practice_ids, client_ids
            FROM old_members o WHERE o.removed_at IS NULL;
        ELSE
          SELECT array_agg(k.practice_id), array_agg(k.client_id) INTO practice_ids, client_ids
            FROM new_members n JOIN old_members o ON o.practice_id = n.practice_id AND o.id = n.id
           CROSS JOIN LATERAL (VALUES (n.practice_id, n.client_id), (o.practice_id, o.client_id)) AS k (practice_id, client_id)
           WHERE (n.client_id, n.staff_id, n.removed_at IS NULL) IS DISTINCT FROM (o.client_id, o.staff_id, o.removed_at IS NULL);
        END IF;
        IF practice_ids IS NOT NULL THEN
          PERFORM refresh_care_team_goals(practice_ids, client_ids);
        END IF;
        RETURN NULL;
      END $$`);
    for (const [event, referencing] of TRANSITIONS('members')) {
      await queryRunner.query(`
        CREATE TRIGGER trg_care_team_members_care_team_goals_${event.toLowerCase()} AFTER ${event} ON care_team_members
          REFERENCING ${referencing}
          FOR EACH STATEMENT EXECUTE FUNCTION care_team_goals_follow_members()`);
    }
    // The trigger functions fire without EXECUTE; what they call runs as the writing role.
    await queryRunner.query(
      `GRANT EXECUTE ON FUNCTION refresh_care_team_goals(uuid[], uuid[]) TO ${await applicationRole(queryRunner)}`,
    );
    for (const [table, privileges] of Object.entries(CARE_TEAM_GOALS_GRANTS))
      await grantToApplication(queryRunner, table, privileges);
    // Every client's rows as they stand.
    await queryRunner.query(`
      INSERT INTO care_team_goals (practice_id, staff_id, goal_id, client_id, ${COPIED_GOAL_COLUMNS.join(', ')})
      SELECT g.practice_id, m.staff_id, g.id, g.client_id, ${COPIED_GOAL_COLUMNS.map((c) => `g.${c}`).join(', ')}
        FROM trust_goals g
        JOIN care_team_members m ON m.practice_id = g.practice_id AND m.client_id = g.client_id AND m.removed_at IS NULL
       WHERE g.lifecycle_status = 'active'`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const [event] of TRANSITIONS('members'))
      await queryRunner.query(
        `DROP TRIGGER trg_care_team_members_care_team_goals_${event.toLowerCase()} ON care_team_members`,
      );
    for (const [event] of GOAL_TRANSITIONS)
      await queryRunner.query(
        `DROP TRIGGER trg_trust_goals_care_team_goals_${event.toLowerCase()} ON trust_goals`,
      );
    await queryRunner.query(`DROP FUNCTION care_team_goals_follow_members()`);
    await queryRunner.query(`DROP FUNCTION care_team_goals_follow_goals()`);
    await queryRunner.query(`DROP FUNCTION refresh_care_team_goals(uuid[], uuid[])`);
    await queryRunner.query(`DROP TABLE care_team_goals`);
  }
}
