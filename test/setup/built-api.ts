import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { chmodSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { freePort } from './free-port';

/** The repository root, where `npm start` runs. */
export const REPO_ROOT = resolve(__dirname, '../..');
/** The compiled API exactly as `npm start` runs it (`npm test` builds it first, see `pretest`). */
export const BUILT_MAIN = join(REPO_ROOT, 'dist/src/main.js');

/** A data folder, ports and environment for one API process of its own. */
export interface ApiSite {
  folder: string;
  apiPort: number;
  pgPort: number;
  env: NodeJS.ProcessEnv;
}

export async function apiSite(extra: NodeJS.ProcessEnv = {}): Promise<ApiSite> {
  const folder = mkdtempSync(join(tmpdir(), 'family-therapy-api-'));
  // As root, the embedded server runs as `postgres`, which must reach the folder.
  chmodSync(folder, 0o755);
  const apiPort = await freePort();
  const pgPort = await freePort();
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    NODE_ENV: 'development',
    DATA_DIR: folder,
    PORT: String(apiPort),
    EMBEDDED_PG_PORT: String(pgPort),
    LOG_LEVEL: 'info',
    ...extra,
  };
  return { folder, apiPort, pgPort, env };
}

export interface RunningApi {
  process: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

/** Starts `command` (by default the built API) and collects its output. */
export function spawnApi(
  site: ApiSite,
  command: string = process.execPath,
  args: string[] = [BUILT_MAIN],
  options: SpawnOptions = {},
): RunningApi {
  let output = '';
  const child = spawn(command, args, {
    env: site.env,
    cwd: REPO_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    ...options,
  });
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
  return { process: child, output: () => output, exited };
}

/** The status of `GET path`, or 0 when nothing answers. */
export async function statusOf(site: ApiSite, path: string): Promise<number> {
  try {
    return (await fetch(`http://127.0.0.1:${site.apiPort}${path}`)).status;
  } catch {
    return 0;
  }
}

export async function untilReady(site: ApiSite, api: RunningApi, timeoutMs = 90_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (api.process.exitCode !== null) throw new Error(`API exited: ${api.output()}`);
    if ((await statusOf(site, '/health/ready')) === 200) return;
    await new Promise((done) => setTimeout(done, 200));
  }
  throw new Error(`API not ready in time: ${api.output()}`);
}
