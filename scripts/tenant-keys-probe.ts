/* eslint-disable no-console -- a command-line report */
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Pool, type PoolClient } from 'pg';
import { load, type LoadResult } from '../bench/load';
import { DEFAULT_SIZE, seedLargePractice } from '../bench/seed-large-practice';
import { TokenService } from '../src/auth/token.service';
import { hashPassword } from '../src/auth/password-hasher';
import { createApp } from '../src/bootstrap/create-app';
import { CLIENT_COLUMNS } from '../src/clients/client.row';
import { createLogger } from '../src/common/logging/logger';
import { loadConfig } from '../src/config/app-config';
import { startEmbeddedPostgres } from '../src/database/embedded-postgres';
import { revertLastMigration, runMigrations } from '../src/database/migrate';
import { practiceSettingSql } from '../src/practices/practice-settings';

/**
 * Issue 14's measurements, not the benchmark (bench/ is left as it is; its seed and load loop are
 * reused). On one seeded large practice, the schema before and after migration 1763713400000
 * alternate (`down`, then `up` again) for PROBE_ROUNDS rounds, each measured through a fresh API
 * (the sealer off, so the old schema is never sealed): the read, the search, the dashboard. Then
 * row-level security on `practice_id` is prototyped and the read of one client (the access-checked
 * SELECT, then the audit INSERT, as the API runs them) is timed at the SQL level, with the variants
 * taking turns. Build with `npx tsc -p tsconfig.probe.json`, run `node dist-probe/scripts/tenant-keys-probe.js`.
 * PROBE_SECONDS, PROBE_CONCURRENCY and PROBE_ROUNDS tune it.
 */
const seconds = Number(process.env.PROBE_SECONDS ?? 8);
const concurrency = Number(process.env.PROBE_CONCURRENCY ?? 8);

/** The access check of ClientAccessService.require, as it runs for a read. */
const ACCESS_SQL = `SELECT ${CLIENT_COLUMNS}, json_build_object(
    'onCareTeam', EXISTS (SELECT 1 FROM care_team_members m
             WHERE m.practice_id = c.practice_id AND m.client_id = c.id AND m.staff_id = $3
               AND m.removed_at IS NULL),
    'supervisesCareTeamMember', EXISTS (SELECT 1 FROM care_team_members m
              JOIN staff s ON s.practice_id = m.practice_id AND s.id = m.staff_id
             WHERE m.practice_id = c.practice_id AND m.client_id = c.id AND m.removed_at IS NULL
               AND s.supervisor_id = $3),
    'emergencyGrant', EXISTS (SELECT 1 FROM emergency_access_grants g
             WHERE g.practice_id = c.practice_id AND g.client_id = c.id AND g.staff_id = $3
               AND g.expires_at > now()),
    'adminClinicalAccess', ${practiceSettingSql('adminClinicalAccess')}
  ) AS access
  FROM clients c JOIN practices p ON p.id = c.practice_id
 WHERE c.practice_id = $1 AND c.id = $2`;
const AUDIT_SQL = `INSERT INTO audit_events (practice_id, actor_type, actor_id, actor_role, action,
    resource_type, resource_id, client_id, outcome)
  VALUES ($1, 'staff', $2, 'counselor', 'read', 'client', $3::text, $3::text::uuid, 'success')`;

