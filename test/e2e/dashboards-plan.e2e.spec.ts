import { Client } from 'pg';
import request from 'supertest';
import { createTeam } from '../factories/staff.factory';
import { bearer, tokenFor } from '../setup/auth';
import { adminQuery } from '../setup/database-roles';
import { catchStatements } from '../setup/query-counter';
import { startTestApp, type TestApp } from '../setup/test-app';
import { isolatedDatabaseUrl } from '../setup/test-database';

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  'Actual Loops'?: number;
  'Actual Rows'?: number;
  'Rows Removed by Filter'?: number;
  'Heap Fetches'?: number;
  Plans?: PlanNode[];
}

/** The nodes of a plan that ran (a branch with no rows to probe never executes). */
function ran(node: PlanNode): PlanNode[] {
  const children = (node.Plans ?? []).flatMap(ran);
  return (node['Actual Loops'] ?? 0) > 0 ? [node, ...children] : children;
}

/**
 * What keeps the dashboards' cost with the caseload rather than the practice (issue 19): a
 * caseload's clients and goals are scattered over the practice's tables, one heap page each, so
 * they are read from covering indexes instead (index-only: at ten times the practice those pages
 * no longer stay cached), and the team dashboard finds a supervisor's supervisees by index rather
 * than walking the practice's staff.
 */
