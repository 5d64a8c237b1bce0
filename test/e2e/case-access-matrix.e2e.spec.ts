import request from 'supertest';
import { createClient } from '../factories/client.factory';
import { createStaff, createTeam, type TestStaff } from '../factories/staff.factory';
import { bearer, tokenFor } from '../setup/auth';
import { startTestApp, type TestApp } from '../setup/test-app';

type Relationship =
  | 'case care team'
  | 'client care team only'
  | 'supervisor'
  | 'emergency grant'
  | 'other counselor'
  | 'intake'
  | 'admin'
  | 'other practice';
type Target = 'case' | 'shared session note' | 'individual chart';

/**
 * Who reaches what of a family case: the case itself, the joint session's note (shared by the
 * case's clients), and one client's individual chart (her own sessions' notes). Reaching the case
 * never opens a client's chart; reaching a client who came to the joint session opens its note.
 */
const EXPECTED: Record<Relationship, Record<Target, boolean>> = {
  'case care team': { case: true, 'shared session note': true, 'individual chart': false },
  'client care team only': { case: false, 'shared session note': true, 'individual chart': false },
  supervisor: { case: true, 'shared session note': true, 'individual chart': false },
  'emergency grant': { case: true, 'shared session note': true, 'individual chart': false },
  'other counselor': { case: false, 'shared session note': false, 'individual chart': false },
  intake: { case: true, 'shared session note': false, 'individual chart': false },
  admin: { case: true, 'shared session note': false, 'individual chart': false },
  'other practice': { case: false, 'shared session note': false, 'individual chart': false },
};

describe('case access: relationship × (case, shared session note, individual chart)', () => {
  let testApp: TestApp;
  const who = {} as Record<Relationship, TestStaff>;
  const urls = {} as Record<Target, string[]>;

  beforeAll(async () => {
    testApp = await startTestApp();
    const team = await createTeam(testApp.dataSource);
    const outsider = await createTeam(testApp.dataSource);
    const practiceId = team.practice.id;
    const staff = (role: 'counselor' | 'supervisor', supervisorId?: string) =>
      createStaff(testApp.dataSource, { practiceId, role, supervisorId });
    who.supervisor = await staff('supervisor');
    who['case care team'] = await staff('counselor', who.supervisor.id);
    who['client care team only'] = await staff('counselor');
    who['emergency grant'] = await staff('counselor');
    who['other counselor'] = team.trainee;
    who.intake = team.intake;
    who.admin = team.admin;
    who['other practice'] = outsider.admin;

    const own = bearer(await tokenFor(testApp.app, team.counselor));
    const http = () => request(testApp.app.getHttpServer());
    const daughter = await createClient(testApp.dataSource, {
      practiceId,
      primaryCounselorId: team.counselor.id,
    });
    const mother = await createClient(testApp.dataSource, {
      practiceId,
      primaryCounselorId: who['client care team only'].id,
    });
    const opened = await http()
      .post('/api/v1/cases')
      .set('Authorization', own)
      .send({
        type: 'parent_child',
        label: 'Family',
        careTeam: [{ staffId: who['case care team'].id, role: 'co_therapist' }],
      })
      .expect(201);
    const caseId = (opened.body as { id: string }).id;
    // The daughter's counselor opened the case, so is on its team; she is not in the matrix.
    await http()
      .post(`/api/v1/cases/${caseId}/members`)
      .set('Authorization', own)
      .send({ clientId: daughter.id, role: 'child' })
      .expect(201);
    // The mother's counselor is not on the case (that is her cell), so the mother is put in directly.
    const [inserted] = await testApp.dataSource.query<{ person_id: string }[]>(
      `INSERT INTO case_members (practice_id, case_id, person_id, role)
       SELECT practice_id, $2, person_id, 'parent' FROM clients WHERE practice_id = $1 AND id = $3
       RETURNING person_id`,
      [practiceId, caseId, mother.id],
    );
    const motherPerson = inserted!.person_id;
    await http()
      .post(`/api/v1/cases/${caseId}/emergency-access`)
      .set('Authorization', bearer(await tokenFor(testApp.app, who['emergency grant'])))
      .send({ reason: 'crisis call about the family, team away' })
      .expect(201);

    // Each session two hours before the previous one: a random offset let two overlap now and
    // then, and the second booking was refused 409.
    let booked = 0;
    const completedSession = async (body: object, attendance: object): Promise<string> => {
      const at = (h: number) => new Date(Date.now() - h * 3_600_000).toISOString();
      booked += 1;
      const offset = 2 * booked;
      const created = await http()
        .post('/api/v1/therapy-sessions')
        .set('Authorization', own)
        .send({
          clientId: daughter.id,
          modality: 'family',
          setting: 'in_person',
          startsAt: at(offset + 1),
          endsAt: at(offset),
          ...body,
        })
        .expect(201);
      const id = (created.body as { id: string }).id;
      await http()
        .post(`/api/v1/therapy-sessions/${id}/complete`)
        .set('Authorization', own)
        .send({ attendees: [{ party: 'client' }], ...attendance })
        .expect(200);
      await http()
        .post(`/api/v1/therapy-sessions/${id}/note`)
        .set('Authorization', own)
        .send({ format: 'free', content: { text: 'note' }, riskLevel: 'none' })
        .expect(201);
      return id;
    };
    const joint = await completedSession(
      { caseId },
      { caseAttendees: [{ personId: motherPerson, attendance: 'attended' }] },
    );
    const individual = await completedSession({ modality: 'individual' }, {});
    urls.case = [`/api/v1/cases/${caseId}`];
    urls['shared session note'] = [`/api/v1/therapy-sessions/${joint}/note`];
    urls['individual chart'] = [
      `/api/v1/therapy-sessions/${individual}/note`,
      `/api/v1/clients/${daughter.id}/session-notes`,
    ];
  });
  afterAll(() => testApp.close());

  const cells = (Object.keys(EXPECTED) as Relationship[]).flatMap((relationship) =>
    (Object.keys(EXPECTED[relationship]) as Target[]).map((target) => ({ relationship, target })),
  );

  it.each(cells)('$relationship → $target', async ({ relationship, target }) => {
    const auth = bearer(await tokenFor(testApp.app, who[relationship]));
    const expected = EXPECTED[relationship][target] ? 200 : 404;
    for (const url of urls[target]) {
      const response = await request(testApp.app.getHttpServer())
        .get(url)
        .set('Authorization', auth);
      expect({ url, status: response.status }).toEqual({ url, status: expected });
    }
  });
});
