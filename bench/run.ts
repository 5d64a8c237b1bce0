/* eslint-disable no-console -- a command-line report */
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { hash } from '@node-rs/argon2';
import { topSelfTime, type CpuProfile } from './cpu-profile';
import { loadFixture, type Fixture } from './fixture';
import { measure, type LoadShape, type RunResult, type Target } from './measure';
import { benchOptions, type BenchOptions } from './options';
import { startBenchDatabase } from './postgres';
import { buildApi, freePort, REPO_ROOT, startServer, type ServerProcess } from './processes';
import { summarize, table, withFloorRatios, type ReportRow } from './report';
import { seedPractice, seedSize } from './seed';
import {
  lastMigration,
  reuseOrEmpty,
  SEED_FORMAT,
  warnIfMigratedSince,
  writeSeedMarker,
} from './seed-store';
import { findSearchPages, oneCallCreatePath } from './api-probes';
import { counselorMix, workloads, type Workload } from './workloads';

/**
 * `npm run bench`: builds the API, starts PostgreSQL (a private embedded one, or BENCH_ADMIN_URL's
 * server), seeds a practice of BENCH_SCALE size, then starts the API as `node dist/src/main.js` and
 * the floor server, each its own process, and loads them with autocannon from this one. Workloads
 * run in interleaved rounds; the table shows each one's medians. See the README, "Benchmark".
 */
