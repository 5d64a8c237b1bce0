import { Client } from 'pg';
import { DataSource } from 'typeorm';
import type { DatabaseConfig } from '../config/app-config';
import { APP_ROLE_SETTING } from './application-grants';
import { dataSourceOptions } from './data-source-options';

// Several replicas may start at once; only one may migrate, the others wait for it.
const MIGRATION_LOCK_KEY = 7_412_663_001;

/**
 * Runs every pending migration under an advisory lock, connected as the owner (`url`), granting
 * what the API needs to `appRole`; returns the names of those applied. Its connections close.
 */
export async function runMigrations(
  config: DatabaseConfig,
  url: string,
  appRole: string,
): Promise<string[]> {
  return withMigrationLock(url, async () => {
    const dataSource = migrationDataSource(config, url, appRole);
    await dataSource.initialize();
    try {
      const applied = await dataSource.runMigrations({ transaction: 'each' });
      return applied.map((migration) => migration.name);
    } finally {
      await dataSource.destroy();
    }
  });
}

/**
 * Reverts the most recent migration (operator command) and returns its name, or undefined when
 * none has been applied.
 */
export async function revertLastMigration(
  config: DatabaseConfig,
  url: string,
  appRole: string,
): Promise<string | undefined> {
  return withMigrationLock(url, async () => {
    const dataSource = migrationDataSource(config, url, appRole);
    await dataSource.initialize();
    try {
      // TypeORM reverts the row with the highest id; read under the same lock as the undo.
      const [last] = await dataSource.query<{ name: string }[]>(
        `SELECT name FROM ${dataSource.options.migrationsTableName ?? 'migrations'} ORDER BY id DESC LIMIT 1`,
      );
      if (!last) return undefined;
      await dataSource.undoLastMigration({ transaction: 'each' });
      return last.name;
    } finally {
      await dataSource.destroy();
    }
  });
}

function migrationDataSource(config: DatabaseConfig, url: string, appRole: string): DataSource {
  return new DataSource(
    dataSourceOptions({ ...config, poolSize: 2 }, url, { [APP_ROLE_SETTING]: appRole }),
  );
}

async function withMigrationLock<T>(url: string, work: () => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    return await work();
  } finally {
    await client
      .query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY])
      .catch(() => undefined);
    await client.end();
  }
}
