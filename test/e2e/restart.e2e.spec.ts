import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import { PLATFORM_PRACTICE_ID } from '../../src/practices/platform-practice';
import {
  apiSite,
  spawnApi,
  statusOf,
  untilReady,
  type ApiSite,
  type RunningApi,
} from '../setup/built-api';

describe('stop and restart on the same data folder', () => {
  let site: ApiSite;
  let folder: string;
  let apiPort: number;
  let pgPort: number;

  beforeAll(async () => {
    site = await apiSite({ SHUTDOWN_DRAIN_MS: '1000' });
    ({ folder, apiPort, pgPort } = site);
  });
  afterAll(() => rmSync(folder, { recursive: true, force: true }));

  const start = (): RunningApi => spawnApi(site);
  const ready = (api: RunningApi): Promise<void> => untilReady(site, api, 60_000);
  const status = (path: string): Promise<number> => statusOf(site, path);

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
    // The first start seeds the demo practice through the API before it listens.
    expect(first.output()).toContain('demo practice seeded');
    const [seeded] = await withDatabase(async (client) => {
      const result = await client.query<{ sessions: number }>(
        `SELECT count(*)::int AS sessions FROM therapy_sessions`,
      );
      return result.rows;
    });
    expect(seeded!.sessions).toBeGreaterThan(10);
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
        `SELECT name, time_zone FROM practices WHERE id <> $1 ORDER BY name`,
        [PLATFORM_PRACTICE_ID],
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
  }, 180_000); // two starts of the built API, the first one seeding the demo practice
});
