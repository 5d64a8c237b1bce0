import { revertLastMigration } from '../migrate';
import { runWithDatabase } from './run-with-database';

runWithDatabase(async ({ config, url }) => {
  await revertLastMigration(config.database, url);
  process.stdout.write('Reverted the most recent migration.\n');
});