describe('dashboards: what their plans read', () => {
  let testApp: TestApp;
  let team: Awaited<ReturnType<typeof createTeam>>;
  let databaseUrl: string;

  beforeAll(async () => {
    // A database of its own: statistics skewed by other files' rows would move the plans.
    databaseUrl = await isolatedDatabaseUrl('dashboards_plan');
    testApp = await startTestApp({ databaseUrl });
    const db = testApp.dataSource;
    team = await createTeam(db);
    const practiceId = team.practice.id;
    // 2,400 other clinicians in teams of 24 and 4,000 other clients: the practice outgrows the
    // caseload, and a supervisor's team is one in a hundred.
    const others = (role: string, which: string, supervisor: string) =>
      db.query(
        `INSERT INTO staff (practice_id, email, first_name, last_name, role, supervisor_id, password_hash, password_changed_at)
         SELECT $1, 'other' || n || '@test.example', 'Other', 'Other' || n, '${role}', ${supervisor}, s.password_hash, now()
           FROM generate_series(0, 2399) n, staff s WHERE s.id = $2 AND ${which}`,
        [practiceId, team.counselor.id],
      );
    await others('supervisor', 'n % 25 = 0', 'NULL');
    await others(
      'counselor',
      'n % 25 <> 0',
      `(SELECT b.id FROM staff b WHERE b.practice_id = $1 AND b.last_name = 'Other' || (n - n % 25))`,
    );
    await db.query(
      `WITH c AS (
         INSERT INTO clients (practice_id, client_number, first_name, last_name, date_of_birth, status)
         SELECT $1, n, 'First' || n, 'Last' || n, '1990-01-01', 'active' FROM generate_series(1, 4200) n
         RETURNING id, client_number)
       INSERT INTO care_team_members (practice_id, client_id, staff_id, role)
       SELECT $1, c.id, CASE WHEN c.client_number <= 100 THEN $2::uuid WHEN c.client_number <= 200 THEN $3::uuid
                             ELSE (SELECT s.id FROM staff s WHERE s.practice_id = $1 AND s.last_name = 'Other' || (c.client_number % 2400)) END,
              'primary_counselor'
         FROM c`,
      [practiceId, team.counselor.id, team.trainee.id],
    );
    await db.query(
      `WITH f AS (
         INSERT INTO family_members (practice_id, client_id, first_name, relationship)
         SELECT practice_id, id, 'M', 'mother' FROM clients WHERE practice_id = $1 RETURNING practice_id, client_id, id)
       INSERT INTO trust_goals (practice_id, client_id, strategy, description, lifecycle_status, baseline_rating,
                                target_rating, start_date, party_b_family_member_id)
       SELECT practice_id, client_id, 'patience_and_time', 'g', 'active', 2, 8, current_date - 30, id FROM f`,
      [practiceId],
    );
    // As after autovacuum: the pages all-visible, the statistics current.
    await adminQuery(db, 'VACUUM ANALYZE');
  });
  afterAll(() => testApp.close());

  it('reads clients and goals index-only and finds the supervisees by index', async () => {
    const db = testApp.dataSource;

    const auth = bearer(await tokenFor(testApp.app, team.supervisor));
    const get = (path: string) =>
      request(testApp.app.getHttpServer()).get(path).set('Authorization', auth).expect(200);
    const { sent: dashboard } = await catchStatements(() => get('/api/v1/dashboard'));
    const { sent: teamView } = await catchStatements(() => get('/api/v1/dashboard/team'));
    const plan = async (statements: { sql: string; values: unknown[] }[], marker: RegExp) => {
      const found = statements.find((s) => marker.test(s.sql));
      if (!found) throw new Error(`no statement matches ${marker}`);
      const [row] = await db.query<{ 'QUERY PLAN': [{ Plan: PlanNode }] }[]>(
        `EXPLAIN (ANALYZE, TIMING OFF, FORMAT JSON) ${found.sql}`,
        found.values,
      );
      return ran(row!['QUERY PLAN'][0].Plan);
    };
    // The reads that found rows, of the tables a caseload's count and goals come from (the goals a
    // case holds have their own small index, probed once per member here and empty): each
    // index-only, by the index that keeps a staff member's rows side by side. Neither clients nor
    // goals are read at all (no emergency grant here): the care-team rows carry their client's
    // number and status.
    const TABLES = ['clients', 'trust_goals', 'care_team_members', 'care_team_goals'];
    const reads = (nodes: PlanNode[]) =>
      nodes.filter((n) => TABLES.includes(n['Relation Name'] ?? '') && (n['Actual Rows'] ?? 0) > 0);
    const BY_STAFF = 'ix_care_team_members_caseload';
    for (const [nodes, expected] of [
      [await plan(dashboard, /SELECT c\.status, count\(\*\)/), { care_team_members: BY_STAFF }],
      [await plan(dashboard, /a\.reasons/), { care_team_goals: 'pk_care_team_goals' }],
      [
        await plan(teamView, /AS "activeCaseload"/),
        { care_team_members: BY_STAFF, care_team_goals: 'pk_care_team_goals' },
      ],
    ] as const) {
      const found = reads(nodes);
      expect([...new Set(found.map((n) => n['Relation Name']))].sort()).toEqual(
        Object.keys(expected).sort(),
      );
      for (const node of found) {
        expect({ index: node['Index Name'], type: node['Node Type'] }).toEqual({
          index: (expected as Record<string, string>)[node['Relation Name']!],
          type: 'Index Only Scan',
        });
        expect(node['Heap Fetches']).toBe(0);
      }
    }

    const staff = (await plan(teamView, /AS "activeCaseload"/)).filter(
      (n) => n['Relation Name'] === 'staff',
    );
    expect(staff).toHaveLength(1);
    // The two supervisees, not the practice's 2,400-odd staff filtered down to them.
    expect(staff[0]!['Actual Rows']).toBe(2);
    expect(staff[0]!['Rows Removed by Filter'] ?? 0).toBeLessThanOrEqual(2);
  });

  /**
   * A dashboard's sections are prepared statements (one plan kept per pooled connection), but
   * PostgreSQL plans a prepared statement afresh for its values when that plan looks much cheaper
   * than the one it would keep. A caseload sized from the statistics did that for a counselor
   * (no supervisees, against a supervisor's two dozen), and planning four sections cost more than
   * running them. Run as the pool runs them, every section settles on the kept plan.
   */
  it.each(['counselor', 'supervisor'] as const)(
    "a %s's dashboard sections settle on one plan each",
    async (who) => {
      const auth = bearer(await tokenFor(testApp.app, team[who]));
      const { sent } = await catchStatements(() =>
        request(testApp.app.getHttpServer())
          .get('/api/v1/dashboard')
          .set('Authorization', auth)
          .expect(200),
      );
      const sections = sent.filter((s) => s.prepared && /^\s*SELECT/.test(s.sql));
      expect(sections.length).toBeGreaterThanOrEqual(8);
      const client = new Client({ connectionString: databaseUrl });
      await client.connect();
      try {
        const replanned: string[] = [];
        for (const [i, section] of sections.entries()) {
          const name = `section_${i}`;
          // PostgreSQL weighs the kept plan after five plans for the values given.
          for (let run = 0; run < 8; run++)
            await client.query({ name, text: section.sql, values: section.values });
          const [row] = (
            await client.query<{ generic_plans: string }>(
              'SELECT generic_plans FROM pg_prepared_statements WHERE name = $1',
              [name],
            )
          ).rows;
          if (Number(row!.generic_plans) === 0) replanned.push(section.sql.trim().slice(0, 60));
        }
        expect(replanned).toEqual([]);
      } finally {
        await client.end();
      }
    },
  );
});
