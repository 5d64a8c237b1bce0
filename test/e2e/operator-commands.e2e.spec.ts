import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import {
  apiSite,
  REPO_ROOT,
  spawnApi,
  untilReady,
  type ApiSite,
  type RunningApi,
} from '../setup/built-api';

const CLI = {
  practiceCreate: join(REPO_ROOT, 'dist/src/practices/cli/practice-create.js'),
  migrationRun: join(REPO_ROOT, 'dist/src/database/cli/migration-run.js'),
  migrationRevert: join(REPO_ROOT, 'dist/src/database/cli/migration-revert.js'),
};

interface Outcome {
  code: number | null;
  /** What the command says to the operator: its stdout without the JSON log lines. */
  stdout: string;
  /** The `msg` of each JSON log line. */
  logs: string[];
  stderr: string;
}

/** Runs a built operator command as `npm run …` would, in the API's environment. */
function runCommand(site: ApiSite, script: string, args: string[] = []): Promise<Outcome> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [script, ...args], { cwd: REPO_ROOT, env: site.env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('exit', (code) => {
      const lines = stdout.split('\n');
      const isLog = (line: string) => line.startsWith('{"level"');
      done({
        code,
        stdout: lines.filter((line) => !isLog(line)).join('\n'),
        logs: lines.filter(isLog).map((line) => (JSON.parse(line) as { msg: string }).msg),
        stderr,
      });
    });
  });
}

describe('operator commands while the API runs on the embedded database', () => {
  let site: ApiSite;
  let api: RunningApi;

  beforeAll(async () => {
    site = await apiSite({ SEED_DEMO: 'false' });
    api = spawnApi(site);
    await untilReady(site, api, 90_000);
  });
  afterAll(async () => {
    if (api.process.exitCode === null) {
      api.process.kill('SIGTERM');
      await api.exited;
    }
    rmSync(site.folder, { recursive: true, force: true });
  });

  const login = (email: string, password: string) =>
    fetch(`http://127.0.0.1:${site.apiPort}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, password }),
    });

  it('practice:create joins the running server; the new admin signs in to the running API', async () => {
    const password = 'lakeside-operator-2026';
    const created = await runCommand(site, CLI.practiceCreate, [
      '--name',
      'Lakeside Therapy',
      '--admin-email',
      'owner@lakeside.example',
      '--admin-password',
      password,
      '--time-zone',
      'Europe/Berlin',
    ]);
    expect(created).toMatchObject({ code: 0, stderr: '' });
    expect(created.logs).toContain('using the embedded PostgreSQL that is already running');
    expect(created.stdout).toMatch(/^Practice created: Lakeside Therapy \([0-9a-f-]{36}\)/);

    const signedIn = await login('owner@lakeside.example', password);
    expect(signedIn.status).toBe(200);
    const { accessToken } = (await signedIn.json()) as { accessToken: string };
    const me = await fetch(`http://127.0.0.1:${site.apiPort}/api/v1/me`, {
      headers: { authorization: `Bearer ${accessToken}` },
    });
    expect(me.status).toBe(200);
    expect(await me.json()).toMatchObject({
      role: 'admin',
      practice: { name: 'Lakeside Therapy', timeZone: 'Europe/Berlin' },
    });
    // The server it joined is the API's, and it is still serving.
    expect(api.process.exitCode).toBeNull();
  });

  it.each(Object.entries(CLI))('%s --help prints its usage and exits 0', async (_name, script) => {
    const help = await runCommand(site, script, ['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: npm run [a-z:-]+/);
    expect(help.stdout).toContain('embedded PostgreSQL');
  });

  it('migration:run finds nothing to apply; migration:revert names what it reverted', async () => {
    const current = await runCommand(site, CLI.migrationRun);
    expect(current).toMatchObject({ code: 0, stdout: 'The database is up to date.\n' });
    expect(current.logs).toContain('using the embedded PostgreSQL that is already running');
    const reverted = await runCommand(site, CLI.migrationRevert);
    expect(reverted.code).toBe(0);
    const name = /^Reverted: (\S+)\n$/.exec(reverted.stdout)?.[1];
    expect(name).toMatch(/^\w+\d{13}$/);
    expect(await runCommand(site, CLI.migrationRun)).toMatchObject({
      code: 0,
      stdout: `Applied: ${name}\n`,
    });
  });

  it('starts and stops a server of its own once the API has stopped', async () => {
    api.process.kill('SIGTERM');
    await api.exited;
    const alone = await runCommand(site, CLI.migrationRun);
    expect(alone).toMatchObject({ code: 0, stdout: 'The database is up to date.\n' });
    expect(alone.logs).toContain('starting embedded PostgreSQL');
  });
});
