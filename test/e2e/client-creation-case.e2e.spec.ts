import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { createTeam } from '../factories/staff.factory';
import { bearer, tokenFor } from '../setup/auth';
import { ownerQuery } from '../setup/database-roles';
import { countQueries } from '../setup/query-counter';
import { startTestApp, type TestApp } from '../setup/test-app';

/** `POST /clients` with `case`: the client, their family and the case around them, in one call. */
describe('POST /clients with a case', () => {
  let testApp: TestApp;

  beforeAll(async () => {
    testApp = await startTestApp();
  });
  afterAll(() => testApp.close());

  const http = () => request(testApp.app.getHttpServer());
  const db = () => testApp.dataSource;
  const newClient = { firstName: 'Maya', lastName: 'Okafor', dateOfBirth: '1998-04-02' };
  const family = [
    { firstName: 'Grace', lastName: 'Okafor', relationship: 'mother', participation: 'invited' },
    { firstName: 'Tom', relationship: 'sibling' },
    { firstName: 'Ada', relationship: 'friend_support' },
  ];

  async function setup() {
    const team = await createTeam(db());
    return {
      team,
      auth: bearer(await tokenFor(testApp.app, team.counselor)),
      admin: bearer(await tokenFor(testApp.app, team.admin)),
    };
  }

  const counts = (practiceId: string) =>
    db().query<{ clients: number; members: number; cases: number; persons: number }[]>(
      `SELECT (SELECT count(*)::int FROM clients WHERE practice_id = $1) AS clients,
              (SELECT count(*)::int FROM family_members WHERE practice_id = $1) AS members,
              (SELECT count(*)::int FROM cases WHERE practice_id = $1) AS cases,
              (SELECT count(*)::int FROM persons WHERE practice_id = $1) AS persons`,
      [practiceId],
    );

  it('opens the case with the client, each family member in their role and participation, and the counselor', async () => {
    const { team, auth } = await setup();
    const created = await http()
      .post('/api/v1/clients')
      .set('Authorization', auth)
      .send({
        ...newClient,
        familyMembers: family,
        case: { type: 'family', presentingReason: 'Rebuilding trust after relapse' },
      })
      .expect(201);
    const caseId = created.body.caseId as string;
    expect(caseId).toEqual(expect.any(String));

    const kase = await http().get(`/api/v1/cases/${caseId}`).set('Authorization', auth).expect(200);
    expect(kase.body).toMatchObject({
      type: 'family',
      label: 'Okafor',
      presentingReason: 'Rebuilding trust after relapse',
      status: 'open',
    });
    const members = await http()
      .get(`/api/v1/cases/${caseId}/members`)
      .set('Authorization', auth)
      .expect(200);
    const byName = Object.fromEntries(
      (
        members.body.data as {
          firstName: string;
          clientId: string | null;
          role: string;
          participation: string;
        }[]
      ).map((m) => [m.firstName, [m.clientId, m.role, m.participation]]),
    );
    expect(byName).toEqual({
      Maya: [created.body.id, 'identified_client', 'participating'],
      Grace: [null, 'parent', 'invited'],
      Tom: [null, 'sibling', 'invited'],
      Ada: [null, 'support_person', 'invited'],
    });
    const careTeam = await http()
      .get(`/api/v1/cases/${caseId}/care-team`)
      .set('Authorization', auth)
      .expect(200);
    expect(careTeam.body.data).toEqual([
      expect.objectContaining({ staffId: team.counselor.id, role: 'primary_counselor' }),
    ]);
    const [event] = await db().query<{ changed_fields: string[] }[]>(
      `SELECT changed_fields FROM audit_events
        WHERE practice_id = $1 AND action = 'create' AND resource_type = 'case' AND resource_id = $2`,
      [team.practice.id, caseId],
    );
    expect(event!.changed_fields).toEqual(['type', 'presentingReason']);
  });

  it('makes the named primary counselor the case’s when an admin creates the client', async () => {
    const { team, auth, admin } = await setup();
    const created = await http()
      .post('/api/v1/clients')
      .set('Authorization', admin)
      .send({
        ...newClient,
        primaryCounselorId: team.counselor.id,
        case: { type: 'individual', label: 'Maya O.' },
      })
      .expect(201);
    const kase = await http()
      .get(`/api/v1/cases/${created.body.caseId as string}`)
      .set('Authorization', auth)
      .expect(200);
    expect(kase.body).toMatchObject({ type: 'individual', label: 'Maya O.' });
  });

  it('opens no case without `case`, and names a bad case field', async () => {
    const { team, auth } = await setup();
    const plain = await http()
      .post('/api/v1/clients')
      .set('Authorization', auth)
      .send({ ...newClient, familyMembers: family })
      .expect(201);
    expect(plain.body).not.toHaveProperty('caseId');
    const refused = await http()
      .post('/api/v1/clients')
      .set('Authorization', auth)
      .send({ ...newClient, case: { type: 'tribe' } })
      .expect(400);
    expect(refused.body.errors).toEqual([expect.objectContaining({ field: 'case.type' })]);
    expect(await counts(team.practice.id)).toEqual([
      { clients: 1, members: 3, cases: 0, persons: 4 },
    ]);
  });

  it('is all or nothing: a bad family member, or a case that fails, leaves no client and no case', async () => {
    const { team, auth } = await setup();
    const withCase = { ...newClient, case: { type: 'family' } };
    const badMember = await http()
      .post('/api/v1/clients')
      .set('Authorization', auth)
      .send({ ...withCase, familyMembers: [family[0], { ...family[1], deceasedOn: '2020-01-01' }] })
      .expect(422);
    expect(badMember.body.errors).toEqual([
      expect.objectContaining({ field: 'familyMembers[1].deceasedOn' }),
    ]);

    // The case's members are the last rows written: failing there must undo the client and family.
    const name = `fail_case_member_${randomBytes(4).toString('hex')}`;
    await ownerQuery(
      db(),
      `CREATE FUNCTION ${name}() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN
         IF NEW.practice_id = '${team.practice.id}' THEN RAISE EXCEPTION 'injected failure'; END IF;
         RETURN NEW;
       END $$`,
    );
    try {
      await ownerQuery(
        db(),
        `CREATE TRIGGER ${name} BEFORE INSERT ON case_members FOR EACH ROW EXECUTE FUNCTION ${name}()`,
      );
      await http()
        .post('/api/v1/clients')
        .set('Authorization', auth)
        .send({ ...withCase, familyMembers: family })
        .expect(500);
    } finally {
      await ownerQuery(db(), `DROP TRIGGER IF EXISTS ${name} ON case_members`);
      await ownerQuery(db(), `DROP FUNCTION IF EXISTS ${name}()`);
    }
    expect(await counts(team.practice.id)).toEqual([
      { clients: 0, members: 0, cases: 0, persons: 0 },
    ]);
  });

  it('costs one statement more than the family alone, whatever the family’s size', async () => {
    const { auth } = await setup();
    const create = async (body: object) => {
      const { result, statements } = await countQueries(() =>
        http()
          .post('/api/v1/clients')
          .set('Authorization', auth)
          .send({ ...newClient, ...body }),
      );
      expect(result.status).toBe(201);
      return statements;
    };
    await create({}); // the first request of a token also checks its session (then cached)
    const familyOnly = await create({ familyMembers: family });
    const withCase = await create({ familyMembers: family, case: { type: 'family' } });
    const largerWithCase = await create({
      familyMembers: Array.from({ length: 6 }, () => family[1]!),
      case: { type: 'family' },
    });
    expect(withCase).toBe(familyOnly + 1);
    expect(largerWithCase).toBe(withCase);
  });
});
