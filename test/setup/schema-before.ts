import { DataSource, type MigrationInterface } from 'typeorm';
import { migrations } from '../../migrations';
import { loadConfig } from '../../src/config/app-config';
import { APP_ROLE_SETTING } from '../../src/database/application-grants';
import { dataSourceOptions } from '../../src/database/data-source-options';
import { runMigrations } from '../../src/database/migrate';
import type { Sql } from '../fixtures/previous-schema-practice';
import { TEST_APP_ROLE } from './database-roles';
import { createEmptyDatabase } from './test-database';

const config = loadConfig({ NODE_ENV: 'test', JWT_SECRET: 'x'.repeat(48) }).database;

export interface SchemaBefore {
  /** The database as its owner, at the schema before `first` until a test migrates it. */
  readonly dataSource: DataSource;
  readonly sql: Sql;
  /**
   * Runs one migration's `up` or `down` alone (not those after it, which may change the tables a
   * test compares), in one transaction, naming the application role as the runner does.
   */
  migrate(migration: MigrationInterface, direction: 'up' | 'down'): Promise<void>;
}

/**
 * A database of its own at the schema just before migration `first`: migrated to the end, then
 * every migration from `first` on undone. For a test that writes data as that schema did and then
 * runs the migration over it. Registers its own `beforeAll` and `afterAll`.
 */
export function schemaBefore(label: string, first: (typeof migrations)[number]): SchemaBefore {
  let dataSource: DataSource | undefined;
  const open = () => {
    if (!dataSource) throw new Error('schemaBefore: used outside a test');
    return dataSource;
  };
  beforeAll(async () => {
    const url = await createEmptyDatabase(label);
    await runMigrations(config, url, TEST_APP_ROLE.name);
    dataSource = new DataSource(dataSourceOptions(config, url));
    await dataSource.initialize();
    const later = migrations.length - migrations.indexOf(first);
    for (let i = 0; i < later; i += 1) await dataSource.undoLastMigration({ transaction: 'each' });
  });
  afterAll(async () => {
    await dataSource?.destroy();
  });
  return {
    get dataSource() {
      return open();
    },
    sql: (text, params = []) => open().query(text, params),
    async migrate(migration, direction) {
      const runner = open().createQueryRunner();
      await runner.startTransaction();
      try {
        await runner.query(`SELECT set_config($1, $2, true)`, [
          APP_ROLE_SETTING,
          TEST_APP_ROLE.name,
        ]);
        await migration[direction](runner);
        await runner.commitTransaction();
      } catch (error) {
        await runner.rollbackTransaction();
        throw error;
      } finally {
        await runner.release();
      }
    },
  };
}
