import request from 'supertest';
import { openOkaforCase } from '../factories/family-case.factory';
import { startTestApp, type TestApp } from '../setup/test-app';

interface Problem {
  type: string;
  errors?: { field: string }[];
}

/**
 * What a case's goal and agreement carry: commitments, milestones, setbacks, the timeline and
 * violations, held by the case (no chart), among persons of the case, reached by its care team.
 */
describe('cases: the records under a goal and an agreement a case holds', () => {
  let testApp: TestApp;
  let asPrimary: string;
  let asCoTherapist: string;
  let asOutsider: string;
  let caseId: string;
  let person: Record<string, string>;
  const http = () => request(testApp.app.getHttpServer());
  const asPerson = (name: string) => ({ party: 'person', personId: person[name] });
  const hoursAgo = (hours: number) => new Date(Date.now() - hours * 3_600_000).toISOString();

  beforeAll(async () => {
    testApp = await startTestApp();
    ({ asPrimary, asCoTherapist, asOutsider, caseId, person } = await openOkaforCase(testApp, [
      { relationship: 'sibling', firstName: 'Chidi', caseRole: 'sibling' },
    ]));
  });
  afterAll(() => testApp.close());

  it('plans and follows a case goal: commitments, milestones, setbacks, its timeline', async () => {
    const created = await http()
      .post(`/api/v1/cases/${caseId}/trust-goals`)
      .set('Authorization', asPrimary)
      .send({
        parties: [asPerson('Maya'), asPerson('Grace')],
        strategy: 'consistency_and_reliability',
        description: 'Maya and Grace keep their Sunday call.',
        baselineRating: 3,
        targetRating: 7,
        lifecycleStatus: 'active',
      })
      .expect(201);
    const goal = `/api/v1/cases/${caseId}/trust-goals/${(created.body as { id: string }).id}`;

    const commitment = await http()
      .post(`${goal}/commitments`)
      .set('Authorization', asCoTherapist)
      .send({ owner: asPerson('Maya'), description: 'Call every Sunday', cadence: 'weekly' })
      .expect(201);
    const commitmentId = (commitment.body as { id: string }).id;
    expect((commitment.body as { owner: object }).owner).toEqual({
      party: 'person',
      familyMemberId: null,
      personId: person.Maya,
    });
    // Chidi is a person of the case but not a party of this goal; a family-member party is refused.
    const notAParty = await http()
      .post(`${goal}/commitments`)
      .set('Authorization', asCoTherapist)
      .send({ owner: asPerson('Chidi'), description: 'Drive her', cadence: 'weekly' })
      .expect(422);
    expect((notAParty.body as Problem).errors).toEqual([
      expect.objectContaining({ field: 'owner.personId' }),
    ]);
    await http()
      .post(`${goal}/commitments`)
      .set('Authorization', asCoTherapist)
      .send({ owner: { party: 'client' }, description: 'Call', cadence: 'weekly' })
      .expect(422);
    await http()
      .post(`${goal}/commitments/${commitmentId}/pause`)
      .set('Authorization', asCoTherapist)
      .expect(200);
    const resumed = await http()
      .post(`${goal}/commitments/${commitmentId}/resume`)
      .set('Authorization', asCoTherapist)
      .expect(200);
    expect((resumed.body as { status: string }).status).toBe('active');

    const milestone = await http()
      .post(`${goal}/milestones`)
      .set('Authorization', asCoTherapist)
      .send({ title: 'Four Sunday calls in a row' })
      .expect(201);
    await http()
      .post(`${goal}/milestones/${(milestone.body as { id: string }).id}/reach`)
      .set('Authorization', asCoTherapist)
      .send({ reachedAt: hoursAgo(1), celebrationNote: 'Four in a row.' })
      .expect(200);
    await http()
      .post(`${goal}/check-ins`)
      .set('Authorization', asCoTherapist)
      .send({ occurredAt: hoursAgo(3), ratings: [{ ...asPerson('Grace'), rating: 5 }] })
      .expect(201);
    await http()
      .post(`${goal}/setbacks`)
      .set('Authorization', asCoTherapist)
      .send({
        kind: 'broken_commitment',
        severity: 'minor',
        occurredAt: hoursAgo(2),
        description: 'Missed one call.',
        responsePlan: 'Set a reminder.',
        commitmentId,
      })
      .expect(201);

    const timeline = await http()
      .get(`${goal}/timeline`)
      .set('Authorization', asCoTherapist)
      .expect(200);
    const body = timeline.body as {
      events: { type: string }[];
      ratingSeries: { personId?: string; points: { rating: number }[] }[];
    };
    expect(body.events.map((e) => e.type)).toEqual(['check_in', 'setback', 'milestone']);
    expect(body.ratingSeries).toEqual([
      expect.objectContaining({ party: 'person', personId: person.Maya, points: [] }),
      expect.objectContaining({
        personId: person.Grace,
        points: [expect.objectContaining({ rating: 5 })],
      }),
    ]);
    const read = await http().get(goal).set('Authorization', asCoTherapist).expect(200);
    expect((read.body as { commitments: { owner: object }[] }).commitments).toEqual([
      expect.objectContaining({ owner: expect.objectContaining({ personId: person.Maya }) }),
    ]);

    const [rows] = await testApp.dataSource.query<{ n: number }[]>(
      `SELECT (SELECT count(*) FROM goal_commitments WHERE case_id = $1 AND client_id IS NULL)
            + (SELECT count(*) FROM goal_milestones WHERE case_id = $1 AND client_id IS NULL)
            + (SELECT count(*) FROM goal_setbacks WHERE case_id = $1 AND client_id IS NULL) AS n`,
      [caseId],
    );
    expect(Number(rows!.n)).toBe(3);
    const [events] = await testApp.dataSource.query<{ n: number }[]>(
      `SELECT count(*)::int AS n FROM audit_events
        WHERE resource_type IN ('goal_commitment', 'goal_milestone', 'goal_setback') AND client_id IS NULL
          AND metadata->>'caseId' = $1`,
      [caseId],
    );
    expect(events!.n).toBe(6);

    for (const path of [`${goal}/timeline`]) {
      await http().get(path).set('Authorization', asOutsider).expect(404);
    }
    await http()
      .post(`${goal}/milestones`)
      .set('Authorization', asOutsider)
      .send({ title: 'Not mine' })
      .expect(404);
  });

  it('logs, lists and resolves a violation of a case agreement, reported by a person of it', async () => {
    const agreements = `/api/v1/cases/${caseId}/boundary-agreements`;
    const created = await http()
      .post(agreements)
      .set('Authorization', asPrimary)
      .send({
        title: 'Evenings',
        parties: [asPerson('Maya'), asPerson('Grace'), asPerson('Chidi')],
        items: [
          {
            category: 'time',
            setBy: asPerson('Grace'),
            boundary: 'No phone calls after 10 pm.',
            expectation: 'Text instead, unless it is an emergency.',
            responseIfCrossed: 'We talk about it at the next session.',
          },
        ],
      })
      .expect(201);
    const agreement = created.body as { id: string; items: { id: string }[] };
    const one = `${agreements}/${agreement.id}`;
    await http()
      .post(`${one}/status`)
      .set('Authorization', asPrimary)
      .send({ status: 'proposed' })
      .expect(200);
    for (const name of ['Maya', 'Grace', 'Chidi']) {
      await http()
        .post(`${one}/acknowledgments`)
        .set('Authorization', asPrimary)
        .send({ party: asPerson(name), method: 'in_session' })
        .expect(201);
    }
    await http()
      .post(`${one}/status`)
      .set('Authorization', asPrimary)
      .send({ status: 'active' })
      .expect(200);
    const report = {
      itemId: agreement.items[0]!.id,
      occurredAt: hoursAgo(5),
      severity: 'minor',
      description: 'Called late after a hard day.',
    };
    const refused = await http()
      .post(`${one}/violations`)
      .set('Authorization', asCoTherapist)
      .send({ ...report, reportedBy: { party: 'client' } })
      .expect(422);
    expect((refused.body as Problem).errors).toEqual([
      expect.objectContaining({ field: 'reportedBy' }),
    ]);
    const logged = await http()
      .post(`${one}/violations`)
      .set('Authorization', asCoTherapist)
      .send({ ...report, reportedBy: asPerson('Chidi') })
      .expect(201);
    const violation = logged.body as { id: string; reportedBy: object };
    expect(violation.reportedBy).toEqual({
      party: 'person',
      familyMemberId: null,
      personId: person.Chidi,
    });
    const list = await http()
      .get(`${one}/violations`)
      .set('Authorization', asCoTherapist)
      .expect(200);
    expect((list.body as { data: { id: string }[] }).data.map((v) => v.id)).toEqual([violation.id]);
    const resolved = await http()
      .post(`${one}/violations/${violation.id}/resolve`)
      .set('Authorization', asCoTherapist)
      .expect(200);
    expect((resolved.body as { resolvedAt: string | null }).resolvedAt).not.toBeNull();
    await http().get(`${one}/violations`).set('Authorization', asOutsider).expect(404);

    const [row] = await testApp.dataSource.query<{ client_id: string | null; case_id: string }[]>(
      `SELECT client_id, case_id FROM boundary_violations WHERE id = $1`,
      [violation.id],
    );
    expect(row).toEqual({ client_id: null, case_id: caseId });
    const [events] = await testApp.dataSource.query<{ n: number }[]>(
      `SELECT count(*)::int AS n FROM audit_events
        WHERE resource_type = 'boundary_violation' AND client_id IS NULL AND metadata->>'caseId' = $1`,
      [caseId],
    );
    expect(events!.n).toBe(3);
  });
});
