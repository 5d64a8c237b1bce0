import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Each goal keeps the commitments of its last 30 days of check-ins (`recent_commitments`), kept up
 * to date with its other figures on every check-in (src/trust-goals/goal-figures.ts). The
 * dashboards judge "kept less than half of the time" over their 28-day window from the goal row,
 * so the goals needing attention cost what the goal rows hold, not a probe of every goal's
 * check-in history (an index that grows, and falls out of the cache, with that history).
 */
/** The list as this migration wrote it (1763714550000 turns it into running totals). */
const RECENT_COMMITMENTS_JSON = `
  SELECT coalesce(jsonb_agg(jsonb_build_object('occurred_at', k.occurred_at, 'kept', k.commitments_kept,
                                               'missed', k.commitments_missed)
                            ORDER BY k.occurred_at, k.created_at, k.id), '[]'::jsonb) AS recent
    FROM goal_check_ins k
   WHERE k.practice_id = t.practice_id AND k.goal_id = t.id
     AND k.occurred_at >= (SELECT max(l.occurred_at) FROM goal_check_ins l
                            WHERE l.practice_id = t.practice_id AND l.goal_id = t.id) - make_interval(days => 30)`;

export class StoreRecentCommitments1763713500000 implements MigrationInterface {
  name = 'StoreRecentCommitments1763713500000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE trust_goals ADD COLUMN recent_commitments jsonb NOT NULL DEFAULT '[]'::jsonb`,
    );
    await queryRunner.query(`
      UPDATE trust_goals g SET recent_commitments = r.recent
        FROM trust_goals t CROSS JOIN LATERAL (${RECENT_COMMITMENTS_JSON}) r
       WHERE g.practice_id = t.practice_id AND g.id = t.id AND r.recent <> '[]'::jsonb`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE trust_goals DROP COLUMN recent_commitments`);
  }
}
