import { addFamilyMember, createClient, grantEmergencyAccess } from '../factories/client.factory';
import { createStaff, createTeam, type TestStaff } from '../factories/staff.factory';
import { bearer, tokenFor } from '../setup/auth';
import { countQueries } from '../setup/query-counter';
import { dashboardsFixture, goal, note, session } from './dashboards-fixture';

describe('dashboards: cost and reach', () => {
  const fx = dashboardsFixture();
  const { http, get } = fx;

  it('issues the same number of SQL statements for 5 clients as for 200', async () => {
    const ds = fx.testApp.dataSource;
    const sizes = [5, 200];
    const counts: number[] = [];
    const viewedCounts: number[] = [];
    for (const size of sizes) {
      const team = await createTeam(ds);
      const C = team.counselor.id;
      await ds.query(
        `WITH c AS (
           INSERT INTO clients (practice_id, client_number, first_name, last_name, date_of_birth, status)
           SELECT $1, n, 'First' || n, 'Last' || n, '1990-01-01', 'active' FROM generate_series(1, $2) n RETURNING id)
         INSERT INTO care_team_members (practice_id, client_id, staff_id, role) SELECT $1, id, $3, 'primary_counselor' FROM c`,
        [team.practice.id, size, C],
      );
      await ds.query(
        `INSERT INTO therapy_sessions (practice_id, client_id, counselor_id, starts_at, ends_at, modality, setting, status, completed_at)
         SELECT c.practice_id, c.id, $2, now() - make_interval(days => 3) - make_interval(hours => n::int), now() - make_interval(days => 3) - make_interval(hours => n::int) + interval '50 minutes',
                'individual', 'in_person', 'completed', now()
           FROM (SELECT row_number() OVER () AS n, * FROM clients WHERE practice_id = $1) c`,
        [team.practice.id, C],
      );
      await ds.query(
        `INSERT INTO family_members (practice_id, client_id, first_name, relationship)
         SELECT practice_id, id, 'M', 'mother' FROM clients WHERE practice_id = $1`,
        [team.practice.id],
      );
      await ds.query(
        `INSERT INTO trust_goals (practice_id, client_id, strategy, description, lifecycle_status, baseline_rating, target_rating,
                                  start_date, party_b_family_member_id)
         SELECT f.practice_id, f.client_id, 'patience_and_time', 'g', 'active', 2, 8, current_date - 30, f.id
           FROM family_members f WHERE f.practice_id = $1`,
        [team.practice.id],
      );
      // Each client also in a family case with their mother, with a case session this week.
      await ds.query(
        `WITH k AS (
           INSERT INTO cases (practice_id, id, case_type, label)
           SELECT practice_id, id, 'family', 'L' FROM clients WHERE practice_id = $1 RETURNING id),
         m AS (
           INSERT INTO case_members (practice_id, case_id, person_id, role)
           SELECT c.practice_id, c.id, c.person_id, 'child' FROM clients c WHERE c.practice_id = $1
           UNION ALL
           SELECT f.practice_id, f.client_id, f.person_id, 'parent' FROM family_members f WHERE f.practice_id = $1)
         INSERT INTO therapy_sessions (practice_id, client_id, case_id, counselor_id, starts_at, ends_at, modality, setting)
         SELECT c.practice_id, c.id, c.id, $2, now() + interval '1 hour' + make_interval(mins => 31 * n::int),
                now() + interval '1 hour' + make_interval(mins => 31 * n::int + 30), 'family', 'in_person'
           FROM (SELECT row_number() OVER () AS n, * FROM clients WHERE practice_id = $1) c`,
        [team.practice.id, C],
      );
      const auth = bearer(await tokenFor(fx.testApp.app, team.counselor));
      const { result, statements, sql } = await countQueries(() =>
        http().get('/api/v1/dashboard').set('Authorization', auth),
      );
      expect(result.status).toBe(200);
      // Goals needing attention are judged from the goal rows, not their check-in history.
      expect(sql.filter((text) => text.includes('goal_check_ins'))).toEqual([]);
      expect(result.body.schedule).toHaveLength(size);
      expect(result.body.schedule[0].caseType).toBe('family');
      // Members added together are ordered by person id, which is random here.
      expect([...(result.body.schedule[0].caseMemberInitials as string[])].sort()).toEqual([
        'FL',
        'M',
      ]);
      expect(result.body.notes.toWrite).toHaveLength(size);
      expect(result.body.goalsNeedingAttention.length).toBe(size);
      counts.push(statements);

      // Their supervisor looking at it: the viewer's reach joins each section, not each session.
      const supervisorAuth = bearer(await tokenFor(fx.testApp.app, team.supervisor));
      const viewed = await countQueries(() =>
        http()
          .get('/api/v1/dashboard')
          .query({ counselorId: C })
          .set('Authorization', supervisorAuth),
      );
      expect(viewed.result.status).toBe(200);
      expect(viewed.result.body.schedule).toHaveLength(size);
      expect(
        (viewed.result.body.schedule as { caseType: string; caseMemberInitials: string[] }[]).every(
          (s) => s.caseType === 'family' && s.caseMemberInitials.length === 2,
        ),
      ).toBe(true);
      viewedCounts.push(viewed.statements);
    }
    expect(counts[0]).toBe(counts[1]);
    expect(counts[0]).toBeLessThanOrEqual(12);
    expect(viewedCounts[0]).toBe(viewedCounts[1]);
    expect(viewedCounts[0]).toBeLessThanOrEqual(12);
  });

  it('shows a team dashboard to supervisors and admins only', async () => {
    const team = await createTeam(fx.testApp.dataSource);
    const supervisor = await get(
      '/api/v1/dashboard/team',
      bearer(await tokenFor(fx.testApp.app, team.supervisor)),
    );
    expect(supervisor.body.team.map((m: { counselorId: string }) => m.counselorId).sort()).toEqual(
      [team.counselor.id, team.trainee.id].sort(),
    );
    expect(supervisor.body.team[0]).toEqual(
      expect.objectContaining({
        activeCaseload: 0,
        sessionsThisWeek: 0,
        overdueNotes: 0,
        noShowRate: null,
        goalsNeedingAttention: 0,
        openMajorViolations: 0,
      }),
    );
    const adminAuth = bearer(await tokenFor(fx.testApp.app, team.admin));
    await get('/api/v1/dashboard/team', adminAuth);
    const {
      result: admin,
      statements,
      sql,
    } = await countQueries(() => get('/api/v1/dashboard/team', adminAuth));
    // Context, the team's figures, the integrations section (admins only), the audit event; none
    // reads a goal's check-ins.
    expect(statements).toBe(4);
    expect(admin.body.integrations).toEqual({ disabledEndpoints: [], failingDeliveries: 0 });
    expect(supervisor.body.integrations).toBeUndefined();
    expect(sql.filter((text) => text.includes('goal_check_ins'))).toEqual([]);
    expect(admin.body.team).toHaveLength(3);
    await http()
      .get('/api/v1/dashboard/team')
      .set('Authorization', bearer(await tokenFor(fx.testApp.app, team.counselor)))
      .expect(403);
  });

  it('summarises one client in one call, at a constant cost', async () => {
    const ds = fx.testApp.dataSource;
    const team = await createTeam(ds);
    const client = await createClient(ds, {
      practiceId: team.practice.id,
      primaryCounselorId: team.counselor.id,
    });
    const mother = await addFamilyMember(ds, client, 'mother', 'Grace');
    const next = await session(
      ds,
      client,
      team.counselor.id,
      new Date(Date.now() + 2 * 86_400_000).toISOString(),
    );
    await session(
      ds,
      client,
      team.counselor.id,
      new Date(Date.now() - 9 * 86_400_000).toISOString(),
      { status: 'completed' },
    );
    await session(
      ds,
      client,
      team.counselor.id,
      new Date(Date.now() - 16 * 86_400_000).toISOString(),
      { status: 'completed' },
    );
    await ds.query(
      `INSERT INTO therapy_sessions (practice_id, client_id, counselor_id, starts_at, ends_at, modality, setting, status)
       VALUES ($1, $2, $3, now() - interval '23 days', now() - interval '23 days' + interval '50 minutes', 'individual', 'phone', 'no_show')`,
      [team.practice.id, client.id, team.counselor.id],
    );
    const goalId = await goal(ds, client, mother, {
      checkIns: [4, 5, 6, 7].map((rating, i) => ({ daysAgo: 2 + 7 * (3 - i), rating })),
    });
    // A family case with the client, their mother and a brother who is a client too: the joint
    // session is booked under the brother, and its signed note is in this client's chart as well.
    const brother = await createClient(ds, {
      practiceId: team.practice.id,
      primaryCounselorId: team.counselor.id,
      firstName: 'Chidi',
      lastName: 'Okafor',
    });
    const [kase] = await ds.query<{ id: string }[]>(
      `INSERT INTO cases (practice_id, case_type, label) VALUES ($1, 'family', 'Okafor family') RETURNING id`,
      [team.practice.id],
    );
    await ds.query(
      `INSERT INTO case_members (practice_id, case_id, person_id, role)
       SELECT practice_id, $2::uuid, person_id, 'child' FROM clients WHERE practice_id = $1 AND id = ANY($3::uuid[])
       UNION ALL
       SELECT practice_id, $2::uuid, person_id, 'parent' FROM family_members WHERE practice_id = $1 AND id = $4`,
      [team.practice.id, kase!.id, [client.id, brother.id], mother],
    );
    const joint = await session(
      ds,
      brother,
      team.counselor.id,
      new Date(Date.now() - 4 * 86_400_000).toISOString(),
      { status: 'completed', modality: 'family' },
    );
    await ds.query(`UPDATE therapy_sessions SET case_id = $3 WHERE practice_id = $1 AND id = $2`, [
      team.practice.id,
      joint,
      kase!.id,
    ]);
    await ds.query(
      `INSERT INTO session_case_attendees (practice_id, session_id, person_id, attendance)
       SELECT practice_id, $2::uuid, person_id, 'attended' FROM clients WHERE practice_id = $1 AND id = ANY($3::uuid[])
       UNION ALL
       SELECT practice_id, $2::uuid, person_id, 'attended' FROM family_members WHERE practice_id = $1 AND id = $4`,
      [team.practice.id, joint, [client.id, brother.id], mother],
    );
    await note(ds, brother, joint, team.counselor.id, 'signed');
    const auth = bearer(await tokenFor(fx.testApp.app, team.counselor));
    // A session's first request on a process looks up its revocation state once (auth-revocation
    // spec); the summary's own cost is measured on a session already in use, as a dashboard's is.
    await http().get('/api/v1/me').set('Authorization', auth).expect(200);
    const { result, statements } = await countQueries(() =>
      http().get(`/api/v1/clients/${client.id}/summary`).set('Authorization', auth),
    );
    expect(result.status).toBe(200);
    expect(statements).toBeLessThanOrEqual(3);
    const body = result.body;
    expect(body.client.id).toBe(client.id);
    expect(body.careTeam).toEqual([
      expect.objectContaining({ staffId: team.counselor.id, role: 'primary_counselor' }),
    ]);
    expect(body.nextSession.id).toBe(next);
    expect(body.attendanceRate).toBeCloseTo(2 / 3, 4);
    expect(body.cases).toEqual([
      expect.objectContaining({ id: kase!.id, type: 'family', role: 'child' }),
    ]);
    expect(body.recentNotes).toEqual([
      expect.objectContaining({ sessionId: joint, status: 'signed', caseType: 'family' }),
    ]);
    expect([...(body.recentNotes[0].attendeeInitials as string[])].sort()).toEqual([
      'CO',
      'G',
      'TC',
    ]);
    expect(body.goals).toEqual([
      expect.objectContaining({
        id: goalId,
        suggestedAchievementStatus: 'improving',
        parties: [
          expect.objectContaining({
            party: { party: 'client', familyMemberId: null },
            currentRating: 7,
            series: [4, 5, 6, 7],
          }),
          expect.objectContaining({
            party: { party: 'family_member', familyMemberId: mother },
            currentRating: 7,
            series: [4, 5, 6, 7],
          }),
        ],
      }),
    ]);
    await http()
      .get(`/api/v1/clients/${client.id}/summary`)
      .set('Authorization', bearer(await tokenFor(fx.testApp.app, team.intake)))
      .expect(404);
  });

  it('shows a dashboard viewed for someone else only as far as the viewer reaches', async () => {
    const ds = fx.testApp.dataSource;
    const team = await createTeam(ds);
    const C = team.counselor.id;
    const client = await createClient(ds, { practiceId: team.practice.id, primaryCounselorId: C });
    const mother = await addFamilyMember(ds, client, 'mother', 'Grace');
    await goal(ds, client, mother, { checkIns: [{ daysAgo: 30, rating: 5 }] }); // stalled: needs attention
    await session(ds, client, C, new Date(Date.now() - 5 * 86_400_000).toISOString(), {
      status: 'completed',
    });
    await session(ds, client, C, new Date(Date.now() + 86_400_000).toISOString());
    const own = await get(
      '/api/v1/dashboard',
      bearer(await tokenFor(fx.testApp.app, team.counselor)),
    );
    expect(own.body.goalsNeedingAttention).toHaveLength(1);
    expect(own.body.notes.toWrite).toHaveLength(1);
    expect(own.body.schedule).toHaveLength(1);

    // An admin without clinical access: the caseload counts (demographics), nothing clinical.
    const admin = await http()
      .get('/api/v1/dashboard')
      .query({ counselorId: C })
      .set('Authorization', bearer(await tokenFor(fx.testApp.app, team.admin)))
      .expect(200);
    expect(admin.body.caseload.total).toBe(1);
    expect(admin.body.goalsNeedingAttention).toEqual([]);
    expect(admin.body.notes.toWrite).toEqual([]);
    expect(admin.body.schedule).toEqual([]);

    // A supervisor of a supervisor does not reach the grand-supervisee's clients.
    const top = await createStaff(ds, { practiceId: team.practice.id, role: 'supervisor' });
    await ds.query(`UPDATE staff SET supervisor_id = $2, role = 'counselor' WHERE id = $1`, [
      team.supervisor.id,
      top.id,
    ]);
    const middle = await http()
      .get('/api/v1/dashboard')
      .query({ counselorId: team.supervisor.id })
      .set('Authorization', bearer(await tokenFor(fx.testApp.app, top)))
      .expect(200);
    expect(middle.body.goalsNeedingAttention).toEqual([]);
    expect(middle.body.caseload.total).toBe(0);
  });

  it("lists a clinician's goals once however they are reached, and none of a record entered in error", async () => {
    const ds = fx.testApp.dataSource;
    const team = await createTeam(ds);
    const practiceId = team.practice.id;
    const stalled = { checkIns: [{ daysAgo: 30, rating: 5 }] };
    // On the supervisor's own care team and their supervisee's: one goal, listed once.
    const shared = await createClient(ds, { practiceId, primaryCounselorId: team.counselor.id });
    await ds.query(
      `INSERT INTO care_team_members (practice_id, client_id, staff_id, role) VALUES ($1, $2, $3, 'supervisor')`,
      [practiceId, shared.id, team.supervisor.id],
    );
    const twice = await goal(ds, shared, await addFamilyMember(ds, shared), stalled);
    // Reached through an emergency grant only (another supervisor's counselor's client).
    const other = await createStaff(ds, { practiceId, role: 'counselor' });
    const granted = await createClient(ds, { practiceId, primaryCounselorId: other.id });
    const byGrant = await goal(ds, granted, await addFamilyMember(ds, granted), stalled);
    await grantEmergencyAccess(ds, granted, team.supervisor.id, 60);
    // Reached through a grant only, and entered in error: not listed either.
    const grantedWrong = await createClient(ds, { practiceId, primaryCounselorId: other.id });
    await goal(ds, grantedWrong, await addFamilyMember(ds, grantedWrong), stalled);
    await grantEmergencyAccess(ds, grantedWrong, team.supervisor.id, 60);
    await ds.query(
      `UPDATE clients SET status = 'entered_in_error', error_reason = 'wrong chart'
        WHERE practice_id = $1 AND id = $2`,
      [practiceId, grantedWrong.id],
    );
    // The supervisee's client entered in error: no list shows it.
    const wrong = await createClient(ds, { practiceId, primaryCounselorId: team.trainee.id });
    await goal(ds, wrong, await addFamilyMember(ds, wrong), stalled);
    await ds.query(
      `UPDATE clients SET status = 'entered_in_error', error_reason = 'duplicate record'
        WHERE practice_id = $1 AND id = $2`,
      [practiceId, wrong.id],
    );

    const view = await get(
      '/api/v1/dashboard',
      bearer(await tokenFor(fx.testApp.app, team.supervisor)),
    );
    const listed = (view.body.goalsNeedingAttention as { goalId: string; reasons: string[] }[]).map(
      (g) => [g.goalId, g.reasons],
    );
    expect(listed.sort()).toEqual(
      [
        [twice, ['stalled']],
        [byGrant, ['stalled']],
      ].sort(),
    );
    // The counselor looking at their own: the shared client's goal; the other's client is not theirs.
    const own = await get(
      '/api/v1/dashboard',
      bearer(await tokenFor(fx.testApp.app, team.counselor)),
    );
    expect(own.body.goalsNeedingAttention.map((g: { goalId: string }) => g.goalId)).toEqual([
      twice,
    ]);
    // The team dashboard counts alike: the trainee's one goal is of a client entered in error.
    const teamView = await get(
      '/api/v1/dashboard/team',
      bearer(await tokenFor(fx.testApp.app, team.supervisor)),
    );
    const counts = Object.fromEntries(
      (teamView.body.team as { counselorId: string; goalsNeedingAttention: number }[]).map((m) => [
        m.counselorId,
        m.goalsNeedingAttention,
      ]),
    );
    expect([counts[team.counselor.id], counts[team.trainee.id]]).toEqual([1, 0]);
  });

  it('opens the dashboard of every role, its own and as an admin sees it', async () => {
    const ds = fx.testApp.dataSource;
    const team = await createTeam(ds);
    const otherAdmin = await createStaff(ds, { practiceId: team.practice.id, role: 'admin' });
    const opened: string[] = [];
    const open = async (viewer: TestStaff, subject: TestStaff) => {
      const request = http()
        .get('/api/v1/dashboard')
        .set('Authorization', bearer(await tokenFor(fx.testApp.app, viewer)));
      const response = await (viewer === subject
        ? request
        : request.query({ counselorId: subject.id }));
      opened.push(`${viewer.role} → ${subject.role}: ${response.status}`);
    };
    for (const who of [team.admin, team.intake, team.supervisor, team.counselor])
      await open(who, who);
    for (const subject of [otherAdmin, team.intake, team.supervisor, team.counselor])
      await open(team.admin, subject);
    expect(opened).toEqual([
      'admin → admin: 200',
      'intake_coordinator → intake_coordinator: 200',
      'supervisor → supervisor: 200',
      'counselor → counselor: 200',
      'admin → admin: 200',
      'admin → intake_coordinator: 200',
      'admin → supervisor: 200',
      'admin → counselor: 200',
    ]);
  });
});
