import { CreateFamilyCases1763714100000 } from '../../migrations/1763714100000-create-family-cases';
import { fillPracticeBeforeTenantKeys, type Sql } from '../fixtures/previous-schema-practice';
import { schemaBefore } from '../setup/schema-before';
import { tenantKeyBreaches } from '../setup/tenant-keys-catalog';

/** The tables this migration adds columns to, each digested without those columns. */
const CHANGED = {
  clients: ['person_id'],
  family_members: ['person_id'],
  therapy_sessions: ['case_id'],
  boundary_agreements: ['case_id'],
  trust_goals: ['case_id'],
  care_team_members: [],
  emergency_access_grants: ['case_id'],
  session_attendees: [],
  session_notes: [],
} as const;

async function digests(sql: Sql): Promise<Record<string, string>> {
  const result: Record<string, string> = {};
  for (const [table, added] of Object.entries(CHANGED)) {
    const minus = added.map((column) => ` - '${column}'`).join('');
    const [row] = await sql<{ digest: string }>(
      `SELECT count(*) || ':' || md5(coalesce(string_agg(v::text, '|' ORDER BY v::text), '')) AS digest
         FROM (SELECT to_jsonb(t)${minus} AS v FROM ${table} t) AS rows`,
    );
    result[table] = row!.digest;
  }
  return result;
}

/**
 * Issue 15's migration over data written by the schema before it (issue 14's keys): every client
 * gets one individual case holding them and their family members, its care team is the client's,
 * and every session, agreement and goal is attached to that case. No row of before is lost or
 * changed, and `down` brings the previous schema back with the same rows.
 */
describe(CreateFamilyCases1763714100000.name, () => {
  const db = schemaBefore('family_cases', CreateFamilyCases1763714100000);
  const { sql } = db;

  it('gives every client an individual case with its family, team and records, losing nothing', async () => {
    const practices = [
      await fillPracticeBeforeTenantKeys(sql, 'Cases A'),
      await fillPracticeBeforeTenantKeys(sql, 'Cases B'),
    ];
    // A discharged client without family or records: its case is closed for the same reason.
    await sql(
      `INSERT INTO clients (practice_id, client_number, first_name, last_name, date_of_birth, status,
                            discharge_reason, discharged_on)
       VALUES ($1, 2, 'D', 'Gone', '1980-01-01', 'discharged', 'completed', '2025-01-01')`,
      [practices[0]],
    );
    const before = await digests(sql);

    await db.migrate(new CreateFamilyCases1763714100000(), 'up');

    const query = async <T>(text: string, params: unknown[]) => sql<T>(text, params);
    expect(await tenantKeyBreaches(query)).toEqual([]);
    expect(await digests(sql)).toEqual(before);
    // Person ids are the ids the rows already had.
    const [persons] = await sql<Record<string, number>>(
      `SELECT (SELECT count(*)::int FROM clients WHERE person_id <> id) AS clients,
              (SELECT count(*)::int FROM family_members WHERE person_id <> id) AS family,
              (SELECT count(*)::int FROM persons) AS persons`,
    );
    expect(persons).toEqual({ clients: 0, family: 0, persons: 5 });
    // Exactly one case per client, holding the client as identified client and each family member.
    const cases = await sql<{ client: string; cases: number; members: string[]; status: string }>(
      `SELECT c.last_name AS client, count(DISTINCT k.id)::int AS cases, k.status,
              array_agg(m.role || ':' || m.participation ORDER BY m.role) AS members
         FROM clients c
         JOIN case_members ic ON ic.practice_id = c.practice_id AND ic.person_id = c.person_id
                             AND ic.role = 'identified_client'
         JOIN cases k ON k.practice_id = ic.practice_id AND k.id = ic.case_id
         JOIN case_members m ON m.practice_id = k.practice_id AND m.case_id = k.id
        GROUP BY c.practice_id, c.id, k.status ORDER BY 1`,
    );
    expect(cases).toEqual([
      { client: 'Gone', cases: 1, status: 'closed', members: ['identified_client:participating'] },
      {
        client: 'L',
        cases: 1,
        status: 'open',
        members: ['identified_client:participating', 'parent:invited'],
      },
      {
        client: 'L',
        cases: 1,
        status: 'open',
        members: ['identified_client:participating', 'parent:invited'],
      },
    ]);
    // Every record lands in its own client's case; every care-team row is copied to that case.
    const [misplaced] = await sql<Record<string, number>>(
      `WITH own AS (SELECT m.practice_id, c.id AS client_id, m.case_id FROM case_members m
                      JOIN clients c ON c.practice_id = m.practice_id AND c.person_id = m.person_id
                     WHERE m.role = 'identified_client')
       SELECT
         (SELECT count(*)::int FROM therapy_sessions t LEFT JOIN own o USING (practice_id, client_id)
           WHERE t.case_id IS DISTINCT FROM o.case_id) AS sessions,
         (SELECT count(*)::int FROM boundary_agreements t LEFT JOIN own o USING (practice_id, client_id)
           WHERE t.case_id IS DISTINCT FROM o.case_id) AS agreements,
         (SELECT count(*)::int FROM trust_goals t LEFT JOIN own o USING (practice_id, client_id)
           WHERE t.case_id IS DISTINCT FROM o.case_id) AS goals,
         (SELECT count(*)::int FROM care_team_members t JOIN own o USING (practice_id, client_id)
           WHERE NOT EXISTS (SELECT 1 FROM case_care_team_members k WHERE k.practice_id = t.practice_id
                   AND k.case_id = o.case_id AND k.staff_id = t.staff_id AND k.role = t.role)) AS team,
         (SELECT count(*)::int FROM therapy_sessions WHERE case_id IS NOT NULL) AS attached`,
    );
    expect(misplaced).toEqual({ sessions: 0, agreements: 0, goals: 0, team: 0, attached: 2 });
    const [closed] = await sql<{ close_reason: string; closed_on: string }>(
      `SELECT close_reason, closed_on::text FROM cases WHERE status = 'closed'`,
    );
    expect(closed).toEqual({ close_reason: 'completed', closed_on: '2025-01-01' });

    // A row inserted the old way, without a person, gets one of its own id.
    const [fresh] = await sql<{ same: boolean }>(
      `INSERT INTO clients (practice_id, client_number, first_name, last_name, date_of_birth)
       VALUES ($1, 3, 'N', 'New', '2000-01-01') RETURNING person_id = id AS same`,
      [practices[1]],
    );
    expect(fresh).toEqual({ same: true });
    // The change log (an earlier migration's trigger) noted the insert; it goes with the row.
    await sql(
      `WITH gone AS (DELETE FROM change_log WHERE practice_id = $1
                       AND client_id IN (SELECT id FROM clients WHERE practice_id = $1 AND client_number = 3))
       SELECT 1`,
      [practices[1]],
    );
    await sql(`DELETE FROM clients WHERE client_number = 3 AND practice_id = $1`, [practices[1]]);

    await db.migrate(new CreateFamilyCases1763714100000(), 'down');
    expect(await digests(sql)).toEqual(before);
  });
});
