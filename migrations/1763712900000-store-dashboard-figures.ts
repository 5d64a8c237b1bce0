import type { MigrationInterface, QueryRunner } from 'typeorm';
import type { QueryRows } from '../src/common/sql/query-rows';
import { refreshGoalFigures } from '../src/trust-goals/goal-figures';

/**
 * What the dashboards filter on, kept up to date on write instead of recomputed on every read:
 *
 * - `therapy_sessions.note_status`: the status of the session's note ('none' until one is
 *   started), copied by a trigger whenever a note is written or changes status, so "completed
 *   sessions whose note is not signed" is a range of one partial index rather than an anti-join
 *   over every completed session and every note.
 * - `trust_goals.last_check_in_at` and `suggested_achievement_status`: when the latest check-in
 *   happened and what all the check-ins suggest (see src/trust-goals/goal-figures.ts, which the
 *   service calls on every check-in and which backfills existing goals here). The suggestion is a
 *   TypeScript rule (trust-metrics.ts), so it is not a trigger: one definition, not two.
 * - the check-ins' goal index covers commitments kept and missed, for the 28-day reliability, and
 *   goals achieved lately have an index of their own, for the celebrations.
 */
export class StoreDashboardFigures1763712900000 implements MigrationInterface {
  name = 'StoreDashboardFigures1763712900000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE therapy_sessions
        ADD COLUMN note_status text NOT NULL DEFAULT 'none',
        ADD CONSTRAINT ck_therapy_sessions_note_status
          CHECK (note_status IN ('none', 'draft', 'awaiting_cosign', 'returned', 'signed'))`);
    await queryRunner.query(`
      UPDATE therapy_sessions s SET note_status = n.status
        FROM session_notes n WHERE n.practice_id = s.practice_id AND n.session_id = s.id`);
    await queryRunner.query(`
      CREATE FUNCTION sync_session_note_status() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        UPDATE therapy_sessions SET note_status = NEW.status
         WHERE practice_id = NEW.practice_id AND id = NEW.session_id AND note_status IS DISTINCT FROM NEW.status;
        RETURN NULL;
      END $$`);
    await queryRunner.query(`
      CREATE TRIGGER tg_session_notes_note_status AFTER INSERT OR UPDATE OF status ON session_notes
        FOR EACH ROW EXECUTE FUNCTION sync_session_note_status()`);
    await queryRunner.query(`DROP INDEX ix_therapy_sessions_practice_counselor_completed`);
    await queryRunner.query(
      `CREATE INDEX ix_therapy_sessions_note_outstanding ON therapy_sessions (practice_id, counselor_id, ends_at)
         WHERE status = 'completed' AND note_status <> 'signed'`,
    );

    await queryRunner.query(`
      ALTER TABLE trust_goals
        ADD COLUMN last_check_in_at timestamptz,
        ADD COLUMN suggested_achievement_status text,
        ADD CONSTRAINT ck_trust_goals_suggested_achievement_status
          CHECK (suggested_achievement_status IN ('in_progress', 'improving', 'worsening', 'no_change', 'achieved',
                                                  'sustaining'))`);
    // The reliability window sums commitments over a range of a goal's check-ins: from the index alone.
    await queryRunner.query(`DROP INDEX ix_goal_check_ins_practice_goal`);
    await queryRunner.query(
      `CREATE INDEX ix_goal_check_ins_practice_goal ON goal_check_ins (practice_id, goal_id, occurred_at, created_at, id)
         INCLUDE (commitments_kept, commitments_missed)`,
    );
    // Goals achieved lately, for the dashboards' celebrations, without scanning every goal.
    await queryRunner.query(
      `CREATE INDEX ix_trust_goals_practice_achieved ON trust_goals (practice_id, achievement_set_at)
         WHERE achievement_status IN ('achieved', 'sustaining')`,
    );
    const rows: QueryRows = (sql, params) => queryRunner.query(sql, params);
    for (const practice of await rows<{ id: string }>(`SELECT id FROM practices`, [])) {
      // The recent commitments are a later column (1763713500000), which backfills them itself;
      // person parties are later too (1763714200000).
      await refreshGoalFigures(rows, practice.id, 'all', {
        recentCommitments: false,
        partiesByPerson: false,
      });
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE trust_goals DROP COLUMN suggested_achievement_status, DROP COLUMN last_check_in_at`);
    await queryRunner.query(`DROP INDEX ix_trust_goals_practice_achieved`);
    await queryRunner.query(`DROP INDEX ix_goal_check_ins_practice_goal`);
    await queryRunner.query(
      `CREATE INDEX ix_goal_check_ins_practice_goal ON goal_check_ins (practice_id, goal_id, occurred_at, created_at, id)`,
    );
    await queryRunner.query(`DROP INDEX ix_therapy_sessions_note_outstanding`);
    await queryRunner.query(
      `CREATE INDEX ix_therapy_sessions_practice_counselor_completed ON therapy_sessions (practice_id, counselor_id, ends_at)
         WHERE status = 'completed'`,
    );
    await queryRunner.query(`DROP TRIGGER tg_session_notes_note_status ON session_notes`);
    await queryRunner.query(`DROP FUNCTION sync_session_note_status()`);
    await queryRunner.query(`ALTER TABLE therapy_sessions DROP COLUMN note_status`);
  }
}
