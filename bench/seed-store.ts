/* eslint-disable no-console -- the benchmark's own progress report */
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { withClient, type BenchDatabase } from './postgres';

/**
 * Raised whenever what the seed writes changes shape (tables, counts, figures), so a kept folder
 * seeded by an older bench is seeded again rather than measured as if it were today's. Format 3:
 * the seed is kept as a template and every run measures a fresh copy of it. Format 4: it holds
 * `care_team_goals`, written by its triggers and vacuumed with the rest (a migration applied to an
 * older seed would leave it unvacuumed, and a dashboard would read its rows from the heap).
 * Format 5: care-team rows carry their client's status, likewise. Format 6: the seed writes the
 * care-team goals itself, and the refresh function keeps one plan. Format 7: care-team goals carry
 * their client's number and status.
 */
export const SEED_FORMAT = 7;

/** What a kept folder's seed was: written only once the seed has completed. */
export interface SeedMarker {
  format: number;
  scale: number;
  seededAt: string;
  seedSeconds: number;
  /** The newest migration applied when seeding: later ones were applied to seeded data. */
  lastMigration: string | undefined;
}

const markerPath = (keptDir: string) => join(keptDir, 'seed.json');

export function readSeedMarker(keptDir: string): SeedMarker | undefined {
  const path = markerPath(keptDir);
  return existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as SeedMarker) : undefined;
}

/**
 * Whether the kept seed can be measured: if so, the database becomes a fresh copy of it, so no run
 * measures what an earlier run's writes added (at scale 1 a few full runs had nearly doubled the
 * clients, and with them the caseloads the dashboards read). Anything else (another scale, an
 * older seed format, a seed that never finished, `--reseed`) empties the database, and the marker
 * goes until the new seed has completed.
 */
export async function reuseOrEmpty(
  database: BenchDatabase,
  scale: number,
  reseed: boolean,
): Promise<SeedMarker | undefined> {
  if (!database.keptDir) return undefined;
  const marker = readSeedMarker(database.keptDir);
  if (
    marker &&
    !reseed &&
    marker.format === SEED_FORMAT &&
    marker.scale === scale &&
    (await database.restoreSeed())
  ) {
    console.log(
      `Reusing the scale ${scale} seed in ${database.keptDir} of ${marker.seededAt} (seeded in ${marker.seedSeconds.toFixed(0)} s)`,
    );
    return marker;
  }
  if (marker) {
    console.log(
      `${database.keptDir} holds a seed of scale ${marker.scale}, format ${marker.format}: seeding scale ${scale}, format ${SEED_FORMAT} instead`,
    );
  }
  rmSync(markerPath(database.keptDir), { force: true });
  await database.recreate();
  return undefined;
}

export function lastMigration(ownerUrl: string): Promise<string | undefined> {
  return withClient(ownerUrl, async (db) => {
    const { rows } = await db.query<{ name: string }>(
      'SELECT name FROM schema_migrations ORDER BY id DESC LIMIT 1',
    );
    return rows[0]?.name;
  });
}

export function writeSeedMarker(keptDir: string, marker: SeedMarker): void {
  writeFileSync(markerPath(keptDir), `${JSON.stringify(marker, null, 2)}\n`);
}

/** Says so when migrations newer than the seed ran on it (the API's start applies them). */
export async function warnIfMigratedSince(marker: SeedMarker, ownerUrl: string): Promise<void> {
  const now = await lastMigration(ownerUrl);
  if (now !== marker.lastMigration) {
    console.log(
      `Note: migrations up to ${now} were applied to a seed made at ${marker.lastMigration}; ` +
        'use --reseed if they change what the seed should hold',
    );
  }
}
