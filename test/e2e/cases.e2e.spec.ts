import request from 'supertest';
import { createAgreement } from '../factories/boundary-agreement.factory';
import { addFamilyMember, createClient, type TestClient } from '../factories/client.factory';
import { createSession } from '../factories/session.factory';
import { createTeam, createStaff, type TestStaff } from '../factories/staff.factory';
import { createGoal } from '../factories/trust-goal.factory';
import { bearer, tokenFor } from '../setup/auth';
import { startTestApp, type TestApp } from '../setup/test-app';

interface Member {
  personId: string;
  clientId: string | null;
  firstName: string;
  role: string;
  participation: string;
}

describe('cases: the family as the unit of care', () => {
  let testApp: TestApp;
  let team: Awaited<ReturnType<typeof createTeam>>;
  let other: TestStaff;
  let counselor: string;
  let otherAuth: string;

  beforeAll(async () => {
    testApp = await startTestApp();
    team = await createTeam(testApp.dataSource);
    other = await createStaff(testApp.dataSource, {
      practiceId: team.practice.id,
      role: 'counselor',
    });
    counselor = bearer(await tokenFor(testApp.app, team.counselor));
    otherAuth = bearer(await tokenFor(testApp.app, other));
  });
  afterAll(() => testApp.close());

  const api = () => request(testApp.app.getHttpServer());

  async function openCase(
    label = 'Okafor',
    type = 'family',
  ): Promise<{ id: string; etag: string }> {
    const response = await api()
      .post('/api/v1/cases')
      .set('Authorization', counselor)
      .send({ type, label, presentingReason: 'Recovery and family trust', openedOn: '2026-03-01' })
      .expect(201);
    return { id: (response.body as { id: string }).id, etag: response.headers.etag as string };
  }

  async function client(firstName: string, lastName = 'Okafor'): Promise<TestClient> {
    return createClient(testApp.dataSource, {
      practiceId: team.practice.id,
      primaryCounselorId: team.counselor.id,
      firstName,
      lastName,
    });
  }

  it('opens, reads, updates with If-Match, and moves a case through its statuses', async () => {
    const opened = await openCase();
    const read = await api()
      .get(`/api/v1/cases/${opened.id}`)
      .set('Authorization', counselor)
      .expect(200);
    expect(read.body).toMatchObject({
      type: 'family',
      label: 'Okafor',
      status: 'open',
      openedOn: '2026-03-01',
    });
    expect(read.headers.etag).toBe(opened.etag);

    await api()
      .patch(`/api/v1/cases/${opened.id}`)
      .set('Authorization', counselor)
      .set('If-Match', '"stale.0"')
      .send({ label: 'Okafor family' })
      .expect(412);
    const updated = await api()
      .patch(`/api/v1/cases/${opened.id}`)
      .set('Authorization', counselor)
      .set('If-Match', opened.etag)
      .send({ label: 'Okafor family' })
      .expect(200);
    expect(updated.body).toMatchObject({ label: 'Okafor family', version: 2 });

    const status = (body: object) =>
      api().post(`/api/v1/cases/${opened.id}/status`).set('Authorization', counselor).send(body);
    const incomplete = await status({ status: 'closed' }).expect(422);
    expect(incomplete.body).toMatchObject({
      type: 'urn:family-therapy:problem:case-close-incomplete',
    });
    await status({ status: 'on_hold' }).expect(200);
    await status({ status: 'open' }).expect(200);
    const closed = await status({
      status: 'closed',
      reason: 'Goals met',
      closedOn: '2026-06-01',
    }).expect(200);
    expect(closed.body).toMatchObject({
      status: 'closed',
      closeReason: 'Goals met',
      closedOn: '2026-06-01',
    });
    const refused = await status({ status: 'on_hold' }).expect(409);
    expect(refused.body).toMatchObject({
      type: 'urn:family-therapy:problem:invalid-case-transition',
      allowedStatuses: ['open'],
    });
    const reopened = await status({ status: 'open' }).expect(200);
    expect(reopened.body).toMatchObject({ status: 'open', closeReason: null, closedOn: null });
  });

  it('lists only reachable cases, by status, type, counselor and member name prefix', async () => {
    const family = await openCase('Adeyemi', 'family');
    const couple = await openCase('Brandt', 'couple');
    const daughter = await client('Zainab', 'Adeyemi');
    await api()
      .post(`/api/v1/cases/${family.id}/members`)
      .set('Authorization', counselor)
      .send({ clientId: daughter.id, role: 'identified_client' })
      .expect(201);
    const ids = async (query: string, auth = counselor) =>
      (
        (await api().get(`/api/v1/cases?${query}`).set('Authorization', auth).expect(200)).body as {
          data: { id: string }[];
        }
      ).data.map((row) => row.id);

    expect(await ids('type=couple')).toEqual(expect.arrayContaining([couple.id]));
    expect(await ids('type=couple')).not.toContain(family.id);
    expect(await ids('memberName=zai')).toEqual([family.id]);
    expect(await ids(`counselorId=${team.counselor.id}&type=family`)).toContain(family.id);
    expect(await ids('limit=100', otherAuth)).toEqual([]);
    await api().get(`/api/v1/cases/${family.id}`).set('Authorization', otherAuth).expect(404);

    await api()
      .post(`/api/v1/cases/${couple.id}/entered-in-error`)
      .set('Authorization', counselor)
      .send({ reason: 'Opened twice' })
      .expect(200);
    expect(await ids('type=couple&limit=100')).not.toContain(couple.id);
  });

  it('adds clients, family members and new persons; a person can be in several cases', async () => {
    const familyCase = await openCase('Okafor', 'family');
    const ownCase = await openCase('Okafor', 'individual');
    const maya = await client('Maya');
    const brother = await addFamilyMember(testApp.dataSource, maya, 'sibling', 'Tunde');
    const add = (caseId: string, body: object) =>
      api().post(`/api/v1/cases/${caseId}/members`).set('Authorization', counselor).send(body);

    await add(familyCase.id, { clientId: maya.id, role: 'identified_client' }).expect(201);
    await add(familyCase.id, {
      familyMemberId: brother,
      role: 'sibling',
      participation: 'invited',
    }).expect(201);
    await add(familyCase.id, {
      newPerson: { firstName: 'Auntie', lastName: 'Okafor' },
      role: 'support_person',
    }).expect(201);
    const twice = await add(familyCase.id, { clientId: maya.id, role: 'child' }).expect(409);
    expect(twice.body).toMatchObject({ type: 'urn:family-therapy:problem:already-case-member' });
    const both = await add(familyCase.id, {
      clientId: maya.id,
      familyMemberId: brother,
      role: 'child',
    }).expect(422);
    expect(both.body).toMatchObject({ type: 'urn:family-therapy:problem:case-member-incomplete' });
    await add(ownCase.id, { clientId: maya.id, role: 'identified_client' }).expect(201);

    const members = (
      await api()
        .get(`/api/v1/cases/${familyCase.id}/members`)
        .set('Authorization', counselor)
        .expect(200)
    ).body as { data: Member[] };
    expect(members.data).toEqual([
      expect.objectContaining({
        clientId: maya.id,
        firstName: 'Maya',
        role: 'identified_client',
        participation: 'participating',
      }),
      expect.objectContaining({
        clientId: null,
        firstName: 'Tunde',
        role: 'sibling',
        participation: 'invited',
      }),
      expect.objectContaining({ clientId: null, firstName: 'Auntie', role: 'support_person' }),
    ]);
    const own = (
      await api()
        .get(`/api/v1/cases/${ownCase.id}/members`)
        .set('Authorization', counselor)
        .expect(200)
    ).body as { data: Member[] };
    expect(own.data[0]!.personId).toBe(members.data[0]!.personId);

    // A client out of the caller's reach cannot be added: it "does not exist".
    const stranger = await createClient(testApp.dataSource, {
      practiceId: team.practice.id,
      primaryCounselorId: other.id,
    });
    await add(familyCase.id, { clientId: stranger.id, role: 'parent' }).expect(404);
  });

  it('makes a family member a client keeping the same person in goals, agreements and sessions', async () => {
    const daughter = await client('Ada');
    const mother = await addFamilyMember(testApp.dataSource, daughter, 'mother', 'Grace');
    const goal = await createGoal(testApp.dataSource, daughter, mother);
    const agreement = await createAgreement(testApp.dataSource, daughter, team.counselor.id, {
      parties: [null, mother],
    });
    const session = await createSession(testApp.dataSource, daughter, team.counselor.id, {
      startsAt: '2026-02-02T10:00:00Z',
      status: 'completed',
    });
    await testApp.dataSource.query(
      `INSERT INTO session_attendees (practice_id, session_id, client_id, family_member_id) VALUES ($1, $2, $3, $4)`,
      [team.practice.id, session, daughter.id, mother],
    );
    const kase = await openCase('Okafor', 'parent_child');
    await api()
      .post(`/api/v1/cases/${kase.id}/members`)
      .set('Authorization', counselor)
      .send({ familyMemberId: mother, role: 'parent' })
      .expect(201);
    const references = () =>
      testApp.dataSource.query(
        `SELECT (SELECT person_id FROM family_members WHERE id = $1) AS person,
                (SELECT party_b_family_member_id FROM trust_goals WHERE id = $2) AS goal_party,
                (SELECT array_agg(family_member_id) FROM boundary_agreement_parties WHERE agreement_id = $3
                   AND family_member_id IS NOT NULL) AS agreement_parties,
                (SELECT array_agg(family_member_id) FROM session_attendees WHERE session_id = $4
                   AND family_member_id IS NOT NULL) AS attendees`,
        [mother, goal.id, agreement.id, session],
      );
    const [before] = (await references()) as [{ person: string }];

    const promoted = await api()
      .post(`/api/v1/cases/${kase.id}/members/${before.person}/client`)
      .set('Authorization', counselor)
      .send({ dateOfBirth: '1968-04-02', lastName: 'Okafor' })
      .expect(201);
    const clientId = (promoted.body as { id: string; clientNumber: string }).id;
    expect(promoted.body).toMatchObject({
      firstName: 'Grace',
      clientNumber: expect.stringMatching(/^C-\d+$/),
    });
    expect(await references()).toEqual([before]);
    const [chart] = await testApp.dataSource.query<{ person_id: string }[]>(
      `SELECT person_id FROM clients WHERE id = $1`,
      [clientId],
    );
    expect(chart!.person_id).toBe(before.person);
    const members = (
      await api()
        .get(`/api/v1/cases/${kase.id}/members`)
        .set('Authorization', counselor)
        .expect(200)
    ).body as { data: Member[] };
    expect(members.data).toEqual([
      expect.objectContaining({ personId: before.person, clientId, role: 'parent' }),
    ]);
    // Her own chart has its care team: the promoting counselor reads it.
    await api().get(`/api/v1/clients/${clientId}`).set('Authorization', counselor).expect(200);
    const again = await api()
      .post(`/api/v1/cases/${kase.id}/members/${before.person}/client`)
      .set('Authorization', counselor)
      .send({ dateOfBirth: '1968-04-02' })
      .expect(409);
    expect(again.body).toMatchObject({ type: 'urn:family-therapy:problem:already-a-client' });
  });
});
