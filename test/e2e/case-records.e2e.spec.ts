import request from 'supertest';
import { openOkaforCase } from '../factories/family-case.factory';
import { countQueries } from '../setup/query-counter';
import { startTestApp, type TestApp } from '../setup/test-app';

interface Problem {
  type: string;
  errors?: { field: string }[];
}

/**
 * A family case holds a goal and an agreement between the mother (a client) and the father (a
 * family member recorded in the daughter's chart, not in the mother's). The co-therapist on the
 * case alone reaches them; a counselor on no care team does not.
 */
describe('cases: agreements and goals a case holds', () => {
  let testApp: TestApp;
  let asPrimary: string;
  let asCoTherapist: string;
  let asOutsider: string;
  let caseId: string;
  let motherId: string;
  let daughterId: string;
  let person: Record<string, string>;
  const http = () => request(testApp.app.getHttpServer());
  const count = async (table: string): Promise<number> => {
    const [row] = await testApp.dataSource.query<{ n: number }[]>(
      `SELECT count(*)::int AS n FROM ${table} WHERE case_id = $1 AND client_id IS NULL`,
      [caseId],
    );
    return row!.n;
  };

  beforeAll(async () => {
    testApp = await startTestApp();
    const family = await openOkaforCase(testApp, [
      { relationship: 'father', firstName: 'Emeka', caseRole: 'parent' },
      // In the daughter's chart but never added to the case.
      { relationship: 'grandparent', firstName: 'Ada' },
    ]);
    ({ asPrimary, asCoTherapist, asOutsider, caseId, person } = family);
    motherId = family.mother.id;
    daughterId = family.daughter.id;
  });
  afterAll(() => testApp.close());

  const asPerson = (name: string) => ({ party: 'person', personId: person[name] });

  it('holds a goal between the mother and the father, read and checked in by the co-therapist', async () => {
    const goals = `/api/v1/cases/${caseId}/trust-goals`;
    const created = await http()
      .post(goals)
      .set('Authorization', asPrimary)
      .send({
        parties: [asPerson('Grace'), asPerson('Emeka')],
        strategy: 'consistency_and_reliability',
        description: 'Grace and Emeka keep the pick-up times they agree on.',
        baselineRating: 3,
        targetRating: 7,
        lifecycleStatus: 'active',
      })
      .expect(201);
    const goal = created.body as { id: string; clientId: null; caseId: string; parties: object[] };
    expect(created.headers.location).toBe(`/api/v1/cases/${caseId}/trust-goals/${goal.id}`);
    expect(goal).toMatchObject({ clientId: null, caseId });
    expect(goal.parties).toEqual([
      { party: 'person', familyMemberId: null, personId: person.Grace },
      { party: 'person', familyMemberId: null, personId: person.Emeka },
    ]);

    const list = await http().get(goals).set('Authorization', asCoTherapist).expect(200);
    expect((list.body as { data: { id: string }[] }).data.map((g) => g.id)).toEqual([goal.id]);
    const checkIn = await http()
      .post(`${goals}/${goal.id}/check-ins`)
      .set('Authorization', asCoTherapist)
      .send({
        occurredAt: new Date(Date.now() - 3_600_000).toISOString(),
        ratings: [
          { ...asPerson('Grace'), rating: 5 },
          { ...asPerson('Emeka'), rating: 6 },
        ],
      })
      .expect(201);
    expect((checkIn.body as { ratings: object[] }).ratings).toEqual([
      expect.objectContaining({ party: 'person', rating: expect.any(Number) }),
      expect.objectContaining({ party: 'person', rating: expect.any(Number) }),
    ]);
    const read = await http()
      .get(`${goals}/${goal.id}`)
      .set('Authorization', asCoTherapist)
      .expect(200);
    const derived = (read.body as { derived: { checkInCount: number; parties: object[] } }).derived;
    expect(derived.checkInCount).toBe(1);
    expect(derived.parties).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ personId: person.Emeka, currentRating: 6 }),
      ]),
    );

    // The daughter is in the case but not a party of this goal.
    const notAParty = await http()
      .post(`${goals}/${goal.id}/check-ins`)
      .set('Authorization', asCoTherapist)
      .send({ occurredAt: new Date().toISOString(), ratings: [{ ...asPerson('Maya'), rating: 4 }] })
      .expect(422);
    expect((notAParty.body as Problem).errors).toEqual([
      expect.objectContaining({ field: 'ratings[0].personId' }),
    ]);

    const status = await http()
      .post(`${goals}/${goal.id}/status`)
      .set('Authorization', asCoTherapist)
      .send({ lifecycleStatus: 'on_hold', reason: 'Summer break' })
      .expect(200);
    expect((status.body as { lifecycleStatus: string }).lifecycleStatus).toBe('on_hold');

    // Reaching the case does not open the mother's chart, nor does the case's goal show in it.
    await http()
      .get(`/api/v1/clients/${motherId}/trust-goals`)
      .set('Authorization', asCoTherapist)
      .expect(404);
    const chart = await http()
      .get(`/api/v1/clients/${motherId}/trust-goals`)
      .set('Authorization', asPrimary)
      .expect(200);
    expect((chart.body as { data: unknown[] }).data).toEqual([]);

    await http().get(goals).set('Authorization', asOutsider).expect(404);
    await http().get(`${goals}/${goal.id}`).set('Authorization', asOutsider).expect(404);
    await http()
      .post(`${goals}/${goal.id}/check-ins`)
      .set('Authorization', asOutsider)
      .send({ occurredAt: new Date().toISOString() })
      .expect(404);

    const [events] = await testApp.dataSource.query<{ n: number }[]>(
      `SELECT count(*)::int AS n FROM audit_events
        WHERE resource_type IN ('trust_goal', 'goal_check_in') AND client_id IS NULL
          AND metadata->>'caseId' = $1 AND action IN ('create', 'list', 'read', 'status_change')`,
      [caseId],
    );
    expect(events!.n).toBeGreaterThanOrEqual(5);
  });

  it('keeps an agreement among persons of the case through versions and acknowledgments', async () => {
    const agreements = `/api/v1/cases/${caseId}/boundary-agreements`;
    const item = (setBy: string) => ({
      category: 'time',
      setBy: asPerson(setBy),
      boundary: 'Weekend plans are settled by Thursday evening.',
      expectation: 'Each parent texts the other the plan.',
      responseIfCrossed: 'The weekend stays as it was planned last.',
    });
    const created = await http()
      .post(agreements)
      .set('Authorization', asPrimary)
      .send({
        title: 'Weekend handovers',
        parties: [asPerson('Grace'), asPerson('Emeka')],
        items: [item('Emeka')],
      })
      .expect(201);
    const agreement = created.body as { id: string; clientId: null; items: { setBy: object }[] };
    expect(agreement.clientId).toBeNull();
    expect(agreement.items[0]!.setBy).toEqual({
      party: 'person',
      familyMemberId: null,
      personId: person.Emeka,
    });
    const one = `${agreements}/${agreement.id}`;
    await http()
      .post(`${one}/status`)
      .set('Authorization', asCoTherapist)
      .send({ status: 'proposed' })
      .expect(200);
    for (const name of ['Grace', 'Emeka']) {
      await http()
        .post(`${one}/acknowledgments`)
        .set('Authorization', asCoTherapist)
        .send({ party: asPerson(name), method: 'in_session' })
        .expect(201);
    }
    await http()
      .post(`${one}/status`)
      .set('Authorization', asCoTherapist)
      .send({ status: 'active' })
      .expect(200);
    const changed = await http()
      .patch(one)
      .set('Authorization', asCoTherapist)
      .send({ items: [item('Grace')] })
      .expect(200);
    expect(changed.body).toMatchObject({ currentVersion: 2, status: 'under_review' });
    const versions = await http()
      .get(`${one}/versions`)
      .set('Authorization', asCoTherapist)
      .expect(200);
    expect((versions.body as { data: unknown[] }).data).toHaveLength(2);
    const first = await http()
      .get(`${one}/versions/1`)
      .set('Authorization', asCoTherapist)
      .expect(200);
    expect((first.body as { acknowledgments: unknown[] }).acknowledgments).toHaveLength(2);

    const list = await http().get(agreements).set('Authorization', asCoTherapist).expect(200);
    expect((list.body as { data: { id: string }[] }).data.map((a) => a.id)).toEqual([agreement.id]);
    await http().get(agreements).set('Authorization', asOutsider).expect(404);
    await http().get(one).set('Authorization', asOutsider).expect(404);
  });

  it('refuses a party outside the case, naming the field, and writes nothing', async () => {
    const goalsBefore = await count('trust_goals');
    const agreementsBefore = await count('boundary_agreements');
    const goal = await http()
      .post(`/api/v1/cases/${caseId}/trust-goals`)
      .set('Authorization', asPrimary)
      .send({
        parties: [asPerson('Grace'), asPerson('Ada')],
        strategy: 'consistency_and_reliability',
        description: 'Ada is not a person of this case.',
        baselineRating: 3,
        targetRating: 7,
      })
      .expect(422);
    expect(goal.body as Problem).toMatchObject({
      type: 'urn:family-therapy:problem:party-not-of-case',
      errors: [expect.objectContaining({ field: 'parties[1].personId' })],
    });
    const agreement = await http()
      .post(`/api/v1/cases/${caseId}/boundary-agreements`)
      .set('Authorization', asPrimary)
      .send({
        title: 'With a stranger',
        parties: [asPerson('Grace'), { party: 'family_member', familyMemberId: person.Emeka }],
      })
      .expect(422);
    expect((agreement.body as Problem).errors).toEqual([
      expect.objectContaining({ field: 'parties[1].party' }),
    ]);
    expect(await count('trust_goals')).toBe(goalsBefore);
    expect(await count('boundary_agreements')).toBe(agreementsBefore);
  });
  it('sums the case up in a constant number of statements, audited', async () => {
    const at = (hours: number) => new Date(Date.now() + hours * 3_600_000).toISOString();
    for (const [from, to] of [
      [-30, -29],
      [48, 49],
    ]) {
      await http()
        .post('/api/v1/therapy-sessions')
        .set('Authorization', asPrimary)
        .send({
          clientId: daughterId,
          caseId,
          startsAt: at(from!),
          endsAt: at(to!),
          modality: 'family',
          setting: 'in_person',
        })
        .expect(201);
    }
    const path = `/api/v1/cases/${caseId}/summary`;
    const read = () => http().get(path).set('Authorization', asCoTherapist).expect(200);
    const first = await countQueries(read);
    const summary = first.result.body as {
      members: { personId: string; role: string }[];
      careTeam: { role: string }[];
      nextSession: { startsAt: string } | null;
      lastSession: { startsAt: string } | null;
      goals: { parties: { party: { personId: string }; currentRating: number | null }[] }[];
      agreements: { status: string; currentVersion: number }[];
    };
    expect(summary.members.map((m) => [m.personId, m.role])).toEqual(
      expect.arrayContaining([
        [person.Maya, 'identified_client'],
        [person.Grace, 'parent'],
        [person.Emeka, 'parent'],
      ]),
    );
    expect(summary.careTeam.map((m) => m.role).sort()).toEqual([
      'co_therapist',
      'primary_counselor',
    ]);
    expect(summary.nextSession).not.toBeNull();
    expect(summary.lastSession).not.toBeNull();
    expect(summary.goals).toHaveLength(1);
    expect(summary.goals[0]!.parties).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          party: expect.objectContaining({ personId: person.Emeka }),
          currentRating: 6,
        }),
      ]),
    );
    expect(summary.agreements).toEqual([
      expect.objectContaining({ status: 'under_review', currentVersion: 2 }),
    ]);

    // Another goal with check-ins costs the summary no statement more.
    const another = await http()
      .post(`/api/v1/cases/${caseId}/trust-goals`)
      .set('Authorization', asPrimary)
      .send({
        parties: [asPerson('Maya'), asPerson('Grace')],
        strategy: 'consistency_and_reliability',
        description: 'Maya and Grace keep their Sunday call.',
        baselineRating: 2,
        targetRating: 6,
        lifecycleStatus: 'active',
      })
      .expect(201);
    for (const hours of [-3, -2]) {
      await http()
        .post(
          `/api/v1/cases/${caseId}/trust-goals/${(another.body as { id: string }).id}/check-ins`,
        )
        .set('Authorization', asPrimary)
        .send({ occurredAt: at(hours), ratings: [{ ...asPerson('Maya'), rating: 4 }] })
        .expect(201);
    }
    const second = await countQueries(read);
    expect((second.result.body as { goals: unknown[] }).goals).toHaveLength(2);
    expect(second.statements).toBe(first.statements);

    await http().get(path).set('Authorization', asOutsider).expect(404);
    const [events] = await testApp.dataSource.query<{ n: number }[]>(
      `SELECT count(*)::int AS n FROM audit_events WHERE resource_type = 'case_summary' AND resource_id = $1`,
      [caseId],
    );
    expect(events!.n).toBe(2);
  });
});
