import type { QueryRunner } from 'typeorm';

/**
 * The session setting through which the migration runner tells the migrations which role the API
 * runs as (the user of `DATABASE_URL`, or the embedded application role). Migrations grant to it.
 */
export const APP_ROLE_SETTING = 'family_therapy.app_role';

/** The privileges the application role may hold on a table: never TRUNCATE, REFERENCES, TRIGGER. */
export type TablePrivilege = 'SELECT' | 'INSERT' | 'UPDATE' | 'DELETE';

/**
 * Grants the application role exactly `privileges` on `table`. Every migration that creates a
 * table calls this for it: nothing is granted by default (docs/database.md, "Roles").
 */
export async function grantToApplication(
  queryRunner: QueryRunner,
  table: string,
  privileges: readonly TablePrivilege[],
): Promise<void> {
  const role = await applicationRole(queryRunner);
  await queryRunner.query(`GRANT ${privileges.join(', ')} ON TABLE ${table} TO ${role}`);
}

/** The application role, quoted for SQL; fails the migration if the runner did not say it. */
export async function applicationRole(queryRunner: QueryRunner): Promise<string> {
  const [row] = (await queryRunner.query(
    `SELECT quote_ident(nullif(current_setting($1, true), '')) AS role`,
    [APP_ROLE_SETTING],
  )) as { role: string | null }[];
  if (!row?.role) {
    throw new Error(
      `${APP_ROLE_SETTING} is not set: run migrations through src/database/migrate.ts, which names the application role`,
    );
  }
  return row.role;
}
