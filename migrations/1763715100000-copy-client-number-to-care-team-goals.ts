import type { MigrationInterface, QueryRunner } from 'typeorm';
import { COPIED_GOAL_COLUMNS, REFRESH_CARE_TEAM_GOALS } from './1763714900000-keep-care-team-goals';

/** The key's covered columns: the client, then the goal's attention columns. */
const covered = (clientCopies: readonly string[]) =>
  ['client_id', ...clientCopies, ...COPIED_GOAL_COLUMNS].join(', ');

/**
 * A row of `care_team_goals` carries its client's number and status (`client_number`,
 * `client_status`), covered by the key like the goal's own columns. A clinician's goals needing
 * attention then come from their team members' key ranges alone: the list is ordered by client
 * number and leaves out clients entered in error, and both were read from the client's row, one
 * index probe per listed goal (issue 19: for a supervisor about 230 probes, 930 of the section's
 * 1,065 buffers, and the part that grew with the database's size).
 *
 * Kept by the same refresh as the goal's columns, which now reads them from the client's row it
 * already holds; and a change of either on the client refreshes that client's rows, from a row
 * trigger run while the client's row is held (so a refresh that committed first is seen, and one
 * that comes later waits and reads the change). The refresh deletes and inserts, so the
 * application role needs no UPDATE on the table. A status change is rare; the trigger's `WHEN`
 * keeps every other update of a client from calling it.
 */
export class CopyClientNumberToCareTeamGoals1763715100000 implements MigrationInterface {
  name = 'CopyClientNumberToCareTeamGoals1763715100000';

  async up(queryRunner: QueryRunner): Promise<void> {
    // The trigger on clients first: creating it waits for every open write on clients and holds
    // them off until this migration commits, so no change of a client's status can fall between
    // the copy below and the trigger (on an API still serving while a new one migrates). Then
    // care_team_goals, locked after clients as a client's creation locks them.
    await queryRunner.query(`
      CREATE FUNCTION care_team_goals_follow_clients() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM refresh_care_team_goals(ARRAY[NEW.practice_id], ARRAY[NEW.id]);
        RETURN NULL;
      END $$`);
    await queryRunner.query(`
      CREATE TRIGGER trg_clients_care_team_goals AFTER UPDATE OF status, client_number ON clients
        FOR EACH ROW
        WHEN ((NEW.status, NEW.client_number) IS DISTINCT FROM (OLD.status, OLD.client_number))
        EXECUTE FUNCTION care_team_goals_follow_clients()`);
    await queryRunner.query(`
      ALTER TABLE care_team_goals ADD COLUMN client_number integer, ADD COLUMN client_status text`);
    await queryRunner.query(`
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
        INSERT INTO care_team_goals (practice_id, staff_id, goal_id, client_id, client_number, client_status,
                                     ${COPIED_GOAL_COLUMNS.join(', ')})
        SELECT g.practice_id, m.staff_id, g.id, g.client_id, c.client_number, c.status,
               ${COPIED_GOAL_COLUMNS.map((column) => `g.${column}`).join(', ')}
          FROM (SELECT DISTINCT practice_id, client_id FROM unnest(practice_ids, client_ids) AS k (practice_id, client_id)) k
          JOIN clients c ON c.practice_id = k.practice_id AND c.id = k.client_id
          JOIN trust_goals g ON g.practice_id = k.practice_id AND g.client_id = k.client_id AND g.lifecycle_status = 'active'
          JOIN care_team_members m ON m.practice_id = k.practice_id AND m.client_id = k.client_id AND m.removed_at IS NULL;
      END $$`);
    // Every row is rewritten, so the table's pages are no longer all-visible and a dashboard reads
    // its rows from the heap too until autovacuum (or a `VACUUM care_team_goals`) has passed.
    await queryRunner.query(`
      UPDATE care_team_goals t SET client_number = c.client_number, client_status = c.status
        FROM clients c WHERE c.practice_id = t.practice_id AND c.id = t.client_id`);
    await queryRunner.query(`
      ALTER TABLE care_team_goals
        ALTER COLUMN client_number SET NOT NULL,
        ALTER COLUMN client_status SET NOT NULL,
        DROP CONSTRAINT pk_care_team_goals,
        ADD CONSTRAINT pk_care_team_goals PRIMARY KEY (practice_id, staff_id, goal_id)
          INCLUDE (${covered(['client_number', 'client_status'])})`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TRIGGER trg_clients_care_team_goals ON clients`);
    await queryRunner.query(`DROP FUNCTION care_team_goals_follow_clients()`);
    await queryRunner.query(REFRESH_CARE_TEAM_GOALS);
    await queryRunner.query(`
      ALTER TABLE care_team_goals
        DROP CONSTRAINT pk_care_team_goals,
        ADD CONSTRAINT pk_care_team_goals PRIMARY KEY (practice_id, staff_id, goal_id) INCLUDE (${covered([])}),
        DROP COLUMN client_number,
        DROP COLUMN client_status`);
  }
}
