import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Failed sign-ins per account and source. Counting them per (account, source) lets a source that
 * keeps guessing be refused without locking the owner out from anywhere else; counting them per
 * account over the last hour caps a distributed guess at the ASVS V2.2.1 ceiling. Rows older than
 * an hour are deleted as new ones arrive, so an account never holds more than about an hour's worth.
 * They replace the account-wide count of failures in a row, which anyone could run up.
 */
export class CreateLoginFailures1763713200000 implements MigrationInterface {
  name = 'CreateLoginFailures1763713200000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE login_failures (
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        practice_id uuid NOT NULL,
        staff_id uuid NOT NULL,
        source text NOT NULL,
        failed_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT pk_login_failures PRIMARY KEY (id),
        CONSTRAINT fk_login_failures_staff FOREIGN KEY (practice_id, staff_id) REFERENCES staff (practice_id, id)
      )`);
    await queryRunner.query(
      `CREATE INDEX ix_login_failures_practice_staff_time ON login_failures (practice_id, staff_id, failed_at)`,
    );
    await queryRunner.query(`ALTER TABLE staff DROP COLUMN failed_login_count`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE staff ADD COLUMN failed_login_count integer NOT NULL DEFAULT 0`,
    );
    await queryRunner.query(`DROP TABLE login_failures`);
  }
}
