import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Access tokens carry the staff member's `token_version` when they were issued. Raising it (a
 * password change, a role change, a deactivation) ends every access token issued before, on the
 * next request, instead of when each one expires.
 */
export class VersionStaffAccessTokens1763713100000 implements MigrationInterface {
  name = 'VersionStaffAccessTokens1763713100000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE staff ADD COLUMN token_version integer NOT NULL DEFAULT 1`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE staff DROP COLUMN token_version`);
  }
}
