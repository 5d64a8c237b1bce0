import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Lets the dashboards read a caseload's clients, goals and sessions from compact indexes instead
 * of one heap page per row (issue 19). A supervisor's caseload (~2,500 clients) is scattered over
 * the practice's tables, so every client and every goal it holds was a page of its own: at ten
 * times the practice those pages no longer stay in PostgreSQL's buffer cache and each dashboard
 * read them again, which made it cost twice as much for the same caseload. Covering indexes hold
 * what the sections read in a fraction of the space (the goals' attention facts in a quarter of
 * the table), so the caseload's entries stay cached and the reads are index-only:
 * - clients: status, number and the month's counting dates (caseload by status, the team's active
 *   caseload, the listed-client check of goals needing attention);
 * - active goals by client: everything goal-attention.ts judges, and what the list returns;
 * - a counselor's sessions by start: their status (sessions this week and the no-show rate of the
 *   team dashboard); it replaces the index of the same key, under the same name.
 */
export class CoverDashboardReads1763714700000 implements MigrationInterface {
  name = 'CoverDashboardReads1763714700000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE INDEX ix_clients_practice_id_dashboard ON clients (practice_id, id)
         INCLUDE (status, client_number, created_at, discharged_on)`,
    );
    await queryRunner.query(
      `CREATE INDEX ix_trust_goals_practice_client_attention ON trust_goals (practice_id, client_id)
         INCLUDE (id, created_at, target_date, achievement_status, start_date, last_check_in_at,
                  suggested_achievement_status, recent_check_in_at, recent_kept_totals, recent_missed_totals)
         WHERE lifecycle_status = 'active'`,
    );
    await replaceCounselorStartIndex(queryRunner, 'INCLUDE (status)');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await replaceCounselorStartIndex(queryRunner, '');
    await queryRunner.query(`DROP INDEX ix_trust_goals_practice_client_attention`);
    await queryRunner.query(`DROP INDEX ix_clients_practice_id_dashboard`);
  }
}

/** Builds the counselor-by-start index again with `include`, keeping its name. */
async function replaceCounselorStartIndex(queryRunner: QueryRunner, include: string) {
  await queryRunner.query(
    `CREATE INDEX ix_therapy_sessions_practice_counselor_start_new
       ON therapy_sessions (practice_id, counselor_id, starts_at) ${include}`,
  );
  await queryRunner.query(`DROP INDEX ix_therapy_sessions_practice_counselor_start`);
  await queryRunner.query(
    `ALTER INDEX ix_therapy_sessions_practice_counselor_start_new RENAME TO ix_therapy_sessions_practice_counselor_start`,
  );
}
