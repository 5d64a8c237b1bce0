import { chmodSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { loadConfig } from '../../src/config/app-config';
import { startEmbeddedPostgres, type EmbeddedDatabase } from '../../src/database/embedded-postgres';
import { runMigrations } from '../../src/database/migrate';
import { ensureTestRoles, ownerUrlOf, TEST_APP_ROLE, TEST_OWNER_ROLE } from './database-roles';
import { freePort } from './free-port';

declare global {
  var __TEST_EMBEDDED_PG__: EmbeddedDatabase | undefined;
  /** The embedded server's temp folder, removed by the teardown. */
  var __TEST_EMBEDDED_PG_FOLDER__: string | undefined;
}

/**
 * Boots PostgreSQL once per run (embedded, in a temp folder, unless DATABASE_URL points at a
 * server), migrates a template database as the owner role, and tells the workers where it is.
 * Each worker then clones its own database from the template (see test-database.ts); a clone
 * keeps the template's owners and grants, so test apps connect as the application role.
 */
export default async function globalSetup(): Promise<void> {
  const runId = `${Date.now().toString(36)}_${process.pid}`;
  let adminUrl = process.env.DATABASE_URL;
  if (!adminUrl) {
    // Under /tmp so that, as root, the unprivileged postgres user can reach it.
    const folder = mkdtempSync(join(tmpdir(), 'family-therapy-test-'));
    chmodSync(folder, 0o755); // mkdtemp makes it 0700; as root, postgres must traverse it
    const dataDir = join(folder, 'postgres');
    const server = await startEmbeddedPostgres({
      dataDir,
      port: await freePort(),
      database: 'postgres',
    });
    globalThis.__TEST_EMBEDDED_PG__ = server;
    globalThis.__TEST_EMBEDDED_PG_FOLDER__ = folder;
    adminUrl = server.adminUrl;
  }
  await ensureTestRoles(adminUrl);
  const template = `ft_template_${runId}`;
  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${template} OWNER ${TEST_OWNER_ROLE.name}`);
  } finally {
    await admin.end();
  }
  const config = loadConfig({ NODE_ENV: 'test', JWT_SECRET: 'x'.repeat(48) });
  await runMigrations(config.database, ownerUrlOf(adminUrl, template), TEST_APP_ROLE.name);
  process.env.TEST_DB_ADMIN_URL = adminUrl;
  process.env.TEST_DB_TEMPLATE = template;
  process.env.TEST_RUN_ID = runId;
}
