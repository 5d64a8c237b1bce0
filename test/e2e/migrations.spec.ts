import { DataSource } from 'typeorm';
import { migrations } from '../../migrations';
import { StoreDashboardFigures1763712900000 } from '../../migrations/1763712900000-store-dashboard-figures';
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

  it('fill in what the dashboards read for records written before it was stored', async () => {
    const url = await createEmptyDatabase('backfill');
    await runMigrations(config, url);
    const dataSource = new DataSource(dataSourceOptions(config, url));
    await dataSource.initialize();
    const sql = <T>(text: string, params: unknown[] = []) => dataSource.query<T>(text, params);
    try {
      const later = migrations.length - migrations.indexOf(StoreDashboardFigures1763712900000);
      for (let i = 0; i < later; i += 1)
        await dataSource.undoLastMigration({ transaction: 'each' });
      const [practice] = await sql<{ id: string }[]>(
        `INSERT INTO practices (name, time_zone) VALUES ('Before', 'America/Chicago') RETURNING id`,
      );
      const p = practice!.id;
      const [staff] = await sql<{ id: string }[]>(
        `INSERT INTO staff (practice_id, email, first_name, last_name, role, password_hash)
         VALUES ($1, 'before@example.test', 'B', 'C', 'counselor', 'x') RETURNING id`,
        [p],
      );
      const [client] = await sql<{ id: string }[]>(
        `INSERT INTO clients (practice_id, client_number, first_name, last_name, date_of_birth, status, presenting_concerns)
         VALUES ($1, 1, 'A', 'B', '1990-01-01', 'active', '{}') RETURNING id`,
        [p],
      );
      const [mother] = await sql<{ id: string }[]>(
        `INSERT INTO family_members (practice_id, client_id, first_name, relationship, participation)
         VALUES ($1, $2, 'M', 'mother', 'participating') RETURNING id`,
        [p, client!.id],
      );
      const goal = async (ratings: number[]) => {
        const [row] = await sql<{ id: string }[]>(
          `INSERT INTO trust_goals (practice_id, client_id, party_a_family_member_id, party_b_family_member_id, strategy,
                                    description, lifecycle_status, baseline_rating, target_rating, start_date)
           VALUES ($1, $2, NULL, $3, 'consistency_and_reliability', 'G', 'active', 3, 8, current_date - 90) RETURNING id`,
          [p, client!.id, mother!.id],
        );
        for (const [i, rating] of ratings.entries()) {
          const [checkIn] = await sql<{ id: string }[]>(
            `INSERT INTO goal_check_ins (practice_id, client_id, goal_id, occurred_at, recorded_by)
             VALUES ($1, $2, $3, now() - make_interval(days => $4), $5) RETURNING id`,
            [p, client!.id, row!.id, 7 * (ratings.length - i), staff!.id],
          );
          await sql(
            `INSERT INTO goal_check_in_ratings (practice_id, goal_id, check_in_id, family_member_id, rating)
             VALUES ($1, $2, $3, NULL, $4), ($1, $2, $3, $5, $4)`,
            [p, row!.id, checkIn!.id, rating, mother!.id],
          );
        }
        return row!.id;
      };
      const falling = await goal([7, 6, 5, 4]);
      const rising = await goal([3, 4, 5, 6]);
      const none = await goal([]);
      const session = async (daysBack: number, note: 'signed' | 'draft' | null) => {
        const [row] = await sql<{ id: string }[]>(
          `INSERT INTO therapy_sessions (practice_id, client_id, counselor_id, starts_at, ends_at, modality, setting, status, completed_at)
           VALUES ($1, $2, $3, now() - make_interval(days => $4), now() - make_interval(days => $4, mins => -50),
                   'individual', 'in_person', 'completed', now()) RETURNING id`,
          [p, client!.id, staff!.id, daysBack],
        );
        if (note) {
          await sql(
            `INSERT INTO session_notes (practice_id, client_id, session_id, author_id, format, content, status, signed_by,
                                        signed_at, content_hash)
             VALUES ($1, $2, $3, $4, 'free', '{"text":"t"}', $5, $4, now(), 'h')`,
            [p, client!.id, row!.id, staff!.id, note],
          );
        }
        return row!.id;
      };
      const signed = await session(3, 'signed');
      const draft = await session(2, 'draft');
      const missing = await session(1, null);

      await runMigrations(config, url);
      const goals = await sql<{ id: string; suggested: string | null; days: number | null }[]>(
        `SELECT id, suggested_achievement_status AS suggested,
                extract(day FROM now() - last_check_in_at)::int AS days FROM trust_goals`,
      );
      expect(Object.fromEntries(goals.map((g) => [g.id, [g.suggested, g.days]]))).toEqual({
        [falling]: ['worsening', 7],
        [rising]: ['improving', 7],
        [none]: [null, null],
      });
      const sessions = await sql<{ id: string; note_status: string }[]>(
        `SELECT id, note_status FROM therapy_sessions`,
      );
      expect(Object.fromEntries(sessions.map((row) => [row.id, row.note_status]))).toEqual({
        [signed]: 'signed',
        [draft]: 'draft',
        [missing]: 'none',
      });
    } finally {
      await dataSource.destroy();
    }
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
