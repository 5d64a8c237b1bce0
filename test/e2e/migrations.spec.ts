import { DataSource } from 'typeorm';
import { migrations } from '../../migrations';
import { loadConfig } from '../../src/config/app-config';
import { dataSourceOptions } from '../../src/database/data-source-options';
import { runMigrations } from '../../src/database/migrate';
import { createEmptyDatabase, workerDatabaseUrl } from '../setup/test-database';

const config = loadConfig({ NODE_ENV: 'test', JWT_SECRET: 'x'.repeat(48) }).database;

async function userTables(dataSource: DataSource): Promise<string[]> {
  const rows = await dataSource.query<{ table_name: string }[]>(
    `SELECT table_name FROM information_schema.tables
      WHERE table_schema = 'public' AND table_name <> 'schema_migrations' ORDER BY table_name`,
  );
  return rows.map((row) => row.table_name);
}

describe('migrations', () => {
  it('run all the way up on an empty database and all the way down again', async () => {
    const url = await createEmptyDatabase('migrations');
    const applied = await runMigrations(config, url);
    expect(applied).toEqual(migrations.map((migration) => new migration().name));

    const dataSource = new DataSource(dataSourceOptions(config, url));
    await dataSource.initialize();
    try {
      expect(await userTables(dataSource)).toContain('practices');
      for (let i = 0; i < migrations.length; i += 1) {
        await dataSource.undoLastMigration({ transaction: 'each' });
      }
      expect(await userTables(dataSource)).toEqual([]);
      expect(await dataSource.query('SELECT * FROM schema_migrations')).toEqual([]);
    } finally {
      await dataSource.destroy();
    }
    // And up again: down() must leave nothing behind that blocks a second up().
    expect(await runMigrations(config, url)).toHaveLength(migrations.length);
  });

  it('leave nothing pending on the migrated template', async () => {
    expect(await runMigrations(config, await workerDatabaseUrl())).toEqual([]);
  });

  it('match the entities: TypeORM finds no schema change to make', async () => {
    const dataSource = new DataSource(dataSourceOptions(config, await workerDatabaseUrl()));
    await dataSource.initialize();
    try {
      const sql = await dataSource.driver.createSchemaBuilder().log();
      expect(sql.upQueries.map((query) => query.query)).toEqual([]);
    } finally {
      await dataSource.destroy();
    }
  });
});
