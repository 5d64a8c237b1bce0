import type { Logger } from 'pino';
import type { AppConfig } from '../config/app-config';
import { assertApplicationRole, DatabaseRoleError, roleOf } from './database-roles';
import type * as EmbeddedModule from './embedded-postgres';

/** Where the API's database is, as which roles, and how to stop it if this process started it. */
export interface DatabaseServer {
  /** The application role: every connection the running API keeps open. */
  url: string;
  /** The owner role: migrations (and the demo seed) before the API starts, then closed. */
  migrationUrl: string;
  /** The role the migrations grant the application's privileges to. */
  appRole: string;
  /** Where `url` came from, for the start-up role check's message. */
  urlSource: string;
  /** True when one URL serves both (no MIGRATION_DATABASE_URL): tolerated outside production only. */
  singleRole: boolean;
  embedded: boolean;
  stop(): Promise<void>;
}

/**
 * Uses `DATABASE_URL` (and `MIGRATION_DATABASE_URL`) when set; otherwise starts the embedded
 * PostgreSQL in the data folder, which has both roles.
 */
export async function openDatabaseServer(
  config: AppConfig,
  logger: Logger,
): Promise<DatabaseServer> {
  const { url, migrationUrl } = config.database;
  if (url) {
    return {
      url,
      migrationUrl: migrationUrl ?? url,
      appRole: roleOf(url),
      urlSource: 'DATABASE_URL',
      singleRole: !migrationUrl,
      embedded: false,
      stop: () => Promise.resolve(),
    };
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
  return {
    url: server.url,
    migrationUrl: server.ownerUrl,
    appRole: server.appRole,
    urlSource: 'the embedded application role',
    singleRole: false,
    embedded: true,
    stop: () => server.stop(),
  };
}

/**
 * The start-up check that the running API holds no more than its grants (see
 * {@link assertApplicationRole}). With a single URL outside production it only warns: the role
 * that migrated owns the tables, which a development set-up may accept knowingly.
 */
export async function verifyApplicationRole(
  database: DatabaseServer,
  config: AppConfig,
  logger: Logger,
): Promise<void> {
  try {
    await assertApplicationRole(database.url, database.urlSource, {
      ssl: config.database.ssl ? { rejectUnauthorized: true } : false,
    });
  } catch (error) {
    if (!(error instanceof DatabaseRoleError) || !database.singleRole || config.isProduction) {
      throw error;
    }
    logger.warn(
      { problem: error.message },
      'DATABASE_URL is used for migrations and the API alike, so the API can switch off the ' +
        'audit triggers and rewrite the audit trail. Set MIGRATION_DATABASE_URL to the owner role ' +
        'and DATABASE_URL to an application role (docs/database.md, "Roles"); production refuses to start like this.',
    );
  }
}
