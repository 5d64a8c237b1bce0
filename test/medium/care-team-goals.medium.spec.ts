import { Client } from 'pg';
import { addFamilyMember, createClient, type TestClient } from '../factories/client.factory';
import { createTeam } from '../factories/staff.factory';
import { addCheckIn, createGoal } from '../factories/trust-goal.factory';
import { careTeamGoalsDrift, clientCopiesDrift, type Sql } from '../fixtures/care-team-goals-drift';
import { ownerQuery } from '../setup/database-roles';
import { workerDatabaseUrl } from '../setup/test-database';
import { mediumHarness } from './medium-harness';

const h = mediumHarness();
const sql: Sql = (text, params = []) => h.dataSource.query(text, params);

/** The table's rows of a client, as `staff:goal` pairs. */
async function rowsOf(client: TestClient): Promise<string[]> {
  const rows = await sql<{ pair: string }>(
    `SELECT staff_id || ':' || goal_id AS pair FROM care_team_goals
      WHERE practice_id = $1 AND client_id = $2 ORDER BY 1`,
    [client.practiceId, client.id],
  );
  return rows.map((row) => row.pair);
}

const pairs = (...list: [string, string][]) => list.map(([s, g]) => `${s}:${g}`).sort();

async function setup() {
  const team = await createTeam(h.dataSource);
  const client = await createClient(h.dataSource, {
    practiceId: team.practice.id,
    primaryCounselorId: team.counselor.id,
  });
  const mother = await addFamilyMember(h.dataSource, client);
  return { team, client, mother };
}

