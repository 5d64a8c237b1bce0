import request from 'supertest';
import { addFamilyMember, createClient } from '../factories/client.factory';
import { createStaff, createTeam, type TestStaff } from '../factories/staff.factory';
import { bearer, tokenFor } from '../setup/auth';
import { startTestApp, type TestApp } from '../setup/test-app';

/**
 * A mother and a daughter, both clients with their own counselors, in one family case. The joint
 * session's one signed note shows in both charts; the daughter's individual session stays with her
 * own care team, out of reach of the mother's counselor who is only on the family case.
 */
describe('cases: joint sessions', () => {
  let testApp: TestApp;
  let team: Awaited<ReturnType<typeof createTeam>>;
  let motherCounselor: TestStaff;
  let asDaughters: string;
  let asMothers: string;
  const http = () => request(testApp.app.getHttpServer());
  const hoursAgo = (h: number) => new Date(Date.now() - h * 3_600_000).toISOString();

  beforeAll(async () => {
    testApp = await startTestApp();
    team = await createTeam(testApp.dataSource);
    motherCounselor = await createStaff(testApp.dataSource, {
      practiceId: team.practice.id,
      role: 'counselor',
    });
    asDaughters = bearer(await tokenFor(testApp.app, team.counselor));
    asMothers = bearer(await tokenFor(testApp.app, motherCounselor));
  });
  afterAll(() => testApp.close());

  async function session(auth: string, body: object): Promise<string> {
    const created = await http()
      .post('/api/v1/therapy-sessions')
      .set('Authorization', auth)
      .send({ modality: 'family', setting: 'in_person', ...body })
      .expect(201);
    return (created.body as { id: string }).id;
  }

  async function signedNote(sessionId: string, text: string): Promise<string> {
    const note = `/api/v1/therapy-sessions/${sessionId}/note`;
    const created = await http()
      .post(note)
      .set('Authorization', asDaughters)
      .send({ format: 'free', content: { text }, riskLevel: 'none' })
      .expect(201);
    await http().post(`${note}/sign`).set('Authorization', asDaughters).expect(200);
    return (created.body as { id: string }).id;
  }

  it('shows one signed joint note in both charts, keeps individual notes apart, and counts attendance', async () => {
    const practiceId = team.practice.id;
    const daughter = await createClient(testApp.dataSource, {
      practiceId,
      primaryCounselorId: team.counselor.id,
      firstName: 'Maya',
      lastName: 'Okafor',
    });
    const mother = await createClient(testApp.dataSource, {
      practiceId,
      primaryCounselorId: motherCounselor.id,
      firstName: 'Grace',
      lastName: 'Okafor',
    });
    const father = await addFamilyMember(testApp.dataSource, daughter, 'father', 'Emeka');

    const opened = await http()
      .post('/api/v1/cases')
      .set('Authorization', asDaughters)
      .send({
        type: 'family',
        label: 'Okafor family',
        careTeam: [{ staffId: motherCounselor.id, role: 'co_therapist' }],
      })
      .expect(201);
    const caseId = (opened.body as { id: string }).id;
    const members = `/api/v1/cases/${caseId}/members`;
    await http()
      .post(members)
      .set('Authorization', asDaughters)
      .send({ clientId: daughter.id, role: 'identified_client' })
      .expect(201);
    // Only the mother's counselor reaches her chart, so she is the one who adds her.
    await http()
      .post(members)
      .set('Authorization', asDaughters)
      .send({ clientId: mother.id, role: 'parent' })
      .expect(404);
    await http()
      .post(members)
      .set('Authorization', asMothers)
      .send({ clientId: mother.id, role: 'parent' })
      .expect(201);
    await http()
      .post(members)
      .set('Authorization', asDaughters)
      .send({ familyMemberId: father, role: 'parent', participation: 'invited' })
      .expect(201);
    const listed = await http().get(members).set('Authorization', asMothers).expect(200);
    const person = Object.fromEntries(
      (listed.body as { data: { personId: string; firstName: string }[] }).data.map((m) => [
        m.firstName,
        m.personId,
      ]),
    );

    const joint = await session(asDaughters, {
      clientId: daughter.id,
      caseId,
      startsAt: hoursAgo(30),
      endsAt: hoursAgo(29),
    });
    await http()
      .post(`/api/v1/therapy-sessions/${joint}/complete`)
      .set('Authorization', asDaughters)
      .send({
        attendees: [{ party: 'client' }, { party: 'family_member', familyMemberId: father }],
        caseAttendees: [
          { personId: person.Maya, attendance: 'attended' },
          { personId: person.Grace, attendance: 'attended' },
          { personId: person.Emeka, attendance: 'late' },
        ],
        otherAttendees: [
          { name: 'Court interpreter', role: 'interpreter', attendance: 'attended' },
        ],
      })
      .expect(200);
    const jointNote = await signedNote(
      joint,
      'Family session: the three of them and an interpreter.',
    );

    const second = await session(asDaughters, {
      clientId: daughter.id,
      caseId,
      startsAt: hoursAgo(6),
      endsAt: hoursAgo(5),
    });
    await http()
      .post(`/api/v1/therapy-sessions/${second}/complete`)
      .set('Authorization', asDaughters)
      .send({
        attendees: [{ party: 'client' }],
        caseAttendees: [
          { personId: person.Maya, attendance: 'attended' },
          { personId: person.Grace, attendance: 'absent' },
        ],
      })
      .expect(200);
    // Someone outside the case cannot be recorded as its attendee.
    const stranger = await session(asDaughters, {
      clientId: daughter.id,
      caseId,
      startsAt: hoursAgo(10),
      endsAt: hoursAgo(9),
    });
    const refused = await http()
      .post(`/api/v1/therapy-sessions/${stranger}/complete`)
      .set('Authorization', asDaughters)
      .send({
        attendees: [{ party: 'client' }],
        caseAttendees: [{ personId: daughter.practiceId, attendance: 'attended' }],
      })
      .expect(422);
    expect(refused.body).toMatchObject({ errors: [{ field: 'caseAttendees[0].personId' }] });

    const individual = await session(asDaughters, {
      clientId: daughter.id,
      modality: 'individual',
      startsAt: hoursAgo(50),
      endsAt: hoursAgo(49),
    });
    await http()
      .post(`/api/v1/therapy-sessions/${individual}/complete`)
      .set('Authorization', asDaughters)
      .send({ attendees: [{ party: 'client' }] })
      .expect(200);
    const individualNote = await signedNote(individual, 'Individual work on cravings.');

    const chart = async (auth: string, clientId: string) =>
      (
        (
          await http()
            .get(`/api/v1/clients/${clientId}/session-notes`)
            .set('Authorization', auth)
            .expect(200)
        ).body as { data: { id: string; status: string; sessionId: string }[] }
      ).data;
    // The mother's chart shows the joint note, signed, and nothing of the daughter's own sessions.
    expect(await chart(asMothers, mother.id)).toEqual([
      expect.objectContaining({ id: jointNote, status: 'signed', sessionId: joint }),
    ]);
    // The daughter's chart shows the same note (one note, not a copy) and her individual one.
    expect((await chart(asDaughters, daughter.id)).map((n) => n.id)).toEqual([
      jointNote,
      individualNote,
    ]);

    // Her summary shows the case and the joint note: the case type and the initials of who came
    // (the father was recorded without a last name).
    const summary = await http()
      .get(`/api/v1/clients/${mother.id}/summary`)
      .set('Authorization', asMothers)
      .expect(200);
    expect(summary.body.cases).toEqual([
      expect.objectContaining({ id: caseId, type: 'family', role: 'parent' }),
    ]);
    expect(summary.body.recentNotes).toEqual([
      expect.objectContaining({ id: jointNote, caseType: 'family', status: 'signed' }),
    ]);
    expect([...summary.body.recentNotes[0].attendeeInitials].sort()).toEqual(['E', 'GO', 'MO']);

    // The mother's counselor, only on the family case: the joint session's note, not the daughter's chart.
    await http()
      .get(`/api/v1/therapy-sessions/${joint}/note`)
      .set('Authorization', asMothers)
      .expect(200);
    await http()
      .get(`/api/v1/therapy-sessions/${individual}/note`)
      .set('Authorization', asMothers)
      .expect(404);
    await http()
      .get(`/api/v1/therapy-sessions/${individual}`)
      .set('Authorization', asMothers)
      .expect(404);
    await http()
      .get(`/api/v1/clients/${daughter.id}/session-notes`)
      .set('Authorization', asMothers)
      .expect(404);
    await http().get(`/api/v1/clients/${daughter.id}`).set('Authorization', asMothers).expect(404);

    const attendance = await http()
      .get(`/api/v1/cases/${caseId}/attendance`)
      .set('Authorization', asMothers)
      .expect(200);
    expect(attendance.body.members).toEqual([
      expect.objectContaining({
        personId: person.Maya,
        clientId: daughter.id,
        sessions: 2,
        attended: 2,
        rate: 1,
      }),
      expect.objectContaining({
        personId: person.Grace,
        clientId: mother.id,
        sessions: 2,
        attended: 1,
        absent: 1,
        rate: 0.5,
      }),
      expect.objectContaining({
        personId: person.Emeka,
        clientId: null,
        sessions: 2,
        attended: 1,
        late: 1,
        rate: 0.5,
      }),
    ]);
    expect(attendance.body.sessions).toEqual([
      expect.objectContaining({
        sessionId: joint,
        otherAttendees: [
          { name: 'Court interpreter', role: 'interpreter', attendance: 'attended' },
        ],
      }),
      expect.objectContaining({ sessionId: second, otherAttendees: [] }),
    ]);
  });
});
