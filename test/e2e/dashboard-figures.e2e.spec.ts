import request from 'supertest';
import { addFamilyMember, createClient } from '../factories/client.factory';
import { createSession } from '../factories/session.factory';
import { createTeam } from '../factories/staff.factory';
import { bearer, tokenFor } from '../setup/auth';
import { startTestApp, type TestApp } from '../setup/test-app';
import { ownerQuery } from '../setup/database-roles';

const DAY_MS = 86_400_000;
const daysAgo = (days: number) => new Date(Date.now() - days * DAY_MS).toISOString();

/**
 * The dashboards read figures kept up to date on write (a goal's latest check-in and suggested
 * status, a session's note status) instead of recomputing them: these tests change them through
 * the API and check that what is stored, what the goal's own view says and what the dashboards
 * show stay the same.
 */
describe('figures the dashboards read', () => {
  let testApp: TestApp;

  beforeAll(async () => {
    testApp = await startTestApp();
  });
  afterAll(() => testApp.close());

  const http = () => request(testApp.app.getHttpServer());

  async function setup() {
    const team = await createTeam(testApp.dataSource);
    const client = await createClient(testApp.dataSource, {
      practiceId: team.practice.id,
      primaryCounselorId: team.counselor.id,
    });
    const mother = await addFamilyMember(testApp.dataSource, client, 'mother', 'Grace');
    const auth = bearer(await tokenFor(testApp.app, team.counselor));
    const goals = `/api/v1/clients/${client.id}/trust-goals`;
    const activeGoal = async (startDaysAgo = 60): Promise<string> => {
      const created = await http()
        .post(goals)
        .set('Authorization', auth)
        .send({
          parties: [{ party: 'client' }, { party: 'family_member', familyMemberId: mother }],
          strategy: 'consistency_and_reliability',
          description: 'Sunday calls',
          baselineRating: 3,
          targetRating: 7,
          startDate: daysAgo(startDaysAgo).slice(0, 10),
          lifecycleStatus: 'active',
        })
        .expect(201);
      return created.body.id as string;
    };
    const checkIn = (
      goalId: string,
      days: number,
      motherRating: number,
      commitments: { commitmentsKept?: number; commitmentsMissed?: number } = {},
    ) =>
      http()
        .post(`${goals}/${goalId}/check-ins`)
        .set('Authorization', auth)
        .send({
          ...commitments,
          occurredAt: daysAgo(days),
          ratings: [
            { party: 'client', rating: 5 },
            { party: 'family_member', familyMemberId: mother, rating: motherRating },
          ],
        })
        .expect(201);
    const attention = async () => {
      const dashboard = await http()
        .get('/api/v1/dashboard')
        .set('Authorization', auth)
        .expect(200);
      return Object.fromEntries(
        (dashboard.body.goalsNeedingAttention as { goalId: string; reasons: string[] }[]).map(
          (goal) => [goal.goalId, goal.reasons],
        ),
      );
    };
    const stored = async (goalId: string) => {
      const [row] = await testApp.dataSource.query<
        { last_check_in_at: Date | null; suggested: string | null }[]
      >(
        `SELECT last_check_in_at, suggested_achievement_status AS suggested FROM trust_goals WHERE id = $1`,
        [goalId],
      );
      return row!;
    };
    return { team, client, mother, auth, goals, activeGoal, checkIn, attention, stored };
  }

  it("keeps a goal's figures right under concurrent check-ins and after a new target", async () => {
    const s = await setup();
    const goalId = await s.activeGoal();
    // Eight check-ins at once, the mother's trust falling from 8 to 3 over eight days.
    const motherRatings = [8, 8, 7, 7, 6, 5, 4, 3];
    await Promise.all(motherRatings.map((rating, i) => s.checkIn(goalId, 8 - i, rating)));

    const view = await http().get(`${s.goals}/${goalId}`).set('Authorization', s.auth).expect(200);
    expect(view.body.derived.checkInCount).toBe(8);
    expect(view.body.derived.suggestedAchievementStatus).toBe('worsening');
    const figures = await s.stored(goalId);
    expect(figures.suggested).toBe('worsening');
    const [latest] = await testApp.dataSource.query<{ at: Date }[]>(
      `SELECT max(occurred_at) AS at FROM goal_check_ins WHERE goal_id = $1`,
      [goalId],
    );
    expect(figures.last_check_in_at).toEqual(latest!.at);
    expect(await s.attention()).toEqual({ [goalId]: ['trust_falling'] });

    // A target of 2 is met by every check-in: the suggestion turns to "sustaining" at once.
    await http()
      .patch(`${s.goals}/${goalId}`)
      .set('Authorization', s.auth)
      .set('If-Match', view.headers.etag as string)
      .send({ targetRating: 2 })
      .expect(200);
    const after = await http().get(`${s.goals}/${goalId}`).set('Authorization', s.auth).expect(200);
    expect(after.body.derived.suggestedAchievementStatus).toBe('sustaining');
    expect((await s.stored(goalId)).suggested).toBe('sustaining');
    expect(await s.attention()).toEqual({});
  });

  it("gives the client summary the goal's own figures, beyond the check-ins it draws", async () => {
    const s = await setup();
    const goalId = await s.activeGoal();
    const post = (days: number, body: Record<string, unknown>) =>
      http()
        .post(`${s.goals}/${goalId}/check-ins`)
        .set('Authorization', s.auth)
        .send({ occurredAt: daysAgo(days), ...body })
        .expect(201);
    // The mother rated once, low, 20 days ago; then twelve daily check-ins rate the client alone,
    // each with a missed commitment. The summary draws the latest twelve for its sparklines, but its
    // suggestion and 28-day reliability are the goal's: the mother's 3 still stands (no "sustaining"),
    // and the three commitments kept 20 days ago still count.
    await post(20, {
      ratings: [
        { party: 'client', rating: 8 },
        { party: 'family_member', familyMemberId: s.mother, rating: 3 },
      ],
      commitmentsKept: 3,
    });
    for (let days = 12; days >= 1; days -= 1) {
      await post(days, { ratings: [{ party: 'client', rating: 8 }], commitmentsMissed: 1 });
    }
    const view = await http().get(`${s.goals}/${goalId}`).set('Authorization', s.auth).expect(200);
    expect(view.body.derived.suggestedAchievementStatus).toBe('no_change');
    expect(view.body.derived.reliability.ratio).toBe(0.2);
    const summary = await http()
      .get(`/api/v1/clients/${s.client.id}/summary`)
      .set('Authorization', s.auth)
      .expect(200);
    expect(summary.body.goals).toEqual([
      expect.objectContaining({
        id: goalId,
        suggestedAchievementStatus: 'no_change',
        reliability: 0.2,
      }),
    ]);
  });

  it("judges a stall against the practice's limit, however long", async () => {
    const s = await setup();
    await ownerQuery(
      testApp.dataSource,
      `UPDATE practices SET settings = settings || '{"goalStallDays": 90}' WHERE id = $1`,
      [s.team.practice.id],
    );
    const recent = await s.activeGoal(200);
    await s.checkIn(recent, 70, 6);
    const old = await s.activeGoal(200);
    await s.checkIn(old, 100, 6);
    const never = await s.activeGoal(95);
    // 70 days without a check-in is within the practice's 90; 100 days, or 95 without any, is not.
    expect(await s.attention()).toEqual({ [old]: ['stalled'], [never]: ['stalled'] });
  });

  it('judges reliability over the last 28 days only, on the dashboard and the team view', async () => {
    const s = await setup();
    const kept = (n: number) => ({ commitmentsKept: n, commitmentsMissed: 0 });
    const missed = (n: number) => ({ commitmentsKept: 0, commitmentsMissed: n });
    // Missed long ago, kept lately: the misses have left the window.
    const recovered = await s.activeGoal();
    await s.checkIn(recovered, 35, 6, missed(5));
    await s.checkIn(recovered, 3, 6, kept(1));
    // Missed within the window more than kept.
    const slipping = await s.activeGoal();
    await s.checkIn(slipping, 40, 6, kept(9));
    await s.checkIn(slipping, 20, 6, missed(3));
    await s.checkIn(slipping, 2, 6, kept(2));
    // Kept as often as missed is not "less than half".
    const even = await s.activeGoal();
    await s.checkIn(even, 10, 6, missed(2));
    await s.checkIn(even, 5, 6, kept(2));
    expect(await s.attention()).toEqual({ [slipping]: ['low_reliability'] });
    const supervisorAuth = bearer(await tokenFor(testApp.app, s.team.supervisor));
    const team = await http()
      .get('/api/v1/dashboard/team')
      .set('Authorization', supervisorAuth)
      .expect(200);
    expect(
      team.body.team.find((m: { counselorId: string }) => m.counselorId === s.team.counselor.id)
        .goalsNeedingAttention,
    ).toBe(1);
  });

  it('follows a note from missing to signed on the dashboard and the team view', async () => {
    const s = await setup();
    const sessionId = await createSession(testApp.dataSource, s.client, s.team.counselor.id, {
      startsAt: new Date(Date.now() - 4 * DAY_MS),
      status: 'completed',
    });
    const supervisorAuth = bearer(await tokenFor(testApp.app, s.team.supervisor));
    const toWrite = async () =>
      (
        await http().get('/api/v1/dashboard').set('Authorization', s.auth).expect(200)
      ).body.notes.toWrite.map((n: { sessionId: string; overdue: boolean; noteStatus: string }) => [
        n.sessionId,
        n.overdue,
        n.noteStatus,
      ]);
    const overdueOnTeam = async () =>
      (
        await http().get('/api/v1/dashboard/team').set('Authorization', supervisorAuth).expect(200)
      ).body.team.find((m: { counselorId: string }) => m.counselorId === s.team.counselor.id)
        .overdueNotes as number;

    expect(await toWrite()).toEqual([[sessionId, true, null]]);
    expect(await overdueOnTeam()).toBe(1);

    const note = `/api/v1/therapy-sessions/${sessionId}/note`;
    await http()
      .post(note)
      .set('Authorization', s.auth)
      .send({ format: 'free', content: { text: 'Talked about Sunday calls.' }, riskLevel: 'none' })
      .expect(201);
    expect(await toWrite()).toEqual([[sessionId, true, 'draft']]);
    expect(await overdueOnTeam()).toBe(1);

    await http().post(`${note}/sign`).set('Authorization', s.auth).expect(200);
    expect(await toWrite()).toEqual([]);
    expect(await overdueOnTeam()).toBe(0);
    const [session] = await testApp.dataSource.query<{ note_status: string }[]>(
      `SELECT note_status FROM therapy_sessions WHERE id = $1`,
      [sessionId],
    );
    expect(session!.note_status).toBe('signed');
  });
});
