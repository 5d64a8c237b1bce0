import request from 'supertest';
import { createClient } from '../factories/client.factory';
import { createTeam } from '../factories/staff.factory';
import { bearer, tokenFor } from '../setup/auth';
import { adminQuery } from '../setup/database-roles';
import { catchStatements, countQueries, type SentStatement } from '../setup/query-counter';
import { startTestApp, type TestApp } from '../setup/test-app';
import { isolatedDatabaseUrl } from '../setup/test-database';

interface PlanNode {
  'Total Cost': number;
  'Actual Rows'?: number;
  'Actual Loops'?: number;
  Plans?: PlanNode[];
}

/** The statement (text and values) the list sends, caught on its way to PostgreSQL. */
async function listStatement(work: () => Promise<unknown>): Promise<SentStatement> {
  const { sent } = await catchStatements(work);
  const caught = sent.filter((s) =>
    /ORDER BY c\.last_name, c\.first_name, c\.id LIMIT/.test(s.sql),
  );
  if (!caught.length) throw new Error('the list statement was not sent');
  return caught.at(-1)!;
}

/** The most rows any node of the plan produced, over all its loops. */
function mostRowsOfANode(node: PlanNode): number {
  const own = (node['Actual Rows'] ?? 0) * (node['Actual Loops'] ?? 1);
  return Math.max(own, ...(node.Plans ?? []).map(mostRowsOfANode));
}

/**
 * A clinician's name search costs what its page reads, not what their caseload holds (issue 19):
 * over a large caseload the list walks the name index and checks each row it meets.
 */
describe('client reads and name search: what they cost', () => {
  let testApp: TestApp;

  beforeAll(async () => {
    // A database of its own: statistics skewed by other files' rows would move the plans' costs.
    testApp = await startTestApp({ databaseUrl: await isolatedDatabaseUrl('clients_cost') });
  });
  afterAll(() => testApp.close());

  it('plans page 1 at about the same cost for 100 and for 10,000 caseload clients', async () => {
    const db = testApp.dataSource;
    const team = await createTeam(db);
    const small = team.counselor;
    const large = team.trainee;
    await db.query(
      `INSERT INTO clients (practice_id, client_number, first_name, last_name, date_of_birth, status)
       SELECT $1, n, 'First' || n, 'Last' || md5(n::text), '1990-01-01', 'active'
         FROM generate_series(1, 15100) n`,
      [team.practice.id],
    );
    // 100 clients for one counselor, 10,000 for the other, the rest to someone else.
    await db.query(
      `INSERT INTO care_team_members (practice_id, client_id, staff_id, role)
       SELECT practice_id, id, CASE WHEN client_number <= 100 THEN $2::uuid
                                    WHEN client_number <= 10100 THEN $3::uuid ELSE $4::uuid END, 'primary_counselor'
         FROM clients WHERE practice_id = $1`,
      [team.practice.id, small.id, large.id, team.admin.id],
    );
    await adminQuery(db, 'ANALYZE clients, care_team_members, staff, emergency_access_grants');

    const auths = new Map([
      [small, bearer(await tokenFor(testApp.app, small))],
      [large, bearer(await tokenFor(testApp.app, large))],
    ]);
    const page = async (staff: typeof small, search: string) => {
      const auth = auths.get(staff)!;
      const path = `/api/v1/clients?limit=20${search ? `&search=${search}` : ''}`;
      const { sql, values } = await listStatement(() =>
        request(testApp.app.getHttpServer()).get(path).set('Authorization', auth).expect(200),
      );
      const [plan] = await db.query<{ 'QUERY PLAN': [{ Plan: PlanNode }] }[]>(
        `EXPLAIN (FORMAT JSON) ${sql}`,
        values,
      );
      const [run] = await db.query<{ 'QUERY PLAN': [{ Plan: PlanNode }] }[]>(
        `EXPLAIN (ANALYZE, TIMING OFF, FORMAT JSON) ${sql}`,
        values,
      );
      return {
        cost: plan!['QUERY PLAN'][0].Plan['Total Cost'],
        rows: mostRowsOfANode(run!['QUERY PLAN'][0].Plan),
      };
    };

    for (const search of ['', 'last1']) {
      const few = await page(small, search);
      const many = await page(large, search);
      if (!search) {
        expect(many.cost).toBeLessThan(2 * few.cost);
        expect(few.cost).toBeLessThan(2 * many.cost);
      }
      // No step of either plan goes through the whole large caseload.
      expect(Math.max(few.rows, many.rows)).toBeLessThan(5000);
    }

    // The caseload's size is one statement of its own; the page then costs the same statements.
    const statements = async (staff: typeof small) =>
      (
        await countQueries(() =>
          request(testApp.app.getHttpServer())
            .get('/api/v1/clients?search=last1')
            .set('Authorization', auths.get(staff)!)
            .expect(200),
        )
      ).statements;
    expect(await statements(small)).toBe(3);
    expect(await statements(large)).toBe(3);
  });

  it('reads one client in one statement: the access check with the row, and its audit event', async () => {
    const db = testApp.dataSource;
    const team = await createTeam(db);
    const client = await createClient(db, {
      practiceId: team.practice.id,
      primaryCounselorId: team.counselor.id,
    });
    const auth = bearer(await tokenFor(testApp.app, team.counselor));
    const read = (id: string, status: number) =>
      request(testApp.app.getHttpServer())
        .get(`/api/v1/clients/${id}`)
        .set('Authorization', auth)
        .expect(status);
    await read(client.id, 200); // a token's first request also checks its session, then remembers it
    const oneStatement = [
      expect.stringMatching(
        /^WITH found AS \(.*FROM clients c JOIN practices p.*event AS \(INSERT INTO audit_events/,
      ),
    ];
    expect((await countQueries(() => read(client.id, 200))).sql).toEqual(oneStatement);
    // A denial too: the 404 and its event are the same one statement.
    const other = await createClient(db, { practiceId: team.practice.id });
    expect((await countQueries(() => read(other.id, 404))).sql).toEqual(oneStatement);
  });
});
