import { Client } from 'pg';
import type { Logger } from 'pino';
import { APPLICATION_GRANTS } from '../../migrations/1763713300000-grant-application-role';
import { WEBHOOK_AND_CHANGE_LOG_GRANTS } from '../../migrations/1763713700000-create-webhooks-and-change-log';
import { CASE_GRANTS } from '../../migrations/1763714100000-create-family-cases';
import { RETENTION_GRANTS } from '../../migrations/1763714400000-keep-integration-records-bounded';
import { CARE_TEAM_GOALS_GRANTS } from '../../migrations/1763714900000-keep-care-team-goals';
import { loadConfig } from '../../src/config/app-config';
import { verifyApplicationRole, type DatabaseServer } from '../../src/database/database-server';
import { assertApplicationRole, DatabaseRoleError } from '../../src/database/database-roles';
import { createTeam } from '../factories/staff.factory';
import { adminQuery, asOwner, TEST_APP_ROLE, TEST_OWNER_ROLE } from '../setup/database-roles';
import { withDatabase } from '../setup/database-url';
import { startTestApp, type TestApp } from '../setup/test-app';
import { workerDatabaseUrl } from '../setup/test-database';

const INSUFFICIENT_PRIVILEGE = '42501';
/** Each audit table with a change an attacker would make to it. */
const AUDIT_TABLES = {
  audit_events: `outcome = 'failure'`,
  audit_chain_links: `link_hash = sha256('forged'::bytea)`,
};

/**
 * Someone who has the API's database credentials (a code injection, a leaked environment) tries
 * to rewrite the audit trail the way a superuser could: switch the triggers off, change rows,
 * drop the guard. The application role is refused each time by its privileges, not just by a
 * trigger it could disable.
 */
