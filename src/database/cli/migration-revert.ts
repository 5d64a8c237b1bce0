import { revertLastMigration } from '../migrate';
import { runWithDatabase } from './run-with-database';

runWithDatabase(async ({ config, database }) => {
  await revertLastMigration(config.database, database.migrationUrl, database.appRole);
  process.stdout.write('Reverted the most recent migration.\n');
});
