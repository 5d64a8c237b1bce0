import { runMigrations } from '../migrate';
import { refuseArguments, runWithDatabase } from './run-with-database';

const USAGE = 'Usage: npm run migration:run';

runWithDatabase(
  {
    usage: USAGE,
    description:
      'Applies every pending migration as the owner role (MIGRATION_DATABASE_URL, or the embedded owner) and lists them.',
  },
  async ({ config, database }) => {
    refuseArguments(USAGE);
    const applied = await runMigrations(config.database, database.migrationUrl, database.appRole);
    process.stdout.write(
      applied.length > 0 ? `Applied: ${applied.join(', ')}\n` : 'The database is up to date.\n',
    );
  },
);