describe('care_team_goals (kept by triggers on goals and care teams)', () => {
  it('follows goals and care-team members through their lives, always as derived', async () => {
    const { team, client, mother } = await setup();
    const practiceId = team.practice.id;
    const goal = await createGoal(h.dataSource, client, mother);
    const proposed = await createGoal(h.dataSource, client, mother, {
      lifecycleStatus: 'proposed',
    });
    expect(await rowsOf(client)).toEqual(pairs([team.counselor.id, goal.id]));

    // A second member sees the goal too; a check-in's figures reach both copies.
    await sql(
      `INSERT INTO care_team_members (practice_id, client_id, staff_id, role) VALUES ($1, $2, $3, 'supervisor')`,
      [practiceId, client.id, team.supervisor.id],
    );
    await addCheckIn(h.dataSource, goal, { daysAgo: 1, rating: 2, kept: 0, missed: 3 });
    expect(await rowsOf(client)).toEqual(
      pairs([team.counselor.id, goal.id], [team.supervisor.id, goal.id]),
    );
    const [copied] = await sql<{ last_check_in_at: Date | null }>(
      `SELECT last_check_in_at FROM care_team_goals WHERE practice_id = $1 AND staff_id = $2`,
      [practiceId, team.supervisor.id],
    );
    expect(copied!.last_check_in_at).not.toBeNull();
    expect(await careTeamGoalsDrift(sql, practiceId)).toEqual([]);

    // A member removed leaves; a goal put on hold leaves; an activated one arrives.
    await sql(
      `UPDATE care_team_members SET removed_at = now() WHERE practice_id = $1 AND client_id = $2 AND staff_id = $3`,
      [practiceId, client.id, team.counselor.id],
    );
    await sql(
      `UPDATE trust_goals SET lifecycle_status = CASE id WHEN $2 THEN 'on_hold' ELSE 'active' END
        WHERE practice_id = $1 AND id IN ($2, $3)`,
      [practiceId, goal.id, proposed.id],
    );
    expect(await rowsOf(client)).toEqual(pairs([team.supervisor.id, proposed.id]));
    expect(await careTeamGoalsDrift(sql, practiceId)).toEqual([]);

    // A goal entered in error leaves; a member deleted (only the owner may) takes its rows too.
    await sql(
      `UPDATE trust_goals SET lifecycle_status = 'entered_in_error', status_reason = 'wrong client'
        WHERE practice_id = $1 AND id = $2`,
      [practiceId, proposed.id],
    );
    expect(await rowsOf(client)).toEqual([]);
    await sql(
      `UPDATE trust_goals SET lifecycle_status = 'active' WHERE practice_id = $1 AND id = $2`,
      [practiceId, goal.id],
    );
    expect(await rowsOf(client)).toEqual(pairs([team.supervisor.id, goal.id]));
    await ownerQuery(
      h.dataSource,
      `DELETE FROM care_team_members WHERE practice_id = $1 AND client_id = $2 AND removed_at IS NULL`,
      [practiceId, client.id],
    );
    expect(await rowsOf(client)).toEqual([]);
    expect(await careTeamGoalsDrift(sql, practiceId)).toEqual([]);
  });

  it("copies the client's status, creation and discharge onto every care-team row, and follows them", async () => {
    const { team, client, mother } = await setup();
    const practiceId = team.practice.id;
    await createGoal(h.dataSource, client, mother);
    await sql(
      `INSERT INTO care_team_members (practice_id, client_id, staff_id, role) VALUES ($1, $2, $3, 'supervisor')`,
      [practiceId, client.id, team.supervisor.id],
    );
    const statuses = async () =>
      (
        await sql<{ s: string }>(
          `SELECT client_status || ':' || coalesce(client_discharged_on::text, '-') AS s FROM care_team_members
            WHERE practice_id = $1 AND client_id = $2 ORDER BY 1`,
          [practiceId, client.id],
        )
      ).map((row) => row.s);
    expect(await statuses()).toEqual(['active:-', 'active:-']);
    await sql(
      `UPDATE clients SET status = 'discharged', discharge_reason = 'completed', discharged_on = '2026-02-01'
        WHERE practice_id = $1 AND id = $2`,
      [practiceId, client.id],
    );
    expect(await statuses()).toEqual(['discharged:2026-02-01', 'discharged:2026-02-01']);
    expect(await clientCopiesDrift(sql, practiceId)).toEqual([]);
    // The goal's rows, one per member, follow the status too, and carry the client's number.
    const goalCopies = await sql<{ status: string; numbered: boolean; n: number }>(
      `SELECT t.client_status AS status, bool_and(t.client_number = c.client_number) AS numbered, count(*)::int AS n
         FROM care_team_goals t JOIN clients c ON c.practice_id = t.practice_id AND c.id = t.client_id
        WHERE t.practice_id = $1 GROUP BY 1`,
      [practiceId],
    );
    expect(goalCopies).toEqual([{ status: 'discharged', numbered: true, n: 2 }]);
    expect(await careTeamGoalsDrift(sql, practiceId)).toEqual([]);
  });

  describe('under concurrent writes on one client', () => {
    let first: Client;
    let second: Client;
    beforeEach(async () => {
      const url = await workerDatabaseUrl();
      first = new Client({ connectionString: url });
      second = new Client({ connectionString: url });
      await Promise.all([first.connect(), second.connect()]);
    });
    afterEach(async () => {
      await Promise.all([first.end(), second.end()]);
    });

    /** Waits until the backend `pid` waits on a lock. */
    async function blocked(pid: number): Promise<void> {
      for (let attempt = 0; attempt < 400; attempt += 1) {
        const rows = await sql<{ waiting: boolean }>(
          `SELECT wait_event_type = 'Lock' AS waiting FROM pg_stat_activity WHERE pid = $1`,
          [pid],
        );
        if (rows[0]?.waiting) return;
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
      throw new Error(`backend ${pid} never waited on a lock`);
    }

    it.each([
      ['a member added', 'a goal created'],
      ['a member added', "a goal's figures changed"],
      ["a goal's figures changed", 'a member added'],
      ['a goal created', 'a member removed'],
      ["the client's status changed", 'a member added'],
      ['a member added', "the client's status changed"],
      ["the client's status changed", "a goal's figures changed"],
      ["a goal's figures changed", "the client's status changed"],
    ])('%s, then %s meanwhile: the second waits, and both show', async (one, two) => {
      const { team, client, mother } = await setup();
      const practiceId = team.practice.id;
      const goal = await createGoal(h.dataSource, client, mother);
      await sql(
        `INSERT INTO care_team_members (practice_id, client_id, staff_id, role) VALUES ($1, $2, $3, 'co_therapist')`,
        [practiceId, client.id, team.trainee.id],
      );
      const writes: Record<string, string> = {
        'a member added': `INSERT INTO care_team_members (practice_id, client_id, staff_id, role)
                           VALUES ('${practiceId}', '${client.id}', '${team.supervisor.id}', 'supervisor')`,
        'a member removed': `UPDATE care_team_members SET removed_at = now()
                              WHERE practice_id = '${practiceId}' AND client_id = '${client.id}' AND staff_id = '${team.trainee.id}'`,
        'a goal created': `INSERT INTO trust_goals (practice_id, client_id, party_b_family_member_id, strategy, description,
                                                    lifecycle_status, baseline_rating, target_rating, start_date)
                           VALUES ('${practiceId}', '${client.id}', '${mother}', 'consistency_and_reliability', 'Calls',
                                   'active', 3, 8, current_date - 30)`,
        "the client's status changed": `UPDATE clients SET status = 'on_hold'
                                         WHERE practice_id = '${practiceId}' AND id = '${client.id}'`,
        "a goal's figures changed": `UPDATE trust_goals SET last_check_in_at = now(), suggested_achievement_status = 'worsening'
                                      WHERE practice_id = '${practiceId}' AND id = '${goal.id}'`,
      };
      await first.query('BEGIN');
      await first.query(writes[one]!);
      const { rows } = await second.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
      await second.query('BEGIN');
      const pending = second.query(writes[two]!);
      await blocked(rows[0]!.pid);
      await first.query('COMMIT');
      await pending;
      await second.query('COMMIT');
      expect(await careTeamGoalsDrift(sql, practiceId)).toEqual([]);
      expect(await clientCopiesDrift(sql, practiceId)).toEqual([]);
      const [{ n }] = (await sql<{ n: number }>(
        `SELECT count(*)::int AS n FROM care_team_goals WHERE practice_id = $1`,
        [practiceId],
      )) as [{ n: number }];
      expect(n).toBeGreaterThan(0);
    });
  });
});
