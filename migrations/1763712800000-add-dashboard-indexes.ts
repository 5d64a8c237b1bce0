import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Indexes the dashboards need at practice scale: unsigned notes by status (awaiting co-signature,
 * returned, drafts) without scanning every signed note, and a counselor's completed sessions.
 */
export class AddDashboardIndexes1763712800000 implements MigrationInterface {
  name = 'AddDashboardIndexes1763712800000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE INDEX ix_session_notes_practice_unsigned ON session_notes (practice_id, status, author_id)
         WHERE status <> 'signed'`,
    );
    await queryRunner.query(
      `CREATE INDEX ix_therapy_sessions_practice_counselor_completed ON therapy_sessions (practice_id, counselor_id, ends_at)
         WHERE status = 'completed'`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX ix_therapy_sessions_practice_counselor_completed`);
    await queryRunner.query(`DROP INDEX ix_session_notes_practice_unsigned`);
  }
}
