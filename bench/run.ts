/* eslint-disable no-console -- a command-line report */
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { Client } from 'pg';
import { TokenService } from '../src/auth/token.service';
import { hashPassword } from '../src/auth/password-hasher';
import { createApp } from '../src/bootstrap/create-app';
import { createLogger } from '../src/common/logging/logger';
import { loadConfig } from '../src/config/app-config';
import { startEmbeddedPostgres } from '../src/database/embedded-postgres';
import { runMigrations } from '../src/database/migrate';
import type { StaffRole } from '../src/common/actor/actor';
import { load, type LoadResult } from './load';
import { DEFAULT_SIZE, seedLargePractice } from './seed-large-practice';

/**
 * `npm run bench`: seeds a large practice on a private embedded PostgreSQL (or DATABASE_URL's
 * server, in a fresh database), starts the API, and measures throughput and p50/p99 latency of the
 * dashboard and the client summary under concurrent load. BENCH_SECONDS and BENCH_CONCURRENCY tune it.
 */
async function main(): Promise<void> {
  const seconds = Number(process.env.BENCH_SECONDS ?? 15);
  const concurrency = Number(process.env.BENCH_CONCURRENCY ?? 16);
  const folder = mkdtempSync(join(tmpdir(), 'family-therapy-bench-'));
  chmodSync(folder, 0o755);
  const pg = await startEmbeddedPostgres({
    dataDir: join(folder, 'postgres'),
    port: await freePort(),
    database: 'bench',
  });
  try {
    const config = loadConfig({
      NODE_ENV: 'test',
      DATA_DIR: folder,
      DATABASE_URL: pg.url,
      LOG_LEVEL: 'silent',
      DB_POOL_SIZE: '20',
      // Counted as in production, so its cost shows, but never refusing: refusals are not a read.
      ACTOR_RATE_LIMIT_PER_MINUTE: '1000000',
    });
    await runMigrations(config.database, pg.ownerUrl, pg.appRole);
    // Seeded as the owner, like the demo seed; the API below runs as the application role.
    const db = new Client({ connectionString: pg.ownerUrl });
    await db.connect();
    const seedStart = Date.now();
    const { practiceId } = await seedLargePractice(
      db,
      DEFAULT_SIZE,
      await hashPassword('benchmark-password'),
    );
    const counts = (
      await db.query<Record<string, string>>(
        `SELECT (SELECT count(*) FROM staff) AS staff, (SELECT count(*) FROM clients) AS clients,
              (SELECT count(*) FROM therapy_sessions) AS sessions, (SELECT count(*) FROM trust_goals) AS goals,
              (SELECT count(*) FROM goal_check_ins) AS check_ins`,
      )
    ).rows[0];
    console.log(`Seeded in ${((Date.now() - seedStart) / 1000).toFixed(1)} s:`, counts);
    const counselors = (
      await db.query<{ id: string; role: StaffRole }>(
        `SELECT id, role FROM staff WHERE practice_id = $1`,
        [practiceId],
      )
    ).rows;
    const caseloads = (
      await db.query<{ staff_id: string; client_id: string }>(
        `SELECT staff_id, client_id FROM care_team_members WHERE practice_id = $1 AND removed_at IS NULL`,
        [practiceId],
      )
    ).rows;
    await db.end();

    const app = await createApp({ config, logger: createLogger('silent'), databaseUrl: pg.url });
    await app.listen(0, '127.0.0.1');
    const port = Number(new URL(await app.getUrl()).port);
    const tokens = new Map<string, string>();
    for (const counselor of counselors) {
      tokens.set(
        counselor.id,
        (await app.get(TokenService).issue({ id: counselor.id, practiceId, role: counselor.role }))
          .accessToken,
      );
    }
    const pick = <T>(items: T[]): T => items[Math.floor(Math.random() * items.length)]!;
    if (process.env.BENCH_PROFILE) await profile(port, counselors, tokens);
    const results: LoadResult[] = [];
    const byRole = (role: StaffRole) => counselors.filter((member) => member.role === role);
    for (const role of ['counselor', 'supervisor'] as const) {
      results.push(
        await load(
          `GET /api/v1/dashboard (${role}s)`,
          port,
          () => ({ path: '/api/v1/dashboard', token: tokens.get(pick(byRole(role)).id)! }),
          { concurrency, seconds },
        ),
      );
    }
    results.push(
      await load(
        'GET /api/v1/clients/{id}/summary',
        port,
        () => {
          const { staff_id, client_id } = pick(caseloads);
          return { path: `/api/v1/clients/${client_id}/summary`, token: tokens.get(staff_id)! };
        },
        { concurrency, seconds },
      ),
    );
    results.push(
      await load(
        'GET /api/v1/clients/{id}',
        port,
        () => {
          const { staff_id, client_id } = pick(caseloads);
          return { path: `/api/v1/clients/${client_id}`, token: tokens.get(staff_id)! };
        },
        { concurrency, seconds },
      ),
    );
    await app.close();
    console.log(
      `\n${concurrency} concurrent clients, ${seconds} s each, Node ${process.version}\n`,
    );
    console.log(
      '| endpoint | requests | errors | req/s | p50 ms | p99 ms |\n| --- | ---: | ---: | ---: | ---: | ---: |',
    );
    for (const r of results) {
      console.log(
        `| ${r.name} | ${r.requests} | ${r.errors} | ${r.throughput.toFixed(0)} | ${r.p50.toFixed(1)} | ${r.p99.toFixed(1)} |`,
      );
    }
    mkdirSync('bench/results', { recursive: true });
    writeFileSync(
      'bench/results/latest.json',
      JSON.stringify(
        { at: new Date().toISOString(), concurrency, seconds, counts, results },
        null,
        2,
      ),
    );
  } finally {
    await pg.stop();
    rmSync(folder, { recursive: true, force: true });
  }
}

/** Times each SQL statement of a few dashboard calls (BENCH_PROFILE=1), to see where the time goes. */
async function profile(
  port: number,
  staff: { id: string; role: StaffRole }[],
  tokens: Map<string, string>,
): Promise<void> {
  // The driver's own method is kept to be put back: it is only ever called through .apply(client).
  // eslint-disable-next-line @typescript-eslint/unbound-method
  const original = Client.prototype.query;
  const timings = new Map<string, number[]>();
  Client.prototype.query = function (this: Client, ...args: unknown[]) {
    const first = args[0];
    const text = (typeof first === 'string' ? first : ((first as { text?: string }).text ?? ''))
      .replace(/\s+/g, ' ')
      .trim()
      .slice(0, 90);
    const started = process.hrtime.bigint();
    const result = (original as (...a: unknown[]) => unknown).apply(this, args);
    void (result as Promise<unknown>).then?.(() => {
      const list = timings.get(text) ?? [];
      list.push(Number(process.hrtime.bigint() - started) / 1e6);
      timings.set(text, list);
    });
    return result;
  } as typeof Client.prototype.query;
  for (const member of staff.filter((s) => s.role === 'counselor').slice(0, 5)) {
    await fetch(`http://127.0.0.1:${port}/api/v1/dashboard`, {
      headers: { authorization: `Bearer ${tokens.get(member.id)}` },
    });
  }
  Client.prototype.query = original;
  for (const [text, list] of [...timings].sort((a, b) => Math.max(...b[1]) - Math.max(...a[1]))) {
    console.log(
      `${(list.reduce((x, y) => x + y, 0) / list.length).toFixed(1).padStart(8)} ms  x${list.length}  ${text}`,
    );
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        address && typeof address === 'object'
          ? resolve(address.port)
          : reject(new Error('no port')),
      );
    });
  });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
