import 'reflect-metadata';
import type { Logger } from 'pino';
import { ConfigError, loadConfig, type AppConfig } from '../../config/app-config';
import { createLogger } from '../../common/logging/logger';
import type { DatabaseServer } from '../database-server';
import { findOrStartDatabase } from './find-or-start-database';

/** How an operator command is called, printed by `--help`. */
export interface CommandHelp {
  usage: string;
  description: string;
}

const DATABASE_HELP =
  'Database: DATABASE_URL (and MIGRATION_DATABASE_URL) when set; otherwise the embedded PostgreSQL ' +
  'in the data folder, joined when the API is running, else started for the command and stopped after it.';

/**
 * Runs an operator command against the configured database (see {@link findOrStartDatabase}) and
 * exits with a clear one-line error on failure; `--help` prints `help` and exits 0 without touching
 * anything. `url` is the application role; commands that change the schema or create practices use
 * `database.migrationUrl` (the owner).
 */
export function runWithDatabase(
  help: CommandHelp,
  command: (context: {
    config: AppConfig;
    logger: Logger;
    url: string;
    database: DatabaseServer;
  }) => Promise<void>,
): void {
  const args = process.argv.slice(2);
  if (args.includes('--help') || args.includes('-h')) {
    process.stdout.write(`${help.usage}\n\n${help.description}\n\n${DATABASE_HELP}\n`);
    process.exit(0);
  }
  const run = async (): Promise<void> => {
    const config = loadConfig(process.env);
    const logger = createLogger(config.logLevel);
    const database = await findOrStartDatabase(config, logger);
    try {
      await command({ config, logger, url: database.url, database });
    } finally {
      await database.stop();
    }
  };
  run().then(
    () => process.exit(0),
    (error: unknown) => {
      const message = error instanceof Error ? error.message : String(error);
      process.stderr.write(`${error instanceof ConfigError ? '' : 'Failed: '}${message}\n`);
      process.exit(1);
    },
  );
}

/** Refuses arguments a command does not take, naming them, with the usage line. */
export function refuseArguments(usage: string): void {
  const extra = process.argv.slice(2);
  if (extra.length > 0) throw new Error(`Unknown argument ${extra[0]}. ${usage}`);
}
