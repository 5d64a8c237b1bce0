import { Client } from 'pg';
import request from 'supertest';
import { DEMO_PRACTICE_ID, seedDemoPractice } from '../../src/seed/demo-seed';
import { seedDemoTrustGoals } from '../../src/seed/demo-trust-goals';
import { bearer, tokenFor } from '../setup/auth';
import { startTestApp, type TestApp } from '../setup/test-app';
import { isolatedDatabaseUrl } from '../setup/test-database';
import { asOwner } from '../setup/database-roles';

describe('demo trust goal', () => {
  let url: string;
  let testApp: TestApp;

  beforeAll(async () => {
    url = await isolatedDatabaseUrl('trust_goals_demo');
    await seedDemoPractice(asOwner(url), 'demo-password-for-tests');
    testApp = await startTestApp({ databaseUrl: url });
  });
  afterAll(() => testApp.close());

  async function seedOnce(): Promise<number> {
    const client = new Client({ connectionString: asOwner(url) });
    await client.connect();
    try {
      await client.query('BEGIN');
      const created = await seedDemoTrustGoals(client, DEMO_PRACTICE_ID);
      await client.query('COMMIT');
      return created;
    } finally {
      await client.end();
    }
  }

  it('seeds Maya and Grace’s goal once, and it reads back with believable figures and a timeline', async () => {
    // The demo seed may already call it; either way a second run adds nothing.
    await seedOnce();
    expect(await seedOnce()).toBe(0);

    const [counselor] = await testApp.dataSource.query<{ id: string; email: string }[]>(
      `SELECT id, email FROM staff WHERE practice_id = $1 AND email = 'counselor@riverside.example'`,
      [DEMO_PRACTICE_ID],
    );
    const [maya] = await testApp.dataSource.query<{ id: string; grace: string }[]>(
      `SELECT c.id, f.id AS grace FROM clients c
         JOIN family_members f ON f.client_id = c.id AND f.first_name = 'Grace'
        WHERE c.practice_id = $1 AND c.first_name = 'Maya'`,
      [DEMO_PRACTICE_ID],
    );
    const auth = bearer(
      await tokenFor(testApp.app, {
        ...counselor!,
        practiceId: DEMO_PRACTICE_ID,
        role: 'counselor',
        password: '',
      }),
    );
    const http = () => request(testApp.app.getHttpServer());
    const goals = `/api/v1/clients/${maya!.id}/trust-goals`;
    const list = await http().get(goals).set('Authorization', auth).expect(200);
    expect(list.body.data).toHaveLength(1);
    const goal = list.body.data[0];
    expect(goal).toMatchObject({
      parties: [
        { party: 'client', familyMemberId: null },
        { party: 'family_member', familyMemberId: maya!.grace },
      ],
      strategy: 'consistency_and_reliability',
      lifecycleStatus: 'active',
      achievementStatus: 'improving',
      baselineRating: 3,
      targetRating: 7,
      commitments: [expect.objectContaining({ cadence: 'weekly', status: 'active' })],
    });
    expect(goal.milestones.map((m: { reachedAt: string | null }) => m.reachedAt !== null)).toEqual([
      true,
      false,
    ]);
    expect(goal.derived).toMatchObject({
      checkInCount: 12,
      reliability: { kept: 3, missed: 1, ratio: 0.75 },
      targetMetStreak: 0,
      suggestedAchievementStatus: 'improving',
      suggestionDiffers: false,
    });
    expect(goal.derived.daysSinceLastCheckIn).toBeGreaterThanOrEqual(1);
    expect(goal.derived.daysSinceLastCheckIn).toBeLessThanOrEqual(3);
    expect(
      goal.derived.parties.map((p: { currentRating: number; trend: { sign: number } }) => [
        p.currentRating,
        p.trend.sign,
      ]),
    ).toEqual([
      [7, 1],
      [6, 1],
    ]);

    const timeline = await http()
      .get(`${goals}/${goal.id}/timeline`)
      .set('Authorization', auth)
      .expect(200);
    const types = timeline.body.events.map((e: { type: string }) => e.type).join(' ');
    expect(types).toBe(
      'check_in check_in check_in check_in milestone check_in check_in setback ' +
        'check_in check_in check_in check_in check_in check_in',
    );
    expect(timeline.body.events[7].setback).toMatchObject({ kind: 'relapse', severity: 'major' });
    expect(timeline.body.upcomingMilestones).toHaveLength(1);

    const audited = await testApp.dataSource.query<{ action: string; n: number }[]>(
      `SELECT action, count(*)::int AS n FROM audit_events
        WHERE practice_id = $1 AND actor_type = 'system' AND resource_type IN
              ('trust_goal', 'goal_commitment', 'goal_check_in', 'goal_setback', 'goal_milestone')
        GROUP BY action ORDER BY action`,
      [DEMO_PRACTICE_ID],
    );
    expect(audited).toEqual([
      { action: 'create', n: 17 },
      { action: 'status_change', n: 1 },
    ]);
  });
});
