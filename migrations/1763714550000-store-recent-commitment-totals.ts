import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A goal's recent commitments move from a JSON list to three arrays: when each check-in of its
 * last 30 days happened, and the running totals of commitments kept and missed up to each (led by
 * a 0). Judging reliability over the dashboards' 28-day window then takes two binary searches
 * (`width_bucket`) and two subtractions per goal, where unpacking the list (a set-returning
 * function and a timestamp parse per check-in) was most of what a supervisor's dashboard cost
 * (issue 19). Written by refreshGoalFigures (src/trust-goals/goal-figures.ts) from then on.
 */
export class StoreRecentCommitmentTotals1763714550000 implements MigrationInterface {
  name = 'StoreRecentCommitmentTotals1763714550000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE trust_goals
        ADD COLUMN recent_check_in_at timestamptz[] NOT NULL DEFAULT '{}',
        ADD COLUMN recent_kept_totals int[] NOT NULL DEFAULT '{0}',
        ADD COLUMN recent_missed_totals int[] NOT NULL DEFAULT '{0}'`);
    // The list is already in time order; its running totals are taken in that order.
    await queryRunner.query(`
      UPDATE trust_goals g SET recent_check_in_at = r.at, recent_kept_totals = r.kept, recent_missed_totals = r.missed
        FROM trust_goals t CROSS JOIN LATERAL (
          SELECT array_agg(k.at ORDER BY k.n) AS at,
                 '{0}'::int[] || array_agg(k.kept ORDER BY k.n) AS kept,
                 '{0}'::int[] || array_agg(k.missed ORDER BY k.n) AS missed
            FROM (SELECT (e ->> 'occurred_at')::timestamptz AS at, n,
                         (sum((e ->> 'kept')::int) OVER (ORDER BY n))::int AS kept,
                         (sum((e ->> 'missed')::int) OVER (ORDER BY n))::int AS missed
                    FROM jsonb_array_elements(t.recent_commitments) WITH ORDINALITY AS x (e, n)) k) r
       WHERE g.practice_id = t.practice_id AND g.id = t.id AND t.recent_commitments <> '[]'::jsonb`);
    await queryRunner.query(`ALTER TABLE trust_goals DROP COLUMN recent_commitments`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE trust_goals ADD COLUMN recent_commitments jsonb NOT NULL DEFAULT '[]'::jsonb`,
    );
    await queryRunner.query(`
      UPDATE trust_goals g SET recent_commitments = r.recent
        FROM trust_goals t CROSS JOIN LATERAL (
          SELECT jsonb_agg(jsonb_build_object('occurred_at', t.recent_check_in_at[i],
                                              'kept', t.recent_kept_totals[i + 1] - t.recent_kept_totals[i],
                                              'missed', t.recent_missed_totals[i + 1] - t.recent_missed_totals[i])
                           ORDER BY i) AS recent
            FROM generate_subscripts(t.recent_check_in_at, 1) AS i) r
       WHERE g.practice_id = t.practice_id AND g.id = t.id AND cardinality(t.recent_check_in_at) > 0`);
    await queryRunner.query(`
      ALTER TABLE trust_goals
        DROP COLUMN recent_check_in_at, DROP COLUMN recent_kept_totals, DROP COLUMN recent_missed_totals`);
  }
}
