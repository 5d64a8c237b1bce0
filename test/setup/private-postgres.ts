import { chmodSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { startEmbeddedPostgres, type EmbeddedDatabase } from '../../src/database/embedded-postgres';
import { freePort } from './free-port';

/**
 * A PostgreSQL server of a test's own, for tests that stop, pause or restart the database under
 * the API (the shared one must stay up for the other workers).
 */
export async function startPrivatePostgres(): Promise<
  EmbeddedDatabase & { remove(): Promise<void> }
> {
  const folder = mkdtempSync(join(tmpdir(), 'family-therapy-private-pg-'));
  chmodSync(folder, 0o755);
  const server = await startEmbeddedPostgres({
    dataDir: join(folder, 'postgres'),
    port: await freePort(),
    database: 'family_therapy',
  });
  return {
    ...server,
    remove: async () => {
      await server.stop();
      rmSync(dirname(server.dataDir), { recursive: true, force: true });
    },
  };
}

/** The postmaster's pid and those of its children (backends, checkpointer, …). */
export function postgresProcessIds(dataDir: string): number[] {
  const postmaster = Number(readFileSync(join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
  const children = readFileSync(`/proc/${postmaster}/task/${postmaster}/children`, 'utf8')
    .trim()
    .split(/\s+/)
    .filter(Boolean)
    .map(Number);
  return [postmaster, ...children];
}
