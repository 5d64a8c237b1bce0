import { Client } from 'pg';
import { appUrlOf, ownerUrlOf, TEST_OWNER_ROLE } from './database-roles';

/**
 * This worker's database, cloned from the migrated template on first use, as the application
 * role (what the API runs as). Tests never share state through it: each builds its own practice
 * and people.
 */
export async function workerDatabaseUrl(): Promise<string> {
  return appUrlOf(...(await workerDatabase()));
}

/** This worker's database as its owner: for tests that read the migrations or change the schema. */
export async function workerOwnerUrl(): Promise<string> {
  return ownerUrlOf(...(await workerDatabase()));
}

async function workerDatabase(): Promise<[adminUrl: string, name: string]> {
  const {
    TEST_DB_ADMIN_URL: adminUrl,
    TEST_DB_TEMPLATE: template,
    TEST_RUN_ID: runId,
  } = process.env;
  if (!adminUrl || !template || !runId) throw new Error('jest global setup did not run');
  const name = `ft_worker_${runId}_${process.env.JEST_WORKER_ID ?? '1'}`;
  await createDatabase(adminUrl, name, template);
  return [adminUrl, name];
}

/** A fresh, migrated, empty database for a test that needs one to itself (as the application role). */
export async function isolatedDatabaseUrl(label: string): Promise<string> {
  const {
    TEST_DB_ADMIN_URL: adminUrl,
    TEST_DB_TEMPLATE: template,
    TEST_RUN_ID: runId,
  } = process.env;
  if (!adminUrl || !template || !runId) throw new Error('jest global setup did not run');
  const name = `ft_${label}_${runId}_${Math.random().toString(36).slice(2, 8)}`;
  await createDatabase(adminUrl, name, template);
  return appUrlOf(adminUrl, name);
}

async function createDatabase(adminUrl: string, name: string, template?: string): Promise<void> {
  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    const { rowCount } = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (rowCount) return;
    await admin.query(
      `CREATE DATABASE ${name}${template ? ` TEMPLATE ${template}` : ''} OWNER ${TEST_OWNER_ROLE.name}`,
    );
  } catch (error) {
    // Another spec file of this worker may have created it a moment ago.
    if ((error as { code?: string }).code !== '42P04') throw error;
  } finally {
    await admin.end();
  }
}

/** An empty database owned by the owner role, as the owner: for running migrations on. */
export async function createEmptyDatabase(label: string): Promise<string> {
  const { TEST_DB_ADMIN_URL: adminUrl, TEST_RUN_ID: runId } = process.env;
  if (!adminUrl || !runId) throw new Error('jest global setup did not run');
  const name = `ft_${label}_${runId}_${Math.random().toString(36).slice(2, 8)}`;
  await createDatabase(adminUrl, name);
  return ownerUrlOf(adminUrl, name);
}
