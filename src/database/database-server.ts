import type { Logger } from 'pino';
import type { AppConfig } from '../config/app-config';
import type * as EmbeddedModule from './embedded-postgres';

/** Where the API's database is, and how to stop it if this process started it. */
export interface DatabaseServer {
  url: string;
  embedded: boolean;
  stop(): Promise<void>;
}

/** Uses `DATABASE_URL` when set; otherwise starts the embedded PostgreSQL in the data folder. */
export async function openDatabaseServer(
  config: AppConfig,
  logger: Logger,
): Promise<DatabaseServer> {
  if (config.database.url) {
    return { url: config.database.url, embedded: false, stop: () => Promise.resolve() };
  }
  // Required lazily, so that a deployment with DATABASE_URL never loads the embedded binaries.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { startEmbeddedPostgres } = require('./embedded-postgres') as typeof EmbeddedModule;
  const log = logger.child({ component: 'embedded-postgres' });
  log.info(
    { dataDir: config.embedded.dataDir, port: config.embedded.port },
    'starting embedded PostgreSQL',
  );
  const server = await startEmbeddedPostgres({
    dataDir: config.embedded.dataDir,
    port: config.embedded.port,
    database: 'family_therapy',
    log: (line) => log.debug({ line }, 'postgres'),
  });
  return { url: server.url, embedded: true, stop: () => server.stop() };
}
