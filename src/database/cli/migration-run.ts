import { runMigrations } from '../migrate';
import { runWithDatabase } from './run-with-database';

runWithDatabase(async ({ config, database }) => {
  const applied = await runMigrations(config.database, database.migrationUrl, database.appRole);
  process.stdout.write(
    applied.length > 0 ? `Applied: ${applied.join(', ')}\n` : 'The database is up to date.\n',
  );
});
