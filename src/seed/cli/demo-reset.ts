import { parseArgs } from 'node:util';
import { createApp } from '../../bootstrap/create-app';
import { runWithDatabase } from '../../database/cli/run-with-database';
import { runMigrations } from '../../database/migrate';
import { DEMO_PRACTICE_NAME, resetDemoPractice } from '../demo-seed';

const DESCRIPTION = `Deletes the demo practice "${DEMO_PRACTICE_NAME}" (its records and its audit trail) and seeds it
again, dated from today in its time zone. Works whether or not the API is running. Refused in
production. The logins keep the password DEMO_PASSWORD (default riverside-demo-2026).
`;

/**
 * Operator command: rebuilds the demo practice through an instance of the API of its own (not
 * listening publicly), against the embedded database or DATABASE_URL.
 */
runWithDatabase(
  {
    usage: 'Usage: npm run demo:reset',
    description: DESCRIPTION,
  },
  async ({ config, logger, database }) => {
    parseArgs({ options: {}, strict: true });
    if (config.isProduction) throw new Error('demo:reset is refused with NODE_ENV=production');
    await runMigrations(config.database, database.migrationUrl, database.appRole);
    const app = await createApp({ config, logger, databaseUrl: database.url });
    try {
      await resetDemoPractice({
        ownerUrl: database.migrationUrl,
        app,
        password: config.demoPassword,
      });
    } finally {
      await app.close();
    }
    process.stdout.write(`Demo practice "${DEMO_PRACTICE_NAME}" rebuilt for today.\n`);
  },
);
