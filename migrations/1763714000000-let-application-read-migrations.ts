import type { MigrationInterface, QueryRunner } from 'typeorm';
import { grantToApplication } from '../src/database/application-grants';

/**
 * Readiness answers 503 while the database lacks a migration the running build needs, so the
 * application role reads which migrations were applied. Reading only: the list is no secret to
 * the API, and only the owner role migrates.
 */
export class LetApplicationReadMigrations1763714000000 implements MigrationInterface {
  name = 'LetApplicationReadMigrations1763714000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await grantToApplication(queryRunner, 'schema_migrations', ['SELECT']);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    // Revokes from whoever holds a grant, so it needs no application role to be named.
    await queryRunner.query(`
      DO $$
      DECLARE grantee regrole;
      BEGIN
        FOR grantee IN
          SELECT DISTINCT a.grantee::regrole FROM pg_class c, aclexplode(c.relacl) a
           WHERE c.oid = 'schema_migrations'::regclass AND a.grantee NOT IN (c.relowner, 0)
        LOOP
          EXECUTE format('REVOKE ALL ON schema_migrations FROM %s', grantee);
        END LOOP;
      END $$`);
  }
}