async function main(): Promise<void> {
  const options = benchOptions(process.argv.slice(2));
  if (options.build) buildApi();
  const database = await startBenchDatabase(
    options.adminUrl,
    options.dataDir,
    options.sharedBuffersMb,
  );
  const dataFolder = mkdtempSync(join(tmpdir(), 'family-therapy-bench-api-'));
  const secret = randomBytes(32).toString('hex');
  const servers: ServerProcess[] = [];
  try {
    const apiEnv = {
      NODE_ENV: 'development',
      DATA_DIR: dataFolder,
      DATABASE_URL: database.appUrl,
      MIGRATION_DATABASE_URL: database.ownerUrl,
      JWT_SECRET: secret,
      SEED_DEMO: 'false',
      LOG_LEVEL: options.logLevel,
      DB_POOL_SIZE: String(options.poolSize),
      ACCESS_TOKEN_TTL_SECONDS: '3600',
      // Counted on every request as in production, so its cost shows, but never refusing the load.
      ACTOR_RATE_LIMIT_PER_MINUTE: '100000000',
    };
    const kept = await reuseOrEmpty(database, options.scale, options.reseed);
    // The first start applies the migrations; the seed then runs on a database no one is using.
    await (
      await startServer('API', ['dist/src/main.js'], apiEnv, await freePort(), '/health/ready')
    ).stop();
    let seedSeconds = kept?.seedSeconds ?? 0;
    if (kept) await warnIfMigratedSince(kept, database.ownerUrl);
    else {
      const seedStarted = Date.now();
      await seedPractice(
        database.ownerUrl,
        seedSize(options.scale),
        await hash('benchmark-password'),
      );
      seedSeconds = (Date.now() - seedStarted) / 1000;
      if (database.keptDir) {
        await database.saveSeed();
        writeSeedMarker(database.keptDir, {
          format: SEED_FORMAT,
          scale: options.scale,
          seededAt: new Date().toISOString(),
          seedSeconds,
          lastMigration: await lastMigration(database.ownerUrl),
        });
      }
    }
    const fixture = await loadFixture(database.ownerUrl, secret);
    console.log(
      `${kept ? 'Reused' : 'Seeded'} scale ${options.scale} (seed: ${seedSeconds.toFixed(0)} s):`,
      fixture.counts,
    );
    if (options.seedOnly) return;
    // On the private server only: a provided one may lack the extension, and is the caller's to tune.
    let hugePages: string | undefined;
    if (database.dataDir) {
      const started = Date.now();
      const warm = await database.prewarm();
      hugePages = warm.hugePages;
      console.log(
        `Prewarmed ${((warm.blocks * 8) / 1024).toFixed(0)} MB into shared_buffers in ${((Date.now() - started) / 1000).toFixed(0)} s (huge pages ${hugePages})`,
      );
    }

    const profileDir = join(dataFolder, 'profile');
    const apiArgs = options.profile
      ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`, 'dist/src/main.js']
      : ['dist/src/main.js'];
    const api = await startServer('API', apiArgs, apiEnv, await freePort(), '/health/ready');
    servers.push(api);
    const apiTarget: Target = { port: api.port, pid: api.pid, dataDir: database.dataDir };
    const shape: LoadShape = {
      connections: options.connections,
      warmupSeconds: options.warmupSeconds,
      seconds: options.measureSeconds,
    };
    const oneCall = await oneCallCreatePath(api.port);
    const pages = await findSearchPages(api.port, fixture);
    const all = workloads(fixture, oneCall, pages);
    if (options.profile) {
      await profileWorkload(api, apiTarget, profiled(all, options.only), shape, profileDir);
      return;
    }
    const floor = await startServer(
      'floor server',
      ['dist-bench/bench/floor-server.js'],
      { DATABASE_URL: database.appUrl, JWT_SECRET: secret, DB_POOL_SIZE: String(options.poolSize) },
      await freePort(),
      '/health/ready',
    );
    servers.push(floor);
    const floorTarget: Target = { port: floor.port, pid: floor.pid, dataDir: database.dataDir };
    const chosen = all.filter(
      (w) => options.only.length === 0 || options.only.some((part) => w.name.includes(part)),
    );
    const runs = new Map<string, RunResult[]>(chosen.map((w) => [w.name, []]));
    for (let round = 1; round <= options.rounds; round += 1) {
      fixture.refreshTokens();
      for (const workload of chosen) {
        const target = workload.server === 'floor' ? floorTarget : apiTarget;
        const result = await measure(target, workload, {
          ...shape,
          connections: workload.connections ?? shape.connections,
        });
        runs.get(workload.name)!.push(result);
        console.log(
          `round ${round}/${options.rounds}  ${workload.name.padEnd(40)} ${result.rps.toFixed(0).padStart(6)} req/s  p99 ${result.p99.toFixed(0)} ms  errors ${result.errors}${errorKinds(result)}`,
        );
      }
    }
    const mix = await runMix(options, fixture, apiTarget);
    const rows = withFloorRatios(
      [...[...runs].map(([name, list]) => summarize(name, list)), ...(mix ? [mix] : [])],
      new Map(chosen.filter((w) => w.floorOf).map((w) => [w.name, w.floorOf!])),
    );
    report(options, fixture, oneCall, pages, rows, seedSeconds, hugePages);
  } finally {
    for (const server of servers.reverse()) await server.stop();
    await database.stop();
    rmSync(dataFolder, { recursive: true, force: true });
  }
}

/** What the errors were: each status (with the API's first answer), timeouts, socket errors. */
function errorKinds(result: RunResult): string {
  const kinds = Object.entries(result.errorKinds ?? {});
  return kinds
    .map(([kind, { count, sample }]) => `\n    ${kind} × ${count}${sample ? `: ${sample}` : ''}`)
    .join('');
}

/** The mix runs in a full run, or when `--only` names it (`--only=mix`). */
async function runMix(
  options: BenchOptions,
  fixture: Fixture,
  target: Target,
): Promise<ReportRow | undefined> {
  fixture.refreshTokens();
  const mix = counselorMix(fixture, options.mixCounselors);
  if (options.only.length && !options.only.some((part) => mix.name.includes(part))) return;
  const result = await measure(target, mix, {
    connections: options.mixCounselors,
    warmupSeconds: options.warmupSeconds,
    seconds: options.mixSeconds,
  });
  console.log(
    `${mix.name}: ${result.rps.toFixed(0)} req/s, p99 ${result.p99} ms, errors ${result.errors}${errorKinds(result)}`,
  );
  return summarize(`${mix.name}, ${options.mixSeconds} s`, [result]);
}

/**
 * The workload `--profile` loads the API with: the first API workload `--only` names (the mix
 * cannot be profiled this way), else the read.
 */
function profiled(all: Workload[], only: string[]): Workload {
  const named = only.length
    ? all.find((w) => w.server === 'api' && only.some((part) => w.name.includes(part)))
    : all.find((w) => w.name === 'read client');
  if (!named) throw new Error(`--profile: no API workload's name contains ${only.join(' or ')}`);
  return named;
}

/**
 * Loads the API (started with --cpu-prof) with one workload, stops it, and prints the functions
 * with the most self time while the load was measured (start-up and warm-up left out).
 */
async function profileWorkload(
  api: ServerProcess,
  target: Target,
  workload: Workload,
  shape: LoadShape,
  profileDir: string,
): Promise<void> {
  await measure(target, workload, { ...shape, seconds: shape.warmupSeconds, warmupSeconds: 0 });
  const started = Date.now();
  const result = await measure(target, workload, { ...shape, warmupSeconds: 0 });
  const ended = Date.now();
  console.log(
    `${workload.name} under --cpu-prof: ${result.rps.toFixed(0)} req/s (slower than unprofiled)`,
  );
  await api.stop();
  const exited = Date.now();
  const file = readdirSync(profileDir).find((name) => name.endsWith('.cpuprofile'));
  if (!file) throw new Error(`no .cpuprofile written in ${profileDir}:\n${api.output()}`);
  mkdirSync(join(REPO_ROOT, 'bench/results'), { recursive: true });
  const slug = workload.name
    .replace(/[^a-z0-9]+/gi, '-')
    .replace(/^-|-$/g, '')
    .toLowerCase();
  const kept = join(REPO_ROOT, `bench/results/${slug}.cpuprofile`);
  writeFileSync(kept, readFileSync(join(profileDir, file)));
  const profile = JSON.parse(readFileSync(kept, 'utf8')) as CpuProfile;
  const window = { fromEndUs: (exited - started) * 1000, toEndUs: (exited - ended) * 1000 };
  console.log(`\nTop self time under the ${workload.name} load (whole profile: ${kept}):\n`);
  for (const frame of topSelfTime(profile, REPO_ROOT, window)) {
    console.log(
      `${(frame.share * 100).toFixed(1).padStart(5)}%  ${frame.ms.toFixed(0).padStart(7)} ms  ${frame.name}  ${frame.where}`,
    );
  }
}

function report(
  options: BenchOptions,
  fixture: Fixture,
  oneCall: string | undefined,
  pages: Awaited<ReturnType<typeof findSearchPages>>,
  rows: ReportRow[],
  seedSeconds: number,
  hugePages: string | undefined,
): void {
  const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`;
  const at = new Date().toISOString();
  console.log(
    `\n${at.slice(0, 10)}, ${machine}; scale ${options.scale} (${fixture.counts.clients} clients, ` +
      `${fixture.counts.staff} staff); ${options.connections} connections, ${options.warmupSeconds} s warm-up + ` +
      `${options.measureSeconds} s, median of ${options.rounds} interleaved rounds` +
      (options.adminUrl
        ? ''
        : `; PostgreSQL shared_buffers ${options.sharedBuffersMb ? `${options.sharedBuffersMb} MB` : 'its default'}, prewarmed, huge pages ${hugePages ?? 'unknown'}`) +
      '\n',
  );
  console.log(table(rows));
  mkdirSync(join(REPO_ROOT, 'bench/results'), { recursive: true });
  const out = join(REPO_ROOT, 'bench/results/latest.json');
  writeFileSync(
    out,
    JSON.stringify(
      {
        at,
        machine,
        options,
        counts: fixture.counts,
        seedSeconds,
        hugePages: hugePages ?? null,
        oneCallCreate: oneCall ?? null,
        searchPages: pages,
        rows,
      },
      null,
      2,
    ),
  );
  console.log(`\nReport: ${out}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
