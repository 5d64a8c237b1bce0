import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Client } from 'pg';
import { freePort } from '../setup/free-port';

// The compiled API exactly as `npm start` runs it (`npm test` builds it first, see `pretest`).
const MAIN = resolve(__dirname, '../../dist/src/main.js');

interface RunningApi {
  process: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

describe('stop and restart on the same data folder', () => {
  let folder: string;
  let env: NodeJS.ProcessEnv;
  let apiPort: number;
  let pgPort: number;

  beforeAll(async () => {
    folder = mkdtempSync(join(tmpdir(), 'family-therapy-restart-'));
    chmodSync(folder, 0o755);
    apiPort = await freePort();
    pgPort = await freePort();
    env = {
      PATH: process.env.PATH,
      NODE_ENV: 'development',
      DATA_DIR: folder,
      PORT: String(apiPort),
      EMBEDDED_PG_PORT: String(pgPort),
      SHUTDOWN_DRAIN_MS: '1000',
      LOG_LEVEL: 'info',
    };
  });
  afterAll(() => rmSync(folder, { recursive: true, force: true }));

  function start(): RunningApi {
    let output = '';
    const child = spawn(process.execPath, [MAIN], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
    return { process: child, output: () => output, exited };
  }

  async function ready(api: RunningApi): Promise<void> {
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      if (api.process.exitCode !== null) throw new Error(`API exited: ${api.output()}`);
      if ((await status('/health/ready')) === 200) return;
      await new Promise((done) => setTimeout(done, 200));
    }
    throw new Error(`API not ready in time: ${api.output()}`);
  }

  async function status(path: string): Promise<number> {
    try {
      return (await fetch(`http://127.0.0.1:${apiPort}${path}`)).status;
    } catch {
      return 0;
    }
  }

  async function withDatabase<T>(work: (client: Client) => Promise<T>): Promise<T> {
    const password = readFileSync(join(folder, 'postgres.password'), 'utf8').trim();
    const client = new Client({
      host: '127.0.0.1',
      port: pgPort,
      user: 'postgres',
      password,
      database: 'family_therapy',
    });
    await client.connect();
    try {
      return await work(client);
    } finally {
      await client.end();
    }
  }

  /** The generated passwords of the owner and application roles, from the data folder. */
  function rolePasswords(): { owner: string; app: string } {
    const read = (file: string) => readFileSync(join(folder, file), 'utf8').trim();
    return { owner: read('owner.password'), app: read('app.password') };
  }

  /** SIGTERM, watching readiness turn 503 while the process is still draining. */
  async function stop(api: RunningApi): Promise<{ code: number | null; sawDraining: boolean }> {
    api.process.kill('SIGTERM');
    let sawDraining = false;
    while (api.process.exitCode === null) {
      const [ready, live] = await Promise.all([status('/health/ready'), status('/health/live')]);
      if (ready === 503 && live === 200) sawDraining = true;
      await new Promise((done) => setTimeout(done, 100));
    }
    return { code: await api.exited, sawDraining };
  }

  it('keeps the data written before a SIGTERM, and stops cleanly each time', async () => {
    const first = start();
    await ready(first);
    expect(first.output()).toContain(`http://localhost:${apiPort}/docs`);
    await withDatabase((client) =>
      client.query(
        `INSERT INTO practices (name, time_zone) VALUES ('Restart Check Practice', 'Europe/Lisbon')`,
      ),
    );

    const passwords = rolePasswords();
    expect(passwords).toEqual({
      owner: expect.stringMatching(/^\S{20,}$/),
      app: expect.stringMatching(/^\S{20,}$/),
    });
    const stopped = await stop(first);
    expect(stopped).toEqual({ code: 0, sawDraining: true });
    expect(first.output()).toContain('stopped cleanly');
    // A clean shutdown removes the pid file; the database port is closed.
    expect(existsSync(join(folder, 'postgres', 'postmaster.pid'))).toBe(false);
    await expect(withDatabase(() => Promise.resolve())).rejects.toThrow(/ECONNREFUSED/);

    const second = start();
    await ready(second);
    const rows = await withDatabase(async (client) => {
      const result = await client.query<{ name: string; time_zone: string }>(
        `SELECT name, time_zone FROM practices ORDER BY name`,
      );
      return result.rows;
    });
    expect(rows).toEqual([
      { name: 'Restart Check Practice', time_zone: 'Europe/Lisbon' },
      { name: 'Riverside Family Counseling', time_zone: 'America/Chicago' },
    ]);
    expect(second.output()).not.toContain('demo practice seeded');
    // The roles made on the first start are found again, with the passwords kept in their files,
    // and every connection the API holds is the application role's.
    expect(rolePasswords()).toEqual(passwords);
    const connections = await withDatabase(async (client) => {
      const result = await client.query<{ role: string }>(
        `SELECT DISTINCT usename AS role FROM pg_stat_activity
          WHERE datname = 'family_therapy' AND application_name = 'family-therapy-api'`,
      );
      return result.rows.map((row) => row.role);
    });
    expect(connections).toEqual(['family_therapy_app']);
    expect((await stop(second)).code).toBe(0);
  });
});
