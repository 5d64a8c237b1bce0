import { rmSync } from 'node:fs';
import { Client } from 'pg';

/**
 * Drops this run's databases (external server), or stops the embedded server and removes its temp
 * folder: the server is persistent (it survives its own stop), so the folder, over 600 MB after a
 * full run, stayed behind after every run until /tmp filled up.
 */
export default async function globalTeardown(): Promise<void> {
  const embedded = globalThis.__TEST_EMBEDDED_PG__;
  if (embedded) {
    await embedded.stop();
    const folder = globalThis.__TEST_EMBEDDED_PG_FOLDER__;
    if (folder) rmSync(folder, { recursive: true, force: true });
    return;
  }
  const adminUrl = process.env.TEST_DB_ADMIN_URL;
  const runId = process.env.TEST_RUN_ID;
  if (!adminUrl || !runId) return;
  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    const { rows } = await admin.query<{ datname: string }>(
      `SELECT datname FROM pg_database WHERE datname LIKE $1`,
      [`ft\\_%\\_${runId}%`],
    );
    for (const { datname } of rows) {
      await admin.query(`DROP DATABASE IF EXISTS ${admin.escapeIdentifier(datname)} WITH (FORCE)`);
    }
  } finally {
    await admin.end();
  }
}
