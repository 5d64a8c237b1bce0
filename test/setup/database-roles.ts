import { Client } from 'pg';
import type { DataSource } from 'typeorm';
import { ensureLoginRole, withRole, type RoleCredentials } from '../../src/database/database-roles';
import { withDatabase } from './database-url';

/**
 * The roles every test database is used through, as in production: the owner migrates (and owns
 * the template, hence every clone), the application role is what each test app connects as.
 * Roles are cluster-wide, so they are created once per run with fixed passwords.
 */
export const TEST_OWNER_ROLE: RoleCredentials = {
  name: 'ft_test_owner',
  password: 'ft-test-owner-password',
};
export const TEST_APP_ROLE: RoleCredentials = {
  name: 'ft_test_app',
  password: 'ft-test-app-password',
};

/** Creates (or resets) both roles through the superuser (or CREATEROLE) URL. */
export async function ensureTestRoles(adminUrl: string): Promise<void> {
  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await ensureLoginRole(admin, TEST_OWNER_ROLE);
    await ensureLoginRole(admin, TEST_APP_ROLE);
    // A non-superuser admin (external DATABASE_URL with CREATEROLE) must be able to act as the
    // owner to create databases it owns.
    const [{ superuser }] = (
      await admin.query<{ superuser: boolean }>(
        'SELECT rolsuper AS superuser FROM pg_roles WHERE rolname = current_user',
      )
    ).rows as [{ superuser: boolean }];
    if (!superuser) {
      await admin.query(`GRANT ${admin.escapeIdentifier(TEST_OWNER_ROLE.name)} TO CURRENT_USER`);
    }
  } finally {
    await admin.end();
  }
}

/** A test database's URL as its owner. */
export function ownerUrlOf(adminUrl: string, database: string): string {
  return withRole(withDatabase(adminUrl, database), TEST_OWNER_ROLE);
}

/** A test database's URL as the application role. */
export function appUrlOf(adminUrl: string, database: string): string {
  return withRole(withDatabase(adminUrl, database), TEST_APP_ROLE);
}

/** The same database as the owner: for tests that change the schema (a trigger, a migration). */
export function asOwner(url: string): string {
  return withRole(url, TEST_OWNER_ROLE);
}

/** The superuser's URL that jest's global setup left for the workers. */
function testAdminUrl(): string {
  const adminUrl = process.env.TEST_DB_ADMIN_URL;
  if (!adminUrl) throw new Error('jest global setup did not run');
  return adminUrl;
}

/** A test app's data source, or a database URL. */
export type DatabaseTarget = DataSource | string;

/**
 * Runs SQL on the target's database as the superuser: for tests that tamper with what the
 * application role may not touch (the audit trail, append-only records) to show that the
 * triggers or the chain still notice. Never a reason to widen the application's grants.
 */
export async function adminQuery<T = Record<string, unknown>>(
  target: DatabaseTarget,
  sql: string,
  params: unknown[] = [],
): Promise<T[]> {
  const adminUrl = testAdminUrl();
  return queryOnce(withDatabase(adminUrl, databaseOf(target)), sql, params);
}

/**
 * Runs SQL on the target's database as its owner: for fixtures the API itself never writes
 * (a practice and its settings, which only the operator creates) and for schema changes a test
 * makes for itself.
 */
export async function ownerQuery<T = Record<string, unknown>>(
  target: DatabaseTarget,
  sql: string,
  params: unknown[] = [],
): Promise<T[]> {
  const adminUrl = testAdminUrl();
  return queryOnce(ownerUrlOf(adminUrl, databaseOf(target)), sql, params);
}

/** Like {@link adminQuery}, several statements in one transaction (e.g. around a disabled trigger). */
export async function adminTransaction(
  target: DatabaseTarget,
  work: (sql: (text: string, params?: unknown[]) => Promise<unknown>) => Promise<void>,
): Promise<void> {
  const adminUrl = testAdminUrl();
  const client = new Client({ connectionString: withDatabase(adminUrl, databaseOf(target)) });
  await client.connect();
  try {
    await client.query('BEGIN');
    await work((text, params) => client.query(text, params));
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    await client.end();
  }
}

function databaseOf(target: DatabaseTarget): string {
  const url = typeof target === 'string' ? target : (target.options as { url?: string }).url;
  if (!url) throw new Error('the data source was not configured with a URL');
  return decodeURIComponent(new URL(url).pathname.slice(1));
}

async function queryOnce<T>(url: string, sql: string, params: unknown[]): Promise<T[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql, params)).rows as T[];
  } finally {
    await client.end();
  }
}
