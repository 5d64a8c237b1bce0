import { KeepCareTeamGoals1763714900000 } from '../../migrations/1763714900000-keep-care-team-goals';
import { CopyClientStatusToCareTeams1763715000000 } from '../../migrations/1763715000000-copy-client-status-to-care-teams';
import { CopyClientNumberToCareTeamGoals1763715100000 } from '../../migrations/1763715100000-copy-client-number-to-care-team-goals';
import { addFamilyMember, createClient } from '../factories/client.factory';
import { createTeam } from '../factories/staff.factory';
import { createGoal, weeklyCheckIns } from '../factories/trust-goal.factory';
import { careTeamGoalsDrift, clientCopiesDrift } from '../fixtures/care-team-goals-drift';
import { schemaBefore } from '../setup/schema-before';

/**
 * Issue 19's three migrations over data written by the schema before them. `care_team_goals`:
 * every active care-team member gets a row for each active goal of their client, with the goal's
 * figures as they stand; removed members, inactive goals and the goals of another practice get
 * none. Then every care-team row, removed or not, gets its client's status, creation and
 * discharge; then every `care_team_goals` row its client's number and status. `down` takes all
 * three away, and what is left is kept as before.
 */
describe(`${KeepCareTeamGoals1763714900000.name}, ${CopyClientStatusToCareTeams1763715000000.name} and ${CopyClientNumberToCareTeamGoals1763715100000.name}`, () => {
  const db = schemaBefore('care_team_goals', KeepCareTeamGoals1763714900000);
  const { sql } = db;

  it('copies every active member × active goal of before, and nothing else', async () => {
    const teams = [await createTeam(db.dataSource), await createTeam(db.dataSource)];
    const goals: Record<string, string> = {};
    for (const [n, team] of teams.entries()) {
      const practiceId = team.practice.id;
      const client = await createClient(db.dataSource, {
        practiceId,
        primaryCounselorId: team.counselor.id,
      });
      const mother = await addFamilyMember(db.dataSource, client);
      goals[`active ${n}`] = (
        await createGoal(db.dataSource, client, mother, { checkIns: weeklyCheckIns([3, 4, 6]) })
      ).id;
      goals[`on hold ${n}`] = (
        await createGoal(db.dataSource, client, mother, { lifecycleStatus: 'on_hold' })
      ).id;
      await sql(
        `INSERT INTO care_team_members (practice_id, client_id, staff_id, role, removed_at)
         VALUES ($1, $2, $3, 'supervisor', NULL), ($1, $2, $4, 'co_therapist', now())`,
        [practiceId, client.id, team.supervisor.id, team.trainee.id],
      );
      // A client without a care team: its goal has nobody to be listed for.
      const alone = await createClient(db.dataSource, { practiceId });
      goals[`alone ${n}`] = (
        await createGoal(db.dataSource, alone, await addFamilyMember(db.dataSource, alone))
      ).id;
    }

    await db.migrate(new KeepCareTeamGoals1763714900000(), 'up');

    const rows = await sql<{ practice_id: string; staff_id: string; goal_id: string }>(
      `SELECT practice_id, staff_id, goal_id FROM care_team_goals ORDER BY practice_id, staff_id`,
    );
    const expected = teams.flatMap((team, n) =>
      [team.counselor.id, team.supervisor.id].map((staffId) => ({
        practice_id: team.practice.id,
        staff_id: staffId,
        goal_id: goals[`active ${n}`]!,
      })),
    );
    const order = (list: typeof rows) =>
      [...list].sort((a, b) => (a.practice_id + a.staff_id < b.practice_id + b.staff_id ? -1 : 1));
    expect(order(rows)).toEqual(order(expected));
    for (const team of teams)
      expect(await careTeamGoalsDrift(sql, team.practice.id, { clientCopies: false })).toEqual([]);

    // The copied figures are the goal's (its check-ins' latest instant, its running totals).
    const [copy] = await sql<{ same: boolean }>(
      `SELECT bool_and(t.last_check_in_at = g.last_check_in_at AND t.recent_kept_totals = g.recent_kept_totals
                       AND cardinality(t.recent_check_in_at) = 3) AS same
         FROM care_team_goals t JOIN trust_goals g ON g.practice_id = t.practice_id AND g.id = t.goal_id`,
    );
    expect(copy!.same).toBe(true);

    // A discharged client: its care-team rows copy the discharge.
    await sql(
      `UPDATE clients SET status = 'discharged', discharge_reason = 'completed', discharged_on = '2026-01-15'
        WHERE practice_id = $1 AND status = 'active'`,
      [teams[1]!.practice.id],
    );
    await db.migrate(new CopyClientStatusToCareTeams1763715000000(), 'up');
    for (const team of teams) expect(await clientCopiesDrift(sql, team.practice.id)).toEqual([]);
    const copies = await sql<{ status: string; n: number }>(
      `SELECT client_status AS status, count(*)::int AS n FROM care_team_members
        WHERE client_discharged_on IS NOT DISTINCT FROM (CASE client_status WHEN 'discharged' THEN date '2026-01-15' END)
        GROUP BY 1 ORDER BY 1`,
    );
    // Three rows per practice (counselor, supervisor, the removed trainee), one practice discharged.
    expect(copies).toEqual([
      { status: 'active', n: 3 },
      { status: 'discharged', n: 3 },
    ]);

    // The key and what it covers, as the dashboards read it index-only.
    const key = async () => {
      const [row] = await sql<{ def: string }>(
        `SELECT pg_get_indexdef('pk_care_team_goals'::regclass) AS def`,
      );
      return row!.def.replace(/^.*\(practice_id, staff_id, goal_id\)/, '');
    };
    const goalColumns = `created_at, start_date, target_date, achievement_status, suggested_achievement_status, last_check_in_at, recent_check_in_at, recent_kept_totals, recent_missed_totals`;
    expect(await key()).toBe(` INCLUDE (client_id, ${goalColumns})`);

    // The goals' rows: their client's number, and the discharge.
    await db.migrate(new CopyClientNumberToCareTeamGoals1763715100000(), 'up');
    expect(await key()).toBe(` INCLUDE (client_id, client_number, client_status, ${goalColumns})`);
    for (const team of teams) expect(await careTeamGoalsDrift(sql, team.practice.id)).toEqual([]);
    const goalCopies = await sql<{ status: string; numbered: boolean; n: number }>(
      `SELECT t.client_status AS status, bool_and(t.client_number = c.client_number) AS numbered, count(*)::int AS n
         FROM care_team_goals t JOIN clients c ON c.practice_id = t.practice_id AND c.id = t.client_id
        GROUP BY 1 ORDER BY 1`,
    );
    expect(goalCopies).toEqual([
      { status: 'active', numbered: true, n: 2 },
      { status: 'discharged', numbered: true, n: 2 },
    ]);

    // Down, the copies go and the table is kept as before: a goal's new check-in still reaches it.
    await db.migrate(new CopyClientNumberToCareTeamGoals1763715100000(), 'down');
    const [copyColumns] = await sql<{ n: number }>(
      `SELECT count(*)::int AS n FROM information_schema.columns
        WHERE table_name = 'care_team_goals' AND column_name IN ('client_number', 'client_status')`,
    );
    expect(copyColumns!.n).toBe(0);
    expect(await key()).toBe(` INCLUDE (client_id, ${goalColumns})`);
    await sql(`UPDATE trust_goals SET last_check_in_at = now() - interval '1 hour' WHERE id = $1`, [
      goals['active 0'],
    ]);
    for (const team of teams)
      expect(await careTeamGoalsDrift(sql, team.practice.id, { clientCopies: false })).toEqual([]);
    await db.migrate(new CopyClientStatusToCareTeams1763715000000(), 'down');
    const [columns] = await sql<{ n: number }>(
      `SELECT count(*)::int AS n FROM information_schema.columns
        WHERE table_name = 'care_team_members' AND column_name LIKE 'client\\_%' AND column_name <> 'client_id'`,
    );
    expect(columns!.n).toBe(0);
    await db.migrate(new KeepCareTeamGoals1763714900000(), 'down');
    const [table] = await sql<{ exists: boolean }>(
      `SELECT to_regclass('care_team_goals') IS NOT NULL AS exists`,
    );
    expect(table!.exists).toBe(false);
    const [functions] = await sql<{ n: number }>(
      `SELECT count(*)::int AS n FROM pg_proc WHERE proname LIKE '%care_team_goals%'`,
    );
    expect(functions!.n).toBe(0);
  });
});