describe('database roles: the API connects as a role that owns nothing', () => {
  let testApp: TestApp;
  let url: string;
  let app: Client;

  beforeAll(async () => {
    url = await workerDatabaseUrl();
    testApp = await startTestApp({ databaseUrl: url });
    const team = await createTeam(testApp.dataSource);
    // Something to tamper with.
    await testApp.dataSource.query(
      `INSERT INTO audit_events (practice_id, actor_type, action, resource_type, outcome)
       VALUES ($1, 'system', 'read', 'client', 'success')`,
      [team.practice.id],
    );
    app = new Client({ connectionString: url });
    await app.connect();
  });
  afterAll(async () => {
    await app?.end();
    await testApp?.close();
  });

  /** The error PostgreSQL answers `sql` with, as the application role. */
  async function refusal(sql: string): Promise<{ code?: string; message: string }> {
    const error = await app.query(sql).then(
      () => undefined,
      (caught: { code?: string; message: string }) => caught,
    );
    if (!error) throw new Error(`the application role was allowed: ${sql}`);
    return { code: error.code, message: error.message };
  }

  it('runs the API pool as the application role, which is no superuser and owns nothing', async () => {
    const [pool] = await testApp.dataSource.query<{ role: string }[]>(
      `SELECT current_user AS role`,
    );
    expect(pool!.role).toBe(TEST_APP_ROLE.name);
    const { rows } = await app.query<Record<string, unknown>>(
      `SELECT r.rolsuper, r.rolcreaterole, r.rolcreatedb, r.rolbypassrls,
              (SELECT count(*)::int FROM pg_class c WHERE pg_has_role(r.oid, c.relowner, 'MEMBER')) AS owned_relations,
              (SELECT count(*)::int FROM pg_proc p WHERE pg_has_role(r.oid, p.proowner, 'MEMBER')) AS owned_functions,
              (SELECT count(*)::int FROM pg_namespace n WHERE pg_has_role(r.oid, n.nspowner, 'MEMBER')) AS owned_schemas,
              pg_has_role(r.oid, d.datdba, 'MEMBER') AS owns_database,
              pg_has_role(r.oid, $1, 'MEMBER') AS member_of_owner,
              has_schema_privilege(r.oid, 'public', 'CREATE') AS may_create_in_public
         FROM pg_roles r, pg_database d
        WHERE r.rolname = current_user AND d.datname = current_database()`,
      [TEST_OWNER_ROLE.name],
    );
    expect(rows[0]).toEqual({
      rolsuper: false,
      rolcreaterole: false,
      rolcreatedb: false,
      rolbypassrls: false,
      owned_relations: 0,
      owned_functions: 0,
      owned_schemas: 0,
      owns_database: false,
      member_of_owner: false,
      may_create_in_public: false,
    });
  });

  it('cannot switch the triggers off with session_replication_role', async () => {
    for (const sql of [
      `SET session_replication_role = replica`,
      `SELECT set_config('session_replication_role', 'replica', false)`,
    ]) {
      const error = await refusal(sql);
      expect({ sql, ...error }).toMatchObject({
        sql,
        code: INSUFFICIENT_PRIVILEGE,
        message: expect.stringMatching(
          /permission denied to set parameter "session_replication_role"/,
        ),
      });
    }
    const { rows } = await app.query<{ mode: string }>(
      `SELECT current_setting('session_replication_role') AS mode`,
    );
    expect(rows[0]!.mode).toBe('origin');
  });

  it('is refused UPDATE, DELETE and TRUNCATE of the audit tables by its grants, before any trigger', async () => {
    for (const [table, change] of Object.entries(AUDIT_TABLES)) {
      for (const sql of [
        `UPDATE ${table} SET ${change}`,
        `DELETE FROM ${table}`,
        `TRUNCATE ${table} CASCADE`,
      ]) {
        const error = await refusal(sql);
        // The trigger also raises 42501, but with its own message: this is the grant.
        expect({ sql, ...error }).toEqual({
          sql,
          code: INSUFFICIENT_PRIVILEGE,
          message: `permission denied for table ${table}`,
        });
      }
    }
  });

  it('cannot drop or disable the append-only triggers, alter the tables or create its own', async () => {
    for (const sql of [
      `DROP TRIGGER tg_audit_events_append_only ON audit_events`,
      `ALTER TABLE audit_events DISABLE TRIGGER tg_audit_events_append_only`,
      `ALTER TABLE audit_chain_links DISABLE TRIGGER ALL`,
      `ALTER TABLE audit_chain_links DROP CONSTRAINT fk_audit_chain_links_event`,
      `DROP TABLE audit_chain_links`,
      `CREATE TABLE public.shadow_audit (id int)`,
      `CREATE OR REPLACE FUNCTION audit_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$`,
    ]) {
      const error = await refusal(sql);
      expect({ sql, code: error.code }).toEqual({ sql, code: INSUFFICIENT_PRIVILEGE });
      expect(error.message).toMatch(/^(must be owner of|permission denied for)/);
    }
  });

  it('holds exactly the grants of the migrations, on every table (a new table needs its own)', async () => {
    const { rows } = await app.query<{ table_name: string; privileges: string[] }>(
      `SELECT c.relname AS table_name,
              ARRAY(SELECT p FROM unnest(ARRAY['SELECT','INSERT','UPDATE','DELETE','TRUNCATE','REFERENCES','TRIGGER']) p
                     WHERE has_table_privilege(current_user, c.oid, p)) AS privileges
         FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'v', 'm')
        ORDER BY 1`,
    );
    // Tables created after the grants migration, each granted by its own migration; readiness
    // compares the applied migrations with the build's (1763714000000).
    const later = {
      api_clients: ['SELECT', 'INSERT', 'UPDATE'],
      api_client_keys: ['SELECT', 'INSERT', 'UPDATE'],
      ...WEBHOOK_AND_CHANGE_LOG_GRANTS,
      ...CASE_GRANTS,
      ...RETENTION_GRANTS,
      ...CARE_TEAM_GOALS_GRANTS,
    };
    const expected = { ...APPLICATION_GRANTS, ...later, schema_migrations: ['SELECT'] };
    expect(Object.fromEntries(rows.map((row) => [row.table_name, row.privileges]))).toEqual(
      Object.fromEntries(
        Object.entries(expected)
          .sort(([a], [b]) => (a < b ? -1 : 1))
          .map(([table, privileges]) => [table, [...privileges]]),
      ),
    );
    for (const table of Object.keys(AUDIT_TABLES)) {
      expect(APPLICATION_GRANTS[table]).toEqual(['SELECT', 'INSERT']);
    }
  });

  it('still meets the append-only triggers as the owner and the superuser', async () => {
    const owner = new Client({ connectionString: asOwner(url) });
    await owner.connect();
    try {
      await expect(owner.query(`DELETE FROM audit_events`)).rejects.toMatchObject({
        code: INSUFFICIENT_PRIVILEGE,
        message: expect.stringMatching(/append-only: DELETE on audit_events/),
      });
    } finally {
      await owner.end();
    }
    await expect(adminQuery(url, `UPDATE audit_events SET outcome = 'failure'`)).rejects.toThrow(
      /append-only: UPDATE on audit_events/,
    );
  });

  describe('the start-up check', () => {
    it('accepts the application role', async () => {
      await expect(assertApplicationRole(url, 'DATABASE_URL')).resolves.toBeUndefined();
    });

    it('refuses a superuser URL, naming the variable', async () => {
      const superuser = withDatabase(
        process.env.TEST_DB_ADMIN_URL!,
        new URL(url).pathname.slice(1),
      );
      const attempt = assertApplicationRole(superuser, 'DATABASE_URL');
      await expect(attempt).rejects.toBeInstanceOf(DatabaseRoleError);
      await expect(assertApplicationRole(superuser, 'DATABASE_URL')).rejects.toThrow(
        /^DATABASE_URL connects as role ".+", which is a superuser/,
      );
    });

    it('refuses the role that owns the tables, naming the variable', async () => {
      await expect(assertApplicationRole(asOwner(url), 'DATABASE_URL')).rejects.toThrow(
        new RegExp(
          `^DATABASE_URL connects as role "${TEST_OWNER_ROLE.name}", which owns the database and owns the schema public and owns \\d+ table\\(s\\)`,
        ),
      );
    });

    it('only warns about a single URL outside production, and refuses it in production', async () => {
      const single: DatabaseServer = {
        url: asOwner(url),
        migrationUrl: asOwner(url),
        appRole: TEST_OWNER_ROLE.name,
        urlSource: 'DATABASE_URL',
        singleRole: true,
        embedded: false,
        stop: () => Promise.resolve(),
      };
      const warnings: unknown[] = [];
      const logger = { warn: (...args: unknown[]) => warnings.push(args) } as unknown as Logger;
      const development = loadConfig({
        NODE_ENV: 'test',
        JWT_SECRET: 'x'.repeat(48),
        DATABASE_URL: single.url,
      });
      await verifyApplicationRole(single, development, logger);
      expect(warnings).toHaveLength(1);

      const production = { ...development, isProduction: true } as typeof development;
      await expect(verifyApplicationRole(single, production, logger)).rejects.toThrow(
        /^DATABASE_URL connects as role/,
      );
      await expect(
        verifyApplicationRole({ ...single, singleRole: false }, development, logger),
      ).rejects.toThrow(/^DATABASE_URL connects as role/);
    });
  });
});
