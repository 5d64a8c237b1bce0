import { Client, type ClientConfig } from 'pg';

/**
 * The two roles the API uses (docs/database.md, "Roles"): the owner, which runs migrations and owns
 * the schema, and the application role, which the running API connects as and which owns nothing.
 */
export interface RoleCredentials {
  name: string;
  password: string;
}

/** Raised at start when the application role could undo what the database enforces. */
export class DatabaseRoleError extends Error {
  override readonly name = 'DatabaseRoleError';
}

/** The role a URL connects as: role names come from the URLs, not from separate settings. */
export function roleOf(url: string): string {
  return decodeURIComponent(new URL(url).username);
}

/** The same URL signed in as another role. */
export function withRole(url: string, role: RoleCredentials): string {
  const parsed = new URL(url);
  parsed.username = encodeURIComponent(role.name);
  parsed.password = encodeURIComponent(role.password);
  return parsed.toString();
}

/**
 * Creates a login role that is not a superuser and cannot create roles or databases, or brings an
 * existing one back to that and to `password` (the password files are the source of truth).
 */
export async function ensureLoginRole(admin: Client, role: RoleCredentials): Promise<void> {
  const name = admin.escapeIdentifier(role.name);
  const password = admin.escapeLiteral(role.password);
  const { rowCount } = await admin.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [role.name]);
  const verb = rowCount ? 'ALTER' : 'CREATE';
  await admin.query(
    `${verb} ROLE ${name} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS PASSWORD ${password}`,
  );
}

/**
 * Makes `owner` the owner of `database` and of everything the migrations created in its `public`
 * schema. A data folder from before the roles existed has it all owned by the superuser; objects an
 * extension installed stay with the extension.
 */
export async function adoptDatabase(
  adminUrl: string,
  database: string,
  owner: string,
): Promise<void> {
  const parsed = new URL(adminUrl);
  parsed.pathname = `/${database}`;
  const client = new Client({ connectionString: parsed.toString() });
  await client.connect();
  try {
    await client.query(
      `ALTER DATABASE ${client.escapeIdentifier(database)} OWNER TO ${client.escapeIdentifier(owner)}`,
    );
    await client.query(`SELECT set_config('family_therapy.adopt_owner', $1, false)`, [owner]);
    await client.query(ADOPT_OBJECTS_SQL);
  } finally {
    await client.end();
  }
}

// Tables first: their owned sequences and indexes follow them, and a sequence linked to a table
// cannot change owner by itself.
const ADOPT_OBJECTS_SQL = `
  DO $$
  DECLARE
    owner text := current_setting('family_therapy.adopt_owner');
    item record;
  BEGIN
    FOR item IN
      SELECT c.oid::regclass AS name, c.relkind FROM pg_class c
        JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'v', 'm', 'f', 'S')
         AND pg_get_userbyid(c.relowner) <> owner
         AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass
                           AND d.objid = c.oid AND d.deptype IN ('e', 'a', 'i'))
       ORDER BY c.relkind = 'S'
    LOOP
      EXECUTE format('ALTER %s %s OWNER TO %I',
        CASE WHEN item.relkind = 'S' THEN 'SEQUENCE' ELSE 'TABLE' END, item.name, owner);
    END LOOP;
    FOR item IN
      SELECT p.oid::regprocedure AS name FROM pg_proc p
        JOIN pg_namespace n ON n.oid = p.pronamespace
       WHERE n.nspname = 'public' AND pg_get_userbyid(p.proowner) <> owner
         AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_proc'::regclass
                           AND d.objid = p.oid AND d.deptype = 'e')
    LOOP
      EXECUTE format('ALTER ROUTINE %s OWNER TO %I', item.name, owner);
    END LOOP;
  END $$`;

/**
 * Refuses an application role that could switch the audit triggers off or rewrite the tables: a
 * superuser, or a role that owns (or is a member of the owner of) the database, a schema or a table
 * in it. `variable` names where the URL came from, so the message says what to change.
 */
export async function assertApplicationRole(
  url: string,
  variable: string,
  connection: Pick<ClientConfig, 'ssl'> = {},
): Promise<void> {
  const client = new Client({ ...connection, connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{
      role: string;
      superuser: boolean;
      owns_database: boolean;
      owned_schemas: string[];
      owned_tables: string[];
    }>(APPLICATION_ROLE_SQL);
    const found = rows[0];
    if (!found) throw new DatabaseRoleError(`${variable}: cannot read the role it connects as`);
    const problems = [
      found.superuser && 'is a superuser',
      found.owns_database && 'owns the database',
      found.owned_schemas.length > 0 && `owns the schema ${found.owned_schemas.join(', ')}`,
      found.owned_tables.length > 0 &&
        `owns ${found.owned_tables.length} table(s) (${found.owned_tables.slice(0, 3).join(', ')}…)`,
    ].filter((problem): problem is string => typeof problem === 'string');
    if (problems.length > 0) {
      throw new DatabaseRoleError(
        `${variable} connects as role "${found.role}", which ${problems.join(' and ')}: the API ` +
          `must run as a role that owns nothing and only has the grants of the migrations. ` +
          `Run migrations as the owner (MIGRATION_DATABASE_URL) and see docs/database.md, "Roles".`,
      );
    }
  } finally {
    await client.end();
  }
}

// pg_has_role(…, 'MEMBER') also catches a role granted membership in the owner: it could SET ROLE
// to it. The public schema of PostgreSQL 15+ belongs to pg_database_owner, so owning the database
// shows up as owning that schema as well.
const APPLICATION_ROLE_SQL = `
  SELECT r.rolname AS role, r.rolsuper AS superuser,
         pg_has_role(r.oid, d.datdba, 'MEMBER') AS owns_database,
         ARRAY(SELECT n.nspname::text FROM pg_namespace n
                WHERE n.nspname NOT IN ('pg_catalog', 'information_schema')
                  AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp\\_%'
                  AND pg_has_role(r.oid, n.nspowner, 'MEMBER')
                ORDER BY 1) AS owned_schemas,
         ARRAY(SELECT c.relname::text FROM pg_class c
                 JOIN pg_namespace n ON n.oid = c.relnamespace
                WHERE n.nspname NOT IN ('pg_catalog', 'information_schema')
                  AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp\\_%'
                  AND c.relkind IN ('r', 'p', 'v', 'm', 'f')
                  AND pg_has_role(r.oid, c.relowner, 'MEMBER')
                ORDER BY 1) AS owned_tables
    FROM pg_roles r, pg_database d
   WHERE r.rolname = current_user AND d.datname = current_database()`;
