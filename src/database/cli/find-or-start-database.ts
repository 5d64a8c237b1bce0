import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { Client } from 'pg';
import type { AppConfig } from '../../config/app-config';
import { openDatabaseServer, type DatabaseServer } from '../database-server';
import type * as EmbeddedModule from '../embedded-postgres';

const DATABASE = 'family_therapy';

/** A PostgreSQL server already running on the embedded data folder (e.g. under `npm start`). */
export interface RunningEmbeddedServer {
  pid: number;
  port: number;
}

/**
 * The database an operator command works on, without disturbing a running API: `DATABASE_URL`
 * when set; otherwise the embedded server already running on the data folder (the one `npm start`
 * started, which the command joins and leaves running), or else one the command starts and stops.
 * Starting a second server on a running folder is what fails with PostgreSQL's lock-file error.
 */
export async function findOrStartDatabase(
  config: AppConfig,
  logger: Logger,
): Promise<DatabaseServer> {
  if (config.database.url) return openDatabaseServer(config, logger);
  const running = runningEmbeddedServer(config.embedded.dataDir);
  if (running) {
    const joined = joinRunningServer(config.embedded.dataDir, running.port);
    if (await answers(joined.migrationUrl)) {
      logger.info(running, 'using the embedded PostgreSQL that is already running');
      return joined;
    }
  }
  return openDatabaseServer(config, logger);
}

/**
 * The server running on `dataDir`, from its `postmaster.pid` (PID on the first line, port on the
 * fourth), when that process is alive; undefined when none runs or the file is left from a crash.
 */
export function runningEmbeddedServer(dataDir: string): RunningEmbeddedServer | undefined {
  const file = join(dataDir, 'postmaster.pid');
  if (!existsSync(file)) return undefined;
  const lines = readFileSync(file, 'utf8').split('\n');
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  if (!Number.isInteger(pid) || pid <= 0 || !Number.isInteger(port) || port <= 0) return undefined;
  return isAlive(pid) ? { pid, port } : undefined;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: alive, but another user's (the `postgres` user's, when the API runs as root).
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Whether the server takes connections: a PID file can outlive its server, and PIDs are reused. */
async function answers(url: string): Promise<boolean> {
  const client = new Client({ connectionString: url });
  try {
    await client.connect();
    await client.end();
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ECONNREFUSED') return false;
    throw error;
  }
}

function joinRunningServer(dataDir: string, port: number): DatabaseServer {
  // Required lazily, like the API does, so a DATABASE_URL deployment never loads the binaries.
  const { embeddedCredentials, embeddedUrls } =
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    require('../embedded-postgres') as typeof EmbeddedModule;
  const credentials = embeddedCredentials(dataDir, (file) => {
    if (!existsSync(file)) {
      throw new Error(
        `${file} is missing, so the running embedded PostgreSQL cannot be reached; stop the API and run the command again`,
      );
    }
    return readFileSync(file, 'utf8').trim();
  });
  const urls = embeddedUrls(port, DATABASE, credentials);
  return {
    url: urls.url,
    migrationUrl: urls.ownerUrl,
    appRole: urls.appRole,
    urlSource: 'the embedded application role',
    singleRole: false,
    embedded: true,
    // Not ours to stop: it belongs to the process that started it.
    stop: () => Promise.resolve(),
  };
}
