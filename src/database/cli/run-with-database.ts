import 'reflect-metadata';
import type { Logger } from 'pino';
import { ConfigError, loadConfig, type AppConfig } from '../../config/app-config';
import { createLogger } from '../../common/logging/logger';
import { openDatabaseServer, type DatabaseServer } from '../database-server';

/**
 * Runs an operator command against the configured database (embedded or `DATABASE_URL`), starting
 * and stopping the embedded server around it, and exits with a clear one-line error on failure.
 * `url` is the application role; commands that change the schema or create practices use
 * `database.migrationUrl` (the owner).
 */
export function runWithDatabase(
  command: (context: {
    config: AppConfig;
    logger: Logger;
    url: string;
    database: DatabaseServer;
  }) => Promise<void>,
): void {
  const run = async (): Promise<void> => {
    const config = loadConfig(process.env);
    const logger = createLogger(config.logLevel);
    const database = await openDatabaseServer(config, logger);
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
