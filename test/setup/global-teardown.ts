import { Client } from 'pg';

/** Drops this run's databases (external server) or stops the embedded server (its folder is temp). */
export default async function globalTeardown(): Promise<void> {
  const embedded = globalThis.__TEST_EMBEDDED_PG__;
  if (embedded) {
    await embedded.stop();
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
