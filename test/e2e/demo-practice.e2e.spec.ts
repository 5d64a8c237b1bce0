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
  const answers = async (role: (typeof DEMO_LOGINS)[number]['key'], path: string) => {
    const { email } = DEMO_LOGINS.find((login) => login.key === role)!;
    const login = await http().post('/api/v1/auth/login').send({ email, password: PASSWORD });
    expect(login.status).toBe(200);
    return http()
      .get(`/api/v1${path}`)
      .set('Authorization', `Bearer ${login.body.accessToken as string}`);
  };
  const opens = async (role: (typeof DEMO_LOGINS)[number]['key'], path: string) => {
    const response = await answers(role, path);
    expect(response.status).toBe(200);
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
      // Maya and Grace, Elena and Tomás (co-therapist), Ruth, Samuel.
      expect(dashboard.caseload.byStatus.active).toBe(6);
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

    it('the counselor’s caseload has the Okafor family, the Marsh couple and Ruth’s individual case', async () => {
      const { data: cases } = await opens('counselor', '/cases');
      expect(
        cases.map((k: Record<string, unknown>) => [k.label, k.type, k.status, k.openedOn]).sort(),
      ).toEqual([
        ['Marsh couple', 'couple', 'open', cal.day(-56)],
        ['Okafor family', 'family', 'open', cal.day(-84)],
        ['Ruth Lindqvist', 'individual', 'open', cal.day(-90)],
      ]);
      const members = async (label: string) => {
        const { id } = cases.find((k: { label: string }) => k.label === label);
        const { data } = await opens('counselor', `/cases/${id as string}/members`);
        return data.map((m: Record<string, unknown>) => ({
          name: `${m.firstName as string} ${m.lastName as string}`,
          role: m.role,
          participation: m.participation,
          client: m.clientId !== null,
        }));
      };
      expect(await members('Okafor family')).toEqual([
        {
          name: 'Maya Okafor',
          role: 'identified_client',
          participation: 'participating',
          client: true,
        },
        { name: 'Grace Okafor', role: 'parent', participation: 'participating', client: true },
        { name: 'Chidi Okafor', role: 'sibling', participation: 'participating', client: false },
        { name: 'Daniel Okafor', role: 'parent', participation: 'declined', client: false },
      ]);
      expect(await members('Marsh couple')).toEqual([
        { name: 'Elena Marsh', role: 'partner', participation: 'participating', client: true },
        { name: 'Tomás Marsh', role: 'partner', participation: 'participating', client: true },
      ]);
      expect(await members('Ruth Lindqvist')).toEqual([
        {
          name: 'Ruth Lindqvist',
          role: 'identified_client',
          participation: 'participating',
          client: true,
        },
      ]);
      // Who came to the Okafor family's three sessions held: Chidi once on time, once late, once not.
      const okafors = cases.find((k: { label: string }) => k.label === 'Okafor family')
        .id as string;
      const { data: people } = await opens('counselor', `/cases/${okafors}/members`);
      const nameOf = new Map(
        people.map((m: { personId: string; firstName: string }) => [m.personId, m.firstName]),
      );
      const attendance = await opens('counselor', `/cases/${okafors}/attendance`);
      expect(
        Object.fromEntries(
          attendance.members.map((m: Record<string, unknown>) => [
            nameOf.get(m.personId),
            [m.sessions, m.attended, m.late, m.absent],
          ]),
        ),
      ).toEqual({
        Maya: [3, 3, 0, 0],
        Grace: [3, 3, 0, 0],
        Chidi: [3, 2, 1, 1],
        Daniel: [3, 0, 0, 0],
      });
      // Sam co-leads the family sessions: the case is theirs, Grace's own chart is not.
      const { data: samsCases } = await opens('trainee', '/cases');
      expect(samsCases.map((k: { label: string }) => k.label).sort()).toEqual([
        'Marsh couple',
        'Okafor family',
      ]);
    });

    it('the Okafor family case holds its own agreement among Maya, Grace and Chidi, and a goal with check-ins', async () => {
      const { data: cases } = await opens('counselor', '/cases');
      const okafors = cases.find((k: { label: string }) => k.label === 'Okafor family')
        .id as string;
      const { data: people } = await opens('counselor', `/cases/${okafors}/members`);
      const nameOf = new Map<string, string>(
        people.map((m: { personId: string; firstName: string }) => [m.personId, m.firstName]),
      );
      const names = (parties: { personId: string }[]) =>
        parties.map((p) => nameOf.get(p.personId)).sort();
      const { data: agreements } = await opens(
        'counselor',
        `/cases/${okafors}/boundary-agreements`,
      );
      expect(agreements).toHaveLength(1);
      expect(agreements[0]).toMatchObject({ clientId: null, caseId: okafors, status: 'active' });
      expect(names(agreements[0].parties)).toEqual(['Chidi', 'Grace', 'Maya']);
      // Sam, co-therapist on the case, reaches the case's goal and its timeline.
      const { data: goals } = await opens('trainee', `/cases/${okafors}/trust-goals`);
      expect(goals).toHaveLength(1);
      expect(names(goals[0].parties)).toEqual(['Chidi', 'Maya']);
      const timeline = await opens(
        'trainee',
        `/cases/${okafors}/trust-goals/${goals[0].id as string}/timeline`,
      );
      expect(timeline.events.filter((e: { type: string }) => e.type === 'check_in')).toHaveLength(
        4,
      );
    });

    it('a joint family session’s signed note is one note in both Maya’s and Grace’s charts', async () => {
      const okafor = async (first: string) => {
        const { data } = await opens('counselor', `/clients?search=${first}`);
        return (data as { id: string; firstName: string; lastName: string }[]).find(
          (c) => c.firstName === first && c.lastName === 'Okafor',
        )!.id;
      };
      const [maya, grace] = [await okafor('Maya'), await okafor('Grace')];
      const chart = async (clientId: string) =>
        (await opens('counselor', `/clients/${clientId}/session-notes`)).data as {
          id: string;
          sessionId: string;
          status: string;
        }[];
      const mayas = await chart(maya);
      const graces = await chart(grace);
      // The two family sessions Grace came to, signed: the same notes as in Maya's chart.
      expect(graces.map((n) => n.status)).toEqual(['signed', 'signed']);
      expect(mayas.filter((n) => n.status === 'signed')).toEqual(graces);
      const trainee = await answers('trainee', `/clients/${grace}/session-notes`);
      expect(trainee.status).toBe(404);
    });

    it('the counselor’s dashboard shows today’s family session with its case type and initials', async () => {
      const { schedule } = await opens('counselor', '/dashboard');
      const family = schedule.find((s: { startsAt: string }) => s.startsAt === cal.at(0, '16:00'));
      // Daniel declined: his initials are not among those expected.
      expect(family).toMatchObject({
        modality: 'family',
        caseType: 'family',
        caseMemberInitials: ['MO', 'GO', 'CO'],
      });
      const couple = schedule.find((s: { startsAt: string }) => s.startsAt === cal.at(0, '18:00'));
      expect(couple).toMatchObject({ caseType: 'couple', caseMemberInitials: ['EM', 'TM'] });
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
