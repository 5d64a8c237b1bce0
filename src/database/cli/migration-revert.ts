import { revertLastMigration } from '../migrate';
import { refuseArguments, runWithDatabase } from './run-with-database';

const USAGE = 'Usage: npm run migration:revert';

runWithDatabase(
  {
    usage: USAGE,
    description:
      'Reverts the most recently applied migration (its `down`) as the owner role and names it. Run it again to revert the one before.',
  },
  async ({ config, database }) => {
    refuseArguments(USAGE);
    const reverted = await revertLastMigration(
      config.database,
      database.migrationUrl,
      database.appRole,
    );
    process.stdout.write(
      reverted ? `Reverted: ${reverted}\n` : 'Nothing to revert: no migration has been applied.\n',
    );
  },
);
