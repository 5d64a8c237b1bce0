import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Client } from 'pg';
import { startBenchDatabase, withClient, type BenchDatabase } from './postgres';
import { readSeedMarker, reuseOrEmpty, SEED_FORMAT, writeSeedMarker } from './seed-store';

/** The benchmark's kept seed: every run measures a fresh copy, never what earlier runs wrote. */
describe('the kept benchmark seed', () => {
  let database: BenchDatabase;
  let keptDir: string;

  beforeAll(async () => {
    const adminUrl = process.env.TEST_DB_ADMIN_URL;
    if (!adminUrl) throw new Error('jest global setup did not run');
    database = await startBenchDatabase(adminUrl);
    keptDir = mkdtempSync(join(tmpdir(), 'bench-seed-store-'));
    jest.spyOn(console, 'log').mockImplementation(() => undefined);
  });
  afterAll(async () => {
    await database.stop();
    rmSync(keptDir, { recursive: true, force: true });
  });

  const asOwner = <T>(work: (db: Client) => Promise<T>): Promise<T> =>
    withClient(database.ownerUrl, work);
  const clients = () =>
    asOwner(async (db) =>
      (await db.query<{ name: string }>('SELECT name FROM seeded ORDER BY name')).rows.map(
        (row) => row.name,
      ),
    );
  const write = (name: string) =>
    asOwner((db) => db.query('INSERT INTO seeded (name) VALUES ($1)', [name]));

  it('restores the seed as saved, leaving out what a run wrote after it', async () => {
    expect(await database.restoreSeed()).toBe(false);
    await asOwner((db) => db.query('CREATE TABLE seeded (name text PRIMARY KEY)'));
    await write('from the seed');
    await database.saveSeed();
    await write('created by a run');
    expect(await clients()).toEqual(['created by a run', 'from the seed']);

    expect(await database.restoreSeed()).toBe(true);
    expect(await clients()).toEqual(['from the seed']);
  });

  it('reuses a kept seed of the same scale and format by restoring it, and empties the database otherwise', async () => {
    const kept = { ...database, keptDir };
    const marker = {
      format: SEED_FORMAT,
      scale: 1,
      seededAt: new Date().toISOString(),
      seedSeconds: 1,
      lastMigration: undefined,
    };
    writeSeedMarker(keptDir, marker);
    await write('created by the previous run');
    expect(await reuseOrEmpty(kept, 1, false)).toEqual(marker);
    expect(await clients()).toEqual(['from the seed']);

    // Another scale: seeded again from empty, its marker gone until that seed completes.
    expect(await reuseOrEmpty(kept, 10, false)).toBeUndefined();
    expect(readSeedMarker(keptDir)).toBeUndefined();
    const tables = await asOwner(
      async (db) => (await db.query("SELECT 1 FROM pg_tables WHERE tablename = 'seeded'")).rowCount,
    );
    expect(tables).toBe(0);
    expect(await database.restoreSeed()).toBe(false);
  });
});
