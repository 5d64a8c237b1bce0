import { bearer, tokenFor } from '../setup/auth';
import { TZ, dashboardsFixture, knownCaseload } from './dashboards-fixture';

describe('dashboards: a known caseload', () => {
  const fx = dashboardsFixture();
  const { http, get } = fx;

  it('shows every section of a known caseload exactly', async () => {
    const ds = fx.testApp.dataSource;
    const {
      team,
      other,
      C,
      a,
      b,
      d,
      sister,
      tonight,
      afterMidnight,
      family,
      overdue,
      fresh,
      returned,
      traineeSession,
      pastTarget,
      stalled,
      falling,
      unreliable,
      violation,
      awaiting,
      dueSoon,
    } = await knownCaseload(ds);

    const response = await get(
      '/api/v1/dashboard',
      bearer(await tokenFor(fx.testApp.app, team.counselor)),
    );
    const body = response.body;
    const [today] = await ds.query<{ d: string; t: string }[]>(
      `SELECT (now() AT TIME ZONE $1)::date::text AS d, ((now() AT TIME ZONE $1)::date + 1)::text AS t`,
      [TZ],
    );
    expect(body.today).toBe(today!.d);
    expect(body.caseload).toEqual({
      byStatus: { active: 1, on_hold: 1, discharged: 1 },
      total: 3,
      newThisMonth: 3,
      dischargedThisMonth: 1,
    });
    expect(body.schedule.map((s: { id: string; day: string }) => [s.id, s.day])).toEqual([
      [tonight, today!.d],
      [afterMidnight, today!.t],
      [family, expect.any(String)],
    ]);
    expect(body.schedule[0]).toMatchObject({
      clientNumber: expect.stringMatching(/^C-\d{6}$/),
      initials: 'MO',
    });
    expect(JSON.stringify(body.schedule)).not.toContain('Maya');
    expect(body.schedule[2].expectedAttendees).toEqual([
      { party: 'client', familyMemberId: null },
      { party: 'family_member', familyMemberId: sister },
    ]);
    expect(
      body.notes.toWrite.map(
        (n: { sessionId: string; overdue: boolean; noteStatus: string | null }) => [
          n.sessionId,
          n.overdue,
          n.noteStatus,
        ],
      ),
    ).toEqual([
      [overdue, true, null],
      [fresh, false, 'draft'],
    ]);
    expect(body.notes.returnedToMe.map((n: { sessionId: string }) => n.sessionId)).toEqual([
      returned,
    ]);
    expect(body.notes.awaitingMyCosignature).toEqual([]);
    const reasons = Object.fromEntries(
      body.goalsNeedingAttention.map((g: { goalId: string; reasons: string[] }) => [
        g.goalId,
        g.reasons,
      ]),
    );
    expect(reasons).toEqual({
      [pastTarget]: ['target_date_passed'],
      [stalled]: ['stalled'],
      [falling]: ['trust_falling'],
      [unreliable]: ['low_reliability'],
    });
    expect(body.celebrate.map((c: { kind: string; title: string | null }) => c.kind)).toEqual([
      'goal_achieved',
      'milestone',
    ]);
    expect(body.setbacks.map((s: { severity: string }) => s.severity)).toEqual(['major']);
    expect(body.boundaries.recentViolations.map((v: { id: string }) => v.id)).toEqual([violation]);
    expect(body.boundaries.awaitingAcknowledgment.map((v: { id: string }) => v.id)).toEqual([
      awaiting,
    ]);
    expect(body.boundaries.dueForReview.map((v: { id: string }) => v.id)).toEqual([dueSoon]);
    expect(body.emergencyAccess).toEqual([
      expect.objectContaining({ clientId: a.id, staffId: other.id }),
    ]);

    // The supervisor sees the trainee's note awaiting co-signature, and may open the counselor's dashboard.
    const supervisorAuth = bearer(await tokenFor(fx.testApp.app, team.supervisor));
    const supervisor = await get('/api/v1/dashboard', supervisorAuth);
    expect(
      supervisor.body.notes.awaitingMyCosignature.map((n: { sessionId: string }) => n.sessionId),
    ).toEqual([traineeSession]);
    const overseen = await http()
      .get('/api/v1/dashboard')
      .query({ counselorId: C })
      .set('Authorization', supervisorAuth)
      .expect(200);
    expect(overseen.body.counselorId).toBe(C);
    expect(overseen.body.caseload.total).toBe(3);
    await http()
      .get('/api/v1/dashboard')
      .query({ counselorId: C })
      .set('Authorization', bearer(await tokenFor(fx.testApp.app, team.trainee)))
      .expect(403);

    // The team dashboard counts the same goals as needing attention as the counselor's own dashboard lists.
    const teamView = await get('/api/v1/dashboard/team', supervisorAuth);
    const counselorRow = teamView.body.team.find(
      (m: { counselorId: string }) => m.counselorId === C,
    );
    expect(counselorRow.goalsNeedingAttention).toBe(4);
    expect(counselorRow.goalsNeedingAttention).toBe(body.goalsNeedingAttention.length);

    // One read event per call, listing the clients shown, in each of their access logs.
    const events = await ds.query<{ client_ids: string[] }[]>(
      `SELECT metadata -> 'clientIds' AS client_ids FROM audit_events
        WHERE resource_type = 'dashboard' AND resource_id = $1::text AND actor_id = $1::uuid`,
      [C],
    );
    expect(events).toEqual([{ client_ids: [a.id, b.id].sort() }]);
    const counselorAuth = bearer(await tokenFor(fx.testApp.app, team.counselor));
    const dashboardReads = async (clientId: string) =>
      (await get(`/api/v1/clients/${clientId}/access-log`, counselorAuth)).body.data
        .filter((entry: { resourceType: string }) => entry.resourceType === 'dashboard')
        .map((entry: { actorId: string }) => entry.actorId);
    // Newest first: the supervisor's view of the counselor's dashboard, the supervisor's own (which
    // shows A's goals, not B), the counselor's.
    const S = team.supervisor.id;
    expect(await dashboardReads(a.id)).toEqual([S, S, C]);
    expect(await dashboardReads(b.id)).toEqual([S, C]);
    expect(await dashboardReads(d.id)).toEqual([]);
    // The audit log's client filter finds the same events.
    const audited = await http()
      .get('/api/v1/audit-events')
      .query({ clientId: b.id, resourceType: 'dashboard' })
      .set('Authorization', bearer(await tokenFor(fx.testApp.app, team.admin)))
      .expect(200);
    expect(audited.body.data.map((e: { actorId: string }) => e.actorId)).toEqual([S, C]);
  });
});
