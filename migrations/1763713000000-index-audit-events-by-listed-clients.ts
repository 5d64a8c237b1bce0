import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * An event that discloses many clients at once (a dashboard) lists them in `metadata.clientIds`
 * instead of being recorded once per client; each client's access log finds it through this index.
 */
export class IndexAuditEventsByListedClients1763713000000 implements MigrationInterface {
  name = 'IndexAuditEventsByListedClients1763713000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE INDEX ix_audit_events_listed_clients ON audit_events USING gin ((metadata -> 'clientIds') jsonb_path_ops)
         WHERE metadata ? 'clientIds'`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX ix_audit_events_listed_clients`);
  }
}
