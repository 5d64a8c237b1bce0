import type { MigrationInterface, QueryRunner } from 'typeorm';
import { RECENT_COMMITMENTS_SQL } from '../src/trust-goals/goal-figures';

/**
 * Each goal keeps the commitments of its last 30 days of check-ins (`recent_commitments`), kept up
 * to date with its other figures on every check-in (src/trust-goals/goal-figures.ts). The
 * dashboards judge "kept less than half of the time" over their 28-day window from the goal row,
 * so the goals needing attention cost what the goal rows hold, not a probe of every goal's
 * check-in history (an index that grows, and falls out of the cache, with that history).
 */
export class StoreRecentCommitments1763713500000 implements MigrationInterface {
  name = 'StoreRecentCommitments1763713500000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE trust_goals ADD COLUMN recent_commitments jsonb NOT NULL DEFAULT '[]'::jsonb`,
    );
    await queryRunner.query(`
      UPDATE trust_goals g SET recent_commitments = r.recent
        FROM trust_goals t CROSS JOIN LATERAL (${RECENT_COMMITMENTS_SQL('t.practice_id', 't.id')}) r
       WHERE g.practice_id = t.practice_id AND g.id = t.id AND r.recent <> '[]'::jsonb`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE trust_goals DROP COLUMN recent_commitments`);
  }
}
