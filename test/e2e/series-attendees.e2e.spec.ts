import request from 'supertest';
import { createClient, type TestClient } from '../factories/client.factory';
import { createTeam } from '../factories/staff.factory';
import { bearer, tokenFor } from '../setup/auth';
import { startTestApp, type TestApp } from '../setup/test-app';

const DAY = 24 * 3_600_000;

/** Who is invited to a case's series, changed for all future occurrences at once. */
describe('therapy session series: change attendees', () => {
  let testApp: TestApp;
  let team: Awaited<ReturnType<typeof createTeam>>;
  let client: TestClient;
  let auth: string;
  const http = () => request(testApp.app.getHttpServer());

  beforeAll(async () => {
    testApp = await startTestApp();
    team = await createTeam(testApp.dataSource);
    client = await createClient(testApp.dataSource, {
      practiceId: team.practice.id,
      primaryCounselorId: team.counselor.id,
    });
    auth = bearer(await tokenFor(testApp.app, team.counselor));
  });
  afterAll(() => testApp.close());

  /** Per occurrence: its invited/recorded persons and other attendees, as sorted strings. */
  async function attendeesOf(ids: string[]): Promise<string[]> {
    const rows = await testApp.dataSource.query<{ people: string[]; others: string[] }[]>(
      `SELECT ARRAY(SELECT a.person_id || ':' || a.attendance FROM session_case_attendees a
                     WHERE a.session_id = s.id ORDER BY 1) AS people,
              ARRAY(SELECT o.role || ':' || o.name || ':' || o.attendance FROM session_other_attendees o
                     WHERE o.session_id = s.id ORDER BY 1) AS others
         FROM unnest($1::uuid[]) WITH ORDINALITY AS s(id, n) ORDER BY n`,
      [ids],
    );
    return rows.map((row) => [...row.people, ...row.others].join(' '));
  }

  it('sets the invited attendees of every scheduled future occurrence, in one step', async () => {
    const opened = await http()
      .post('/api/v1/cases')
      .set('Authorization', auth)
      .send({ type: 'family', label: 'Okafor' })
      .expect(201);
    const caseId = opened.body.id as string;
    const members = `/api/v1/cases/${caseId}/members`;
    const maya = (
      await http()
        .post(members)
        .set('Authorization', auth)
        .send({ clientId: client.id, role: 'identified_client' })
        .expect(201)
    ).body.personId as string;
    const brother = (
      await http()
        .post(members)
        .set('Authorization', auth)
        .send({ newPerson: { firstName: 'Emeka' }, role: 'sibling' })
        .expect(201)
    ).body.personId as string;

    // Weekly from two weeks ago: two past occurrences (one completed), three to come (one cancelled).
    // Two hours' margin: a daylight-saving change in the last two weeks shifts later occurrences by one.
    const start = new Date(
      Math.ceil((Date.now() - 14 * DAY + 2 * 3_600_000) / 3_600_000) * 3_600_000,
    );
    const created = await http()
      .post('/api/v1/therapy-sessions/series')
      .set('Authorization', auth)
      .send({
        clientId: client.id,
        caseId,
        modality: 'family',
        setting: 'in_person',
        startsAt: start.toISOString(),
        endsAt: new Date(start.getTime() + 50 * 60_000).toISOString(),
        recurrence: { frequency: 'weekly', count: 5 },
      })
      .expect(201);
    const seriesId = created.body.seriesId as string;
    const ids = (created.body.sessions as { id: string }[]).map((session) => session.id);
    await http()
      .post(`/api/v1/therapy-sessions/${ids[0]}/complete`)
      .set('Authorization', auth)
      .send({
        attendees: [{ party: 'client' }],
        caseAttendees: [{ personId: maya, attendance: 'attended' }],
      })
      .expect(200);
    await http()
      .post(`/api/v1/therapy-sessions/${ids[3]}/cancel`)
      .set('Authorization', auth)
      .send({ reason: 'Holiday week' })
      .expect(200);
    const change = (body: object) =>
      http()
        .post(`/api/v1/therapy-sessions/series/${seriesId}/attendees`)
        .set('Authorization', auth)
        .send({ from: new Date(start.getTime() - DAY).toISOString(), ...body });

    const first = await change({
      caseAttendees: [{ personId: maya }, { personId: brother }],
      otherAttendees: [{ name: ' Court interpreter ', role: 'interpreter' }],
    }).expect(200);
    expect((first.body.sessions as { id: string }[]).map((session) => session.id)).toEqual([
      ids[2],
      ids[4],
    ]);
    const invitedBoth = [`${maya}:invited`, `${brother}:invited`].sort().join(' ');
    const completed = `${maya}:attended`;
    expect(await attendeesOf(ids)).toEqual([
      completed,
      '',
      `${invitedBoth} interpreter:Court interpreter:invited`,
      '',
      `${invitedBoth} interpreter:Court interpreter:invited`,
    ]);

    // A second change replaces the first; a person not in the case refuses it whole.
    const stranger = await createClient(testApp.dataSource, {
      practiceId: team.practice.id,
      primaryCounselorId: team.counselor.id,
    });
    const [outsider] = await testApp.dataSource.query<{ person_id: string }[]>(
      `SELECT person_id FROM clients WHERE id = $1`,
      [stranger.id],
    );
    const refused = await change({
      caseAttendees: [{ personId: maya }, { personId: outsider!.person_id }],
      otherAttendees: [],
    }).expect(422);
    expect(refused.body).toMatchObject({
      type: 'urn:family-therapy:problem:not-in-session-case',
      errors: [{ field: 'caseAttendees[1].personId' }],
    });
    const afterFirst = await attendeesOf(ids);
    expect(afterFirst[2]).toContain('interpreter');

    await change({
      caseAttendees: [{ personId: maya }],
      otherAttendees: [{ name: 'Ms. Adeyemi', role: 'school_counselor' }],
    }).expect(200);
    const mayaWithCounselor = `${maya}:invited school_counselor:Ms. Adeyemi:invited`;
    expect(await attendeesOf(ids)).toEqual([
      completed,
      '',
      mayaWithCounselor,
      '',
      mayaWithCounselor,
    ]);
    const [audited] = await testApp.dataSource.query<{ n: number }[]>(
      `SELECT count(*)::int AS n FROM audit_events
        WHERE resource_type = 'therapy_session' AND action = 'update' AND metadata->>'seriesId' = $1
          AND metadata ? 'caseAttendees'`,
      [seriesId],
    );
    expect(audited!.n).toBe(4);
  });

  it('answers 400 for a malformed body and 404 for a series out of reach', async () => {
    const created = await http()
      .post('/api/v1/therapy-sessions/series')
      .set('Authorization', auth)
      .send({
        clientId: client.id,
        modality: 'individual',
        setting: 'in_person',
        startsAt: '2029-03-05T15:00:00Z',
        endsAt: '2029-03-05T15:50:00Z',
        recurrence: { frequency: 'weekly', count: 2 },
      })
      .expect(201);
    const path = `/api/v1/therapy-sessions/series/${created.body.seriesId as string}/attendees`;
    const body = { from: '2029-01-01T00:00:00Z', caseAttendees: [], otherAttendees: [] };
    await http()
      .post(path)
      .set('Authorization', auth)
      .send({ ...body, otherAttendees: [{ name: 'X', role: 'friend' }] })
      .expect(400);
    await http()
      .post(path)
      .set('Authorization', auth)
      .send({ ...body, caseAttendees: [{ personId: client.id }] })
      .expect(422)
      .expect((response) => expect(response.body.errors[0].field).toBe('caseAttendees'));
    const trainee = bearer(await tokenFor(testApp.app, team.trainee));
    await http().post(path).set('Authorization', trainee).send(body).expect(404);
    await http().post(path).send(body).expect(401);
  });
});
