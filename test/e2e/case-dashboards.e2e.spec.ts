import request from 'supertest';
import { openOkaforCase } from '../factories/family-case.factory';
import { createStaff } from '../factories/staff.factory';
import { bearer, tokenFor } from '../setup/auth';
import { countQueries } from '../setup/query-counter';
import { startTestApp, type TestApp } from '../setup/test-app';

interface Held {
  clientId: string | null;
  caseId: string | null;
}

/**
 * A case's own goals and agreements belong on the dashboards of the case's care team, and on no
 * dashboard of a counselor who has only one of the case's clients.
 */
describe('dashboards: records a case holds', () => {
  let testApp: TestApp;
  let asCoTherapist: string;
  let asMothersCounselor: string;
  let asAdmin: string;
  let coTherapistId: string;
  let mothersCounselorId: string;
  let caseId: string;
  let goalId: string;
  let agreementId: string;
  let parties: object[];
  let asPrimary: string;
  const http = () => request(testApp.app.getHttpServer());
  const daysAgo = (days: number) => new Date(Date.now() - days * 86_400_000);

  beforeAll(async () => {
    testApp = await startTestApp();
    const family = await openOkaforCase(testApp);
    ({ asPrimary, asCoTherapist, caseId } = family);
    const { team, mother, person } = family;
    coTherapistId = family.coTherapist.id;
    asAdmin = bearer(await tokenFor(testApp.app, team.admin));
    // The mother's own counselor is on her chart's care team, not on the family case's.
    const mothersCounselor = await createStaff(testApp.dataSource, {
      practiceId: team.practice.id,
      role: 'counselor',
    });
    mothersCounselorId = mothersCounselor.id;
    asMothersCounselor = bearer(await tokenFor(testApp.app, mothersCounselor));
    await testApp.dataSource.query(
      `INSERT INTO care_team_members (practice_id, client_id, staff_id, role) VALUES ($1, $2, $3, 'co_therapist')`,
      [team.practice.id, mother.id, mothersCounselor.id],
    );
    parties = ['Maya', 'Grace'].map((name) => ({ party: 'person', personId: person[name] }));

    // Started two months ago and never checked in: stalled.
    const goal = await http()
      .post(`/api/v1/cases/${caseId}/trust-goals`)
      .set('Authorization', asPrimary)
      .send({
        parties,
        strategy: 'consistency_and_reliability',
        description: 'Maya and Grace keep their Sunday call.',
        baselineRating: 3,
        targetRating: 7,
        startDate: daysAgo(60).toISOString().slice(0, 10),
        lifecycleStatus: 'active',
      })
      .expect(201);
    goalId = (goal.body as { id: string }).id;
    await http()
      .post(`/api/v1/cases/${caseId}/trust-goals/${goalId}/setbacks`)
      .set('Authorization', asPrimary)
      .send({
        kind: 'other',
        severity: 'minor',
        occurredAt: daysAgo(2).toISOString(),
        description: 'A hard week.',
        responsePlan: 'Talk it through.',
      })
      .expect(201);

    const created = await http()
      .post(`/api/v1/cases/${caseId}/boundary-agreements`)
      .set('Authorization', asPrimary)
      .send({
        title: 'Evenings',
        parties,
        reviewDate: daysAgo(1).toISOString().slice(0, 10),
        items: [
          {
            category: 'time',
            setBy: parties[1],
            boundary: 'No phone calls after 10 pm.',
            expectation: 'Text instead, unless it is an emergency.',
            responseIfCrossed: 'We talk about it at the next session.',
          },
        ],
      })
      .expect(201);
    const agreement = created.body as { id: string; items: { id: string }[] };
    agreementId = agreement.id;
    const one = `/api/v1/cases/${caseId}/boundary-agreements/${agreementId}`;
    await http()
      .post(`${one}/status`)
      .set('Authorization', asPrimary)
      .send({ status: 'proposed' })
      .expect(200);
    for (const party of parties) {
      await http()
        .post(`${one}/acknowledgments`)
        .set('Authorization', asPrimary)
        .send({ party, method: 'in_session' })
        .expect(201);
    }
    await http()
      .post(`${one}/status`)
      .set('Authorization', asPrimary)
      .send({ status: 'active' })
      .expect(200);
    await http()
      .post(`${one}/violations`)
      .set('Authorization', asPrimary)
      .send({
        itemId: agreement.items[0]!.id,
        reportedBy: parties[1],
        occurredAt: daysAgo(1).toISOString(),
        severity: 'major',
        description: 'Called at midnight.',
      })
      .expect(201);
  });
  afterAll(() => testApp.close());

  const dashboardOf = async (auth: string) => {
    const response = await http().get('/api/v1/dashboard').set('Authorization', auth).expect(200);
    return response.body as {
      goalsNeedingAttention: (Held & { goalId: string; reasons: string[] })[];
      setbacks: (Held & { goalId: string })[];
      boundaries: {
        recentViolations: (Held & { agreementId: string })[];
        dueForReview: (Held & { agreementId: string })[];
      };
    };
  };

  it('shows a case goal needing attention, its setback and its agreement on the co-therapist’s dashboard', async () => {
    const view = await dashboardOf(asCoTherapist);
    expect(view.goalsNeedingAttention).toEqual([
      { goalId, clientId: null, caseId, reasons: expect.arrayContaining(['stalled']) },
    ]);
    expect(view.setbacks).toEqual([expect.objectContaining({ goalId, clientId: null, caseId })]);
    expect(view.boundaries.recentViolations).toEqual([
      expect.objectContaining({ agreementId, clientId: null, caseId }),
    ]);
    expect(view.boundaries.dueForReview).toEqual([
      expect.objectContaining({ agreementId, clientId: null, caseId }),
    ]);
    const [event] = await testApp.dataSource.query<{ metadata: { caseIds?: string[] } }[]>(
      `SELECT metadata FROM audit_events WHERE resource_type = 'dashboard' AND resource_id = $1
        ORDER BY occurred_at DESC LIMIT 1`,
      [coTherapistId],
    );
    expect(event!.metadata.caseIds).toEqual([caseId]);
  });

  it('leaves them off the dashboard of a counselor who has only the mother', async () => {
    const view = await dashboardOf(asMothersCounselor);
    expect(view.goalsNeedingAttention).toEqual([]);
    expect(view.setbacks).toEqual([]);
    expect(view.boundaries.recentViolations).toEqual([]);
    expect(view.boundaries.dueForReview).toEqual([]);
  });

  it('lists the case agreement as due for review for the case team only', async () => {
    const due = (auth: string) =>
      http()
        .get('/api/v1/boundary-agreements')
        .query({ reviewDue: true })
        .set('Authorization', auth);
    const mine = await due(asCoTherapist).expect(200);
    expect((mine.body as { data: Held[] }).data).toEqual([
      expect.objectContaining({ id: agreementId, clientId: null, caseId }),
    ]);
    const theirs = await due(asMothersCounselor).expect(200);
    expect((theirs.body as { data: unknown[] }).data).toEqual([]);
  });

  it('counts the case goal and its open major violation for the case team on the team dashboard', async () => {
    const response = await http()
      .get('/api/v1/dashboard/team')
      .set('Authorization', asAdmin)
      .expect(200);
    const team = (
      response.body as {
        team: { counselorId: string; goalsNeedingAttention: number; openMajorViolations: number }[];
      }
    ).team;
    const row = (id: string) => team.find((member) => member.counselorId === id);
    expect(row(coTherapistId)).toMatchObject({ goalsNeedingAttention: 1, openMajorViolations: 1 });
    expect(row(mothersCounselorId)).toMatchObject({
      goalsNeedingAttention: 0,
      openMajorViolations: 0,
    });
  });

  it('costs the dashboard no statement more for another case goal needing attention', async () => {
    const read = () => dashboardOf(asCoTherapist);
    const before = await countQueries(read);
    await http()
      .post(`/api/v1/cases/${caseId}/trust-goals`)
      .set('Authorization', asPrimary)
      .send({
        parties,
        strategy: 'open_and_honest_communication',
        description: 'They talk before deciding.',
        baselineRating: 2,
        targetRating: 6,
        startDate: daysAgo(40).toISOString().slice(0, 10),
        lifecycleStatus: 'active',
      })
      .expect(201);
    const after = await countQueries(read);
    expect(after.result.goalsNeedingAttention).toHaveLength(2);
    expect(after.statements).toBe(before.statements);
  });
});
