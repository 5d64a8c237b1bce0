import { totalmem } from 'node:os';
/** How one `npm run bench` is run: flags after `--` win over the environment. */
export interface BenchOptions {
  /** 1 = 25,000 clients and 250 clinicians; 10 = ten times both. */
  scale: number;
  warmupSeconds: number;
  measureSeconds: number;
  /** Interleaved rounds; each workload's median over them is reported. */
  rounds: number;
  connections: number;
  /** DB_POOL_SIZE of the API and of the floor server alike. */
  poolSize: number;
  mixSeconds: number;
  mixCounselors: number;
  /** Only the read, with the API under `--cpu-prof`. */
  profile: boolean;
  build: boolean;
  /** A superuser URL of a server to use instead of a private embedded one. */
  adminUrl: string | undefined;
  /** Runs only the workloads whose name contains one of these (all when empty). */
  only: string[];
  logLevel: string;
  /**
   * A folder that keeps the embedded PostgreSQL between runs: seeded once per scale, then reused
   * (absent: a temporary folder, seeded every run).
   */
  dataDir: string | undefined;
  /** Seed (into `dataDir`, when given) and exit without measuring. */
  seedOnly: boolean;
  /** Seed again even when `dataDir` holds a seed of this scale. */
  reseed: boolean;
  /**
   * `shared_buffers` of the embedded PostgreSQL, in MB: by default a quarter of the machine's
   * memory (128 MB to 8 GB), the usual production setting, not the server's 128 MB development
   * default, under which a scale-10 practice's dashboards mostly measure the page cache.
   */
  sharedBuffersMb: number;
}

/** Short enough to prove the benchmark works, far too short for figures worth quoting. */
const SMOKE = { warmupSeconds: 1, measureSeconds: 2, rounds: 1, mixSeconds: 5 };

export function benchOptions(
  argv: readonly string[],
  env: NodeJS.ProcessEnv = process.env,
): BenchOptions {
  const flag = (name: string) => argv.includes(`--${name}`);
  const value = (name: string, envName: string): string | undefined => {
    const prefix = `--${name}=`;
    return argv.find((arg) => arg.startsWith(prefix))?.slice(prefix.length) ?? env[envName];
  };
  const smoke = flag('smoke') || env.BENCH_SMOKE === '1';
  const number = (name: string, envName: string, fallback: number): number => {
    const raw = value(name, envName);
    if (raw === undefined || raw === '') return fallback;
    const parsed = Number(raw);
    if (!Number.isFinite(parsed) || parsed <= 0) {
      throw new Error(`--${name} / ${envName} must be a positive number, got "${raw}"`);
    }
    return parsed;
  };
  const dataDir = value('data-dir', 'BENCH_DATA_DIR') || undefined;
  const adminUrl = value('admin-url', 'BENCH_ADMIN_URL') || undefined;
  if (dataDir && adminUrl) {
    throw new Error(
      '--data-dir keeps an embedded PostgreSQL: it cannot be used with BENCH_ADMIN_URL',
    );
  }
  return {
    scale: number('scale', 'BENCH_SCALE', 1),
    warmupSeconds: number('warmup', 'BENCH_WARMUP_SECONDS', smoke ? SMOKE.warmupSeconds : 3),
    measureSeconds: number('seconds', 'BENCH_SECONDS', smoke ? SMOKE.measureSeconds : 10),
    rounds: Math.round(number('rounds', 'BENCH_ROUNDS', smoke ? SMOKE.rounds : 3)),
    connections: Math.round(number('connections', 'BENCH_CONNECTIONS', 20)),
    poolSize: Math.round(number('pool-size', 'BENCH_POOL_SIZE', 10)),
    mixSeconds: number('mix-seconds', 'BENCH_MIX_SECONDS', smoke ? SMOKE.mixSeconds : 60),
    mixCounselors: Math.round(number('mix-counselors', 'BENCH_MIX_COUNSELORS', 200)),
    profile: flag('profile'),
    build: !flag('no-build') && env.BENCH_NO_BUILD !== '1',
    adminUrl,
    only: (value('only', 'BENCH_ONLY') ?? '')
      .split(',')
      .map((part) => part.trim())
      .filter(Boolean),
    logLevel: value('log-level', 'BENCH_LOG_LEVEL') ?? 'warn',
    dataDir,
    seedOnly: flag('seed-only'),
    reseed: flag('reseed'),
    sharedBuffersMb: Math.round(
      number('shared-buffers-mb', 'BENCH_SHARED_BUFFERS_MB', defaultSharedBuffersMb()),
    ),
  };
}

/** A quarter of the memory this process may use (a container's limit, else the machine's), within 128 MB and 8 GB. */
function defaultSharedBuffersMb(): number {
  const memory = Math.min(totalmem(), process.constrainedMemory?.() || Infinity);
  return Math.min(8192, Math.max(128, Math.floor(memory / 4 / 2 ** 20)));
}
