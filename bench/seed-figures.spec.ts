import { Client } from 'pg';
import { rowsOf } from '../src/common/sql/query-rows';
import { refreshGoalFigures } from '../src/trust-goals/goal-figures';
import { careTeamGoalsDrift, type Sql } from '../test/fixtures/care-team-goals-drift';
import { asOwner } from '../test/setup/database-roles';
import { isolatedDatabaseUrl } from '../test/setup/test-database';
import { seedPractice, seedSize } from './seed';

const FIGURES = `SELECT id, last_check_in_at, suggested_achievement_status, recent_check_in_at, recent_kept_totals,
                        recent_missed_totals FROM trust_goals ORDER BY id`;
const SCHEMA = `SELECT (SELECT array_agg(indexdef ORDER BY indexdef) FROM pg_indexes WHERE schemaname = 'public') AS indexes,
                       (SELECT array_agg(conname || pg_get_constraintdef(oid) ORDER BY conname) FROM pg_constraint
                         WHERE connamespace = 'public'::regnamespace) AS constraints`;

describe('the benchmark seed', () => {
  let db: Client;
  let ownerUrl: string;

  beforeAll(async () => {
    ownerUrl = asOwner(await isolatedDatabaseUrl('bench_seed'));
    db = new Client({ connectionString: ownerUrl });
    await db.connect();
  });
  afterAll(() => db.end());

  it('stores the goal figures the API computes for each goal, and leaves every index and constraint as it found it', async () => {
    const schemaBefore = (await db.query(SCHEMA)).rows[0];
    const { practiceId } = await seedPractice(ownerUrl, seedSize(0.004), 'not-a-real-hash', {
      refresh: (practice, goalIds) => refreshGoalFigures(rowsOf(db), practice, goalIds),
      vacuum: false,
    });
    expect((await db.query(SCHEMA)).rows[0]).toEqual(schemaBefore);

    const seeded = (await db.query(FIGURES)).rows;
    expect(seeded).toHaveLength(100);
    // The copied figures are worth comparing: present, and not all the same status.
    expect(seeded.every((goal) => goal.last_check_in_at && goal.recent_check_in_at.length)).toBe(
      true,
    );
    expect(new Set(seeded.map((goal) => goal.suggested_achievement_status)).size).toBeGreaterThan(
      1,
    );

    await refreshGoalFigures(rowsOf(db), practiceId, 'all');
    expect((await db.query(FIGURES)).rows).toEqual(seeded);
  });

  it('leaves care_team_goals as the goals and care teams say: written by the seed, its figures by trigger', async () => {
    const [practice] = (
      await db.query<{ id: string }>(`SELECT id FROM practices WHERE name = 'Benchmark Practice'`)
    ).rows;
    const sql: Sql = async (text, params) => (await db.query(text, params)).rows;
    expect(await careTeamGoalsDrift(sql, practice!.id)).toEqual([]);
    const { rows } = await db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM care_team_goals`,
    );
    expect(rows[0]!.n).toBe(100);
  });
});
