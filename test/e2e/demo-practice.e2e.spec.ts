import request from 'supertest';
import { FixedClock } from '../../src/common/clock/clock';
import { demoCalendar } from '../../src/seed/demo-calendar';
import { DEMO_LOGINS, DEMO_TIME_ZONE, resetDemoPractice } from '../../src/seed/demo-seed';
import { asOwner } from '../setup/database-roles';
import { startTestApp, type TestApp } from '../setup/test-app';
import { isolatedDatabaseUrl } from '../setup/test-database';

const PASSWORD = 'demo-password-for-tests';

/**
 * The demo practice is alive on the day it is seeded: every demo login finds every section of
 * what they open first filled. Seeded (and rebuilt) on a fixed day, and on the Saturday before
 * the spring daylight-saving change in Chicago (its week crosses the change).
 */
describe('demo practice', () => {
  const clock = new FixedClock(new Date());
  let testApp: TestApp;
  let url: string;

  beforeAll(async () => {
    url = await isolatedDatabaseUrl('demo_practice');
    testApp = await startTestApp({ databaseUrl: url, clock });
  });
  afterAll(() => testApp.close());

  const http = () => request(testApp.app.getHttpServer());
  const opens = async (role: (typeof DEMO_LOGINS)[number]['key'], path: string) => {
    const { email } = DEMO_LOGINS.find((login) => login.key === role)!;
    const login = await http().post('/api/v1/auth/login').send({ email, password: PASSWORD });
    expect(login.status).toBe(200);
    const response = await http()
      .get(`/api/v1${path}`)
      .set('Authorization', `Bearer ${login.body.accessToken as string}`)
      .expect(200);
    return response.body;
  };
  const kinds = (rows: Record<string, unknown>[], key: string) =>
    [...new Set(rows.flatMap((row) => row[key]))].sort();

  describe.each([
    ['a fixed day', '2026-06-10T15:00:00Z'],
    ['the day before the spring daylight-saving change', '2026-03-07T18:00:00Z'],
  ])('seeded on %s', (_label, at) => {
    const cal = demoCalendar(new Date(at), DEMO_TIME_ZONE);

    beforeAll(async () => {
      clock.at = new Date(at);
      await resetDemoPractice({
        ownerUrl: asOwner(url),
        app: testApp.app,
        password: PASSWORD,
        now: clock.at,
      });
    });

    it('the counselor’s dashboard has something in every section', async () => {
      const dashboard = await opens('counselor', '/dashboard');
      expect(dashboard.today).toBe(cal.day(0));
      expect(dashboard.caseload.byStatus.active).toBe(4);
      const schedule = dashboard.schedule as { day: string; startsAt: string }[];
      expect(schedule.filter((s) => s.day === cal.day(0)).map((s) => s.startsAt)).toEqual([
        cal.at(0, '13:00'),
        cal.at(0, '16:00'),
        cal.at(0, '18:00'),
      ]);
      expect(kinds(schedule, 'modality')).toEqual(['couple', 'family', 'individual']);
      expect(kinds(schedule, 'setting')).toEqual(['in_person', 'telehealth']);
      expect(schedule.every((s) => s.day >= cal.day(0) && s.day <= cal.day(7))).toBe(true);
      expect(dashboard.notes.toWrite.map((n: { overdue: boolean }) => n.overdue).sort()).toEqual([
        false,
        true,
      ]);
      expect(kinds(dashboard.goalsNeedingAttention, 'reasons')).toEqual([
        'low_reliability',
        'stalled',
        'target_date_passed',
        'trust_falling',
      ]);
      expect(kinds(dashboard.celebrate, 'kind')).toEqual(['goal_achieved', 'milestone']);
      const [relapse] = dashboard.setbacks;
      expect(relapse).toMatchObject({ severity: 'major', at: cal.at(-3, '22:00') });
      expect(kinds(dashboard.boundaries.recentViolations, 'severity')).toEqual(['major', 'minor']);
      expect(dashboard.boundaries.awaitingAcknowledgment).toHaveLength(1);
      expect(dashboard.boundaries.dueForReview).toEqual([
        expect.objectContaining({ reviewDate: cal.day(10) }),
      ]);
      expect(dashboard.emergencyAccess).toEqual([
        expect.objectContaining({ staffName: 'Morgan Reyes' }),
      ]);
    });

    it('the trainee’s dashboard has their sessions, a note to finish and one returned, and the shared families’ news', async () => {
      const dashboard = await opens('trainee', '/dashboard');
      expect(dashboard.schedule.filter((s: { day: string }) => s.day === cal.day(0))).toHaveLength(
        3,
      );
      expect(dashboard.notes.toWrite).toHaveLength(1);
      expect(dashboard.notes.returnedToMe).toHaveLength(1);
      for (const section of [
        dashboard.goalsNeedingAttention,
        dashboard.celebrate,
        dashboard.setbacks,
        dashboard.boundaries.recentViolations,
        dashboard.boundaries.awaitingAcknowledgment,
        dashboard.boundaries.dueForReview,
        dashboard.emergencyAccess,
      ]) {
        expect(section.length).toBeGreaterThan(0);
      }
    });

    it('the supervisor’s team dashboard has a figure in every column, and a note to co-sign', async () => {
      const { team, weekStart } = await opens('supervisor', '/dashboard/team');
      expect(weekStart <= cal.day(0)).toBe(true);
      expect(team.map((m: { name: string }) => m.name)).toEqual(['Jordan Lee', 'Sam Patel']);
      for (const column of [
        'activeCaseload',
        'sessionsThisWeek',
        'overdueNotes',
        'noShowRate',
        'goalsNeedingAttention',
        'openMajorViolations',
      ]) {
        expect(
          Math.max(...team.map((m: Record<string, number | null>) => m[column] ?? 0)),
        ).toBeGreaterThan(0);
      }
      const own = await opens('supervisor', '/dashboard');
      expect(own.notes.awaitingMyCosignature).toHaveLength(1);
    });

    it('the intake coordinator’s queue has pending submissions, one a likely duplicate', async () => {
      const queue = await opens('intake', '/intake-submissions');
      const pending = queue.data.filter((s: { status: string }) => s.status === 'pending');
      expect(pending).toHaveLength(3);
      expect(
        pending.filter((s: { possibleDuplicates: unknown[] }) => s.possibleDuplicates.length > 0),
      ).toEqual([
        expect.objectContaining({
          possibleDuplicates: [expect.objectContaining({ reasons: ['name_and_date_of_birth'] })],
        }),
      ]);
    });

    it('the admin’s emergency-access review has the grant of the night of the relapse', async () => {
      const grants = await opens('admin', '/emergency-access');
      expect(grants.data).toEqual([expect.objectContaining({ staffName: 'Morgan Reyes' })]);
      const { team } = await opens('admin', '/dashboard/team');
      expect(team.length).toBeGreaterThan(0);
    });
  });
});