async function main(): Promise<void> {
  const folder = mkdtempSync(join(tmpdir(), 'tenant-keys-probe-'));
  chmodSync(folder, 0o755);
  const pg = await startEmbeddedPostgres({
    dataDir: join(folder, 'postgres'),
    port: 55_000 + Math.floor(Math.random() * 5000),
    database: 'probe',
  });
  try {
    const config = loadConfig({
      NODE_ENV: 'test',
      DATA_DIR: folder,
      DATABASE_URL: pg.url,
      LOG_LEVEL: 'silent',
      DB_POOL_SIZE: '20',
      ACTOR_RATE_LIMIT_PER_MINUTE: '1000000',
      AUDIT_SEAL_INTERVAL_MS: '0',
      AUDIT_CHECKPOINT_INTERVAL_SECONDS: '0',
      HOUSEKEEPING_INTERVAL_SECONDS: '0',
    });
    await runMigrations(config.database, pg.ownerUrl, pg.appRole);
    const owner = new Client({ connectionString: pg.ownerUrl });
    await owner.connect();
    const { practiceId } = await seedLargePractice(
      owner,
      // The read of one client touches clients, care teams and staff only: without the API
      // rounds, fewer sessions and goals seed faster and change nothing it reads.
      process.env.PROBE_API === '0'
        ? { ...DEFAULT_SIZE, sessions: 2_000, goals: 500 }
        : DEFAULT_SIZE,
      await hashPassword('probe-password'),
    );
    const caseloads = (
      await owner.query<{ staff_id: string; client_id: string }>(
        `SELECT m.staff_id, m.client_id FROM care_team_members m JOIN staff s
            ON s.practice_id = m.practice_id AND s.id = m.staff_id AND s.role = 'counselor'
          WHERE m.practice_id = $1 AND m.removed_at IS NULL`,
        [practiceId],
      )
    ).rows;

    // The two schemas alternate on the same data, so that the load on the machine falls on both.
    const byKeys: Record<Keys, LoadResult[][]> = { before: [], after: [] };
    for (let round = 0; round < (process.env.PROBE_API === '0' ? 0 : rounds); round += 1) {
      for (const keys of ['before', 'after'] as const) {
        if (keys === 'before') {
          await revertLastMigration(config.database, pg.ownerUrl, pg.appRole);
        } else {
          await runMigrations(config.database, pg.ownerUrl, pg.appRole);
        }
        await owner.query('VACUUM ANALYZE');
        if (round === 0) console.log(`keys ${keys}: index sizes`, await indexSizes(owner));
        byKeys[keys].push(await measureApi(config, pg.url, practiceId, caseloads));
      }
    }
    for (const keys of ['before', 'after'] as const) {
      if (byKeys[keys].length === 0) continue;
      report(`API, keys ${keys}, median of ${rounds} rounds`, medians(byKeys[keys]));
    }

    const pool = new Pool({ connectionString: pg.url, max: concurrency });
    // Idle connections are ended when the server stops; that is not a failure of the probe.
    pool.on('error', () => undefined);
    const read = (variant: Variant) => async (db: PoolClient) => {
      const { staff_id, client_id } = pick(caseloads);
      if (variant === 'RLS, BEGIN + SET LOCAL per read') {
        await db.query('BEGIN');
        await db.query({
          name: 'set-local',
          text: `SELECT set_config('app.practice_id', $1, true)`,
          values: [practiceId],
        });
      } else if (variant === 'RLS, set_config before each read') {
        await db.query({
          name: 'set',
          text: `SELECT set_config('app.practice_id', $1, false)`,
          values: [practiceId],
        });
      }
      await db.query({
        name: 'access',
        text: ACCESS_SQL,
        values: [practiceId, client_id, staff_id],
      });
      await db.query({ name: 'audit', text: AUDIT_SQL, values: [practiceId, staff_id, client_id] });
      if (variant === 'RLS, BEGIN + SET LOCAL per read') await db.query('COMMIT');
    };
    const tables = await createPolicies(owner, pg.appRole);
    const byVariant = new Map<Variant, LoadResult[]>();
    for (let round = 0; round < rounds; round += 1) {
      for (const variant of VARIANTS) {
        await setRowLevelSecurity(owner, tables, variant !== 'no RLS');
        // The practice set once per connection: what the policies alone cost.
        const held = await Promise.all(Array.from({ length: concurrency }, () => pool.connect()));
        for (const db of held) {
          await db.query(`SELECT set_config('app.practice_id', $1, false)`, [practiceId]);
          db.release();
        }
        const result = await sqlLoad(variant, pool, read(variant));
        byVariant.set(variant, [...(byVariant.get(variant) ?? []), result]);
      }
    }
    await pool.end();
    report(
      `SQL, the read of one client (access SELECT + audit INSERT), median of ${rounds} rounds`,
      VARIANTS.map((variant) => median(byVariant.get(variant)!)),
    );
    await owner.end();
  } catch (error) {
    console.error('probe failed:', error);
  } finally {
    await pg.stop();
    rmSync(folder, { recursive: true, force: true });
  }
}

type Keys = 'before' | 'after';
const VARIANTS = [
  'no RLS',
  'RLS, practice set once per connection',
  'RLS, set_config before each read',
  'RLS, BEGIN + SET LOCAL per read',
] as const;
type Variant = (typeof VARIANTS)[number];
const rounds = Number(process.env.PROBE_ROUNDS ?? 3);
const pick = <T>(items: T[]): T => items[Math.floor(Math.random() * items.length)]!;

async function indexSizes(owner: Client): Promise<Record<string, string>> {
  const rows = (
    await owner.query<{ relation: string; size: string }>(
      `SELECT c.relname AS relation, pg_size_pretty(pg_relation_size(c.oid)) AS size
         FROM pg_class c WHERE c.relname IN
           ('pk_clients', 'pk_therapy_sessions', 'pk_goal_check_ins', 'pk_family_members',
            'uq_clients_practice_id', 'uq_therapy_sessions_practice_id')
        ORDER BY 1`,
    )
  ).rows;
  return Object.fromEntries(rows.map((row) => [row.relation, row.size]));
}

