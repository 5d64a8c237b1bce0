import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import { connect } from 'node:net';
import { join } from 'node:path';
import { Client } from 'pg';
import {
  REPO_ROOT,
  apiSite,
  spawnApi,
  untilReady,
  type ApiSite,
  type RunningApi,
} from '../setup/built-api';

interface Answer {
  status: number;
  connection: string | undefined;
  at: number;
}

/** A login whose body trickles in over about a second: in flight for that long, by construction. */
function slowLogin(site: ApiSite, agent: http.Agent): Promise<Answer> {
  const body = JSON.stringify({
    email: 'admin@riverside.example',
    password: 'riverside-demo-2026',
  });
  return new Promise((resolve, reject) => {
    const request = http.request(
      {
        port: site.apiPort,
        host: '127.0.0.1',
        method: 'POST',
        path: '/api/v1/auth/login',
        agent,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
      },
      (response) => {
        response.resume();
        response.on('end', () =>
          resolve({
            status: response.statusCode ?? 0,
            connection: response.headers.connection,
            at: Date.now(),
          }),
        );
      },
    );
    request.on('error', reject);
    const chunks = body.match(/.{1,8}/g) ?? [];
    const sendNext = (): void => {
      const chunk = chunks.shift();
      if (chunk === undefined) return void request.end();
      request.write(chunk);
      setTimeout(sendNext, 1000 / 12);
    };
    sendNext();
  });
}

function get(site: ApiSite, path: string, agent: http.Agent): Promise<Answer> {
  return new Promise((resolve, reject) => {
    http
      .get({ port: site.apiPort, host: '127.0.0.1', path, agent }, (response) => {
        response.resume();
        response.on('end', () =>
          resolve({
            status: response.statusCode ?? 0,
            connection: response.headers.connection,
            at: Date.now(),
          }),
        );
      })
      .on('error', reject);
  });
}

function portAnswers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * A fresh data folder's first shutdown checkpoint writes the whole schema the migrations just
 * made (seconds on a busy machine); a running deployment has checkpointed long before SIGTERM.
 */
async function checkpoint(site: ApiSite): Promise<void> {
  const client = new Client({
    host: '127.0.0.1',
    port: site.pgPort,
    user: 'postgres',
    password: readFileSync(join(site.folder, 'postgres.password'), 'utf8').trim(),
    database: 'postgres',
  });
  await client.connect();
  try {
    await client.query('CHECKPOINT');
  } finally {
    await client.end();
  }
}

const delay = (ms: number) => new Promise((done) => setTimeout(done, ms));

describe('SIGTERM stops the API in order', () => {
  const sites: ApiSite[] = [];
  const started: RunningApi[] = [];
  afterAll(() => {
    for (const api of started) if (api.process.exitCode === null) api.process.kill('SIGKILL');
    for (const site of sites) rmSync(site.folder, { recursive: true, force: true });
  });

  it('lets a request in flight finish (200, not reset), tells keep-alive clients to close, and exits within 2 s of the last response', async () => {
    const site = await apiSite({ SHUTDOWN_DRAIN_MS: '300' });
    sites.push(site);
    const api = spawnApi(site);
    started.push(api);
    await untilReady(site, api);
    await checkpoint(site);

    // A client holding a keep-alive connection it never uses again must not hold the exit.
    const idle = new http.Agent({ keepAlive: true, maxSockets: 1 });
    expect((await get(site, '/health/live', idle)).status).toBe(200);
    const busy = new http.Agent({ keepAlive: true, maxSockets: 1 });
    expect((await get(site, '/health/live', busy)).status).toBe(200);

    const inFlight = slowLogin(site, new http.Agent({ keepAlive: true }));
    await delay(200);
    api.process.kill('SIGTERM');
    await delay(100);
    // The same keep-alive connection, reused during the drain: answered, and asked to close.
    const reused = await get(site, '/health/live', busy);
    const login = await inFlight;
    const exitCode = await api.exited;
    const exitedAt = Date.now();

    expect(reused).toMatchObject({ status: 200, connection: 'close' });
    expect(login).toMatchObject({ status: 200, connection: 'close' });
    expect(exitCode).toBe(0);
    expect(exitedAt - Math.max(login.at, reused.at)).toBeLessThan(2000);
    expect(api.output()).toContain('stopped cleanly');
  });

  it('SIGTERM to npm (not only to node) leaves no API and no PostgreSQL answering behind', async () => {
    const scripts = (
      JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as {
        scripts: Record<string, string>;
      }
    ).scripts;
    // `npm start` is the build followed by exactly this command line, which runs here unbuilt.
    expect(scripts.start).toBe(`nest build && ${scripts['start:prod']}`);

    const site = await apiSite({ LOG_LEVEL: 'warn' });
    sites.push(site);
    const npm = spawnApi(site, 'npm', ['run', '--silent', 'start:prod']);
    started.push(npm);
    await untilReady(site, npm);
    const postgresPid = Number(
      readFileSync(join(site.folder, 'postgres', 'postmaster.pid'), 'utf8').split('\n')[0],
    );
    const apiPid = Number(execFileSync('ps', ['-o', 'ppid=', '-p', String(postgresPid)]));
    expect(apiPid).not.toBe(npm.process.pid);
    expect(alive(apiPid)).toBe(true);

    npm.process.kill('SIGTERM');
    await npm.exited;
    const deadline = Date.now() + 10_000;
    while ((alive(apiPid) || alive(postgresPid)) && Date.now() < deadline) await delay(100);
    try {
      expect({ api: alive(apiPid), postgres: alive(postgresPid) }).toEqual({
        api: false,
        postgres: false,
      });
      expect(await portAnswers(site.apiPort)).toBe(false);
      expect(await portAnswers(site.pgPort)).toBe(false);
    } finally {
      // Never leave an orphan from a failing run.
      for (const pid of [apiPid, postgresPid]) if (alive(pid)) process.kill(pid, 'SIGKILL');
    }
  });
});