/** The read, the search and the counselor's dashboard through a fresh API (fresh plans). */
async function measureApi(
  config: ReturnType<typeof loadConfig>,
  url: string,
  practiceId: string,
  caseloads: { staff_id: string; client_id: string }[],
): Promise<LoadResult[]> {
  const app = await createApp({ config, logger: createLogger('silent'), databaseUrl: url });
  await app.listen(0, '127.0.0.1');
  try {
    const port = Number(new URL(await app.getUrl()).port);
    const tokens = new Map<string, string>();
    for (const staffId of new Set(caseloads.map((row) => row.staff_id))) {
      const issued = await app
        .get(TokenService)
        .issue({ id: staffId, practiceId, role: 'counselor' });
      tokens.set(staffId, issued.accessToken);
    }
    const request = (path: (row: { staff_id: string; client_id: string }) => string) => () => {
      const row = pick(caseloads);
      return { path: path(row), token: tokens.get(row.staff_id)! };
    };
    const options = { concurrency, seconds };
    const letters = [...'abcdefghiklmnoprstw'];
    return [
      await load(
        'read GET /clients/{id}',
        port,
        request((r) => `/api/v1/clients/${r.client_id}`),
        options,
      ),
      await load(
        'search GET /clients?search=',
        port,
        request(() => `/api/v1/clients?search=${pick(letters)}${pick(letters)}`),
        options,
      ),
      await load(
        'dashboard GET /dashboard',
        port,
        request(() => '/api/v1/dashboard'),
        options,
      ),
    ];
  } finally {
    await app.close();
  }
}

function median(results: LoadResult[]): LoadResult {
  const sorted = [...results].sort((a, b) => a.throughput - b.throughput);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/** Per measure, the round with the median throughput. */
function medians(rounds: LoadResult[][]): LoadResult[] {
  return rounds[0]!.map((_, index) => median(rounds.map((round) => round[index]!)));
}

/** A policy on `practice_id` for the application role on every tenant table; answers the tables. */
async function createPolicies(owner: Client, appRole: string): Promise<string[]> {
  const tables = (
    await owner.query<{ name: string }>(
      `SELECT c.relname AS name FROM pg_class c
         JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = 'practice_id'
        WHERE c.relkind = 'r' AND c.relnamespace = 'public'::regnamespace`,
    )
  ).rows.map((row) => row.name);
  for (const name of tables) {
    await owner.query(
      `CREATE POLICY rls_${name}_practice ON ${name} TO ${appRole}
         USING (practice_id = current_setting('app.practice_id', true)::uuid)
         WITH CHECK (practice_id = current_setting('app.practice_id', true)::uuid)`,
    );
  }
  return tables;
}

async function setRowLevelSecurity(owner: Client, tables: string[], on: boolean): Promise<void> {
  for (const name of tables) {
    await owner.query(`ALTER TABLE ${name} ${on ? 'ENABLE' : 'DISABLE'} ROW LEVEL SECURITY`);
  }
}

async function sqlLoad(
  name: string,
  pool: Pool,
  work: (db: PoolClient) => Promise<void>,
): Promise<LoadResult> {
  const latencies: number[] = [];
  const deadline = Date.now() + seconds * 1000;
  const startedAt = Date.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      const db = await pool.connect();
      try {
        while (Date.now() < deadline) {
          const started = process.hrtime.bigint();
          await work(db);
          latencies.push(Number(process.hrtime.bigint() - started) / 1e6);
        }
      } finally {
        db.release();
      }
    }),
  );
  const elapsed = (Date.now() - startedAt) / 1000;
  latencies.sort((a, b) => a - b);
  const at = (q: number) =>
    latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0;
  return {
    name,
    requests: latencies.length,
    errors: 0,
    seconds: elapsed,
    throughput: latencies.length / elapsed,
    p50: at(0.5),
    p99: at(0.99),
  };
}

function report(title: string, results: LoadResult[]): void {
  console.log(`\n${title}: ${concurrency} concurrent, ${seconds} s each, Node ${process.version}`);
  console.log(
    '| measure | requests | errors | per s | p50 ms | p99 ms |\n| --- | ---: | ---: | ---: | ---: | ---: |',
  );
  for (const r of results) {
    console.log(
      `| ${r.name} | ${r.requests} | ${r.errors} | ${r.throughput.toFixed(0)} | ${r.p50.toFixed(2)} | ${r.p99.toFixed(2)} |`,
    );
  }
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
