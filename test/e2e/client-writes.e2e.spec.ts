import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { insertClient, insertClients, touchActivity } from '../../src/clients/client-writes';
import { rowsOfManager } from '../../src/common/sql/query-rows';
import { insertFamilyMembers } from '../../src/family-members/family-member-writes';
import { createClient } from '../factories/client.factory';
import { createTeam } from '../factories/staff.factory';
import { bearer, tokenFor } from '../setup/auth';
import { countQueries } from '../setup/query-counter';
import { startTestApp, type TestApp } from '../setup/test-app';

/** The one owner of each insert, and the one denial helper, seen from their callers. */
describe('one owner per write', () => {
  let testApp: TestApp;

  beforeAll(async () => {
    testApp = await startTestApp();
  });
  afterAll(() => testApp.close());

  const http = () => request(testApp.app.getHttpServer());
  const rows = () => rowsOfManager(testApp.dataSource.manager);

  async function setup() {
    const team = await createTeam(testApp.dataSource);
    return { team, intake: bearer(await tokenFor(testApp.app, team.intake)) };
  }

  describe('insertClients', () => {
    it('numbers the API, intake acceptance, batches and the factory from one counter', async () => {
      const { team, intake } = await setup();
      const byApi = await http()
        .post('/api/v1/clients')
        .set('Authorization', intake)
        .send({ firstName: 'Ana', lastName: 'Api', dateOfBirth: '1990-01-02' })
        .expect(201);
      const batch = await insertClients(rows(), team.practice.id, [
        { first_name: 'B1', last_name: 'Batch', date_of_birth: '1991-01-01' },
        { first_name: 'B2', last_name: 'Batch', date_of_birth: '1991-01-01' },
        { first_name: 'B3', last_name: 'Batch', date_of_birth: '1991-01-01' },
      ]);
      const byFactory = await createClient(testApp.dataSource, { practiceId: team.practice.id });
      const submission = await http()
        .post('/api/v1/intake-submissions')
        .set('Authorization', intake)
        .send(intakeForm())
        .expect(201);
      const accepted = await http()
        .post(`/api/v1/intake-submissions/${submission.body.id}/accept`)
        .set('Authorization', intake)
        .send({ primaryCounselorId: team.counselor.id })
        .expect(200);

      expect(byApi.body.clientNumber).toBe('C-000001');
      expect(batch.map((c) => [c.first_name, c.client_number])).toEqual([
        ['B1', 2],
        ['B2', 3],
        ['B3', 4],
      ]);
      expect(byFactory.clientNumber).toBe(5);
      const [fromIntake] = await testApp.dataSource.query<{ client_number: number }[]>(
        `SELECT client_number FROM clients WHERE id = $1`,
        [accepted.body.clientId],
      );
      expect(fromIntake!.client_number).toBe(6);
    });

    it('leaves the columns no client gives at their defaults', async () => {
      const { team } = await setup();
      const client = await insertClient(rows(), team.practice.id, {
        first_name: 'Dee',
        last_name: 'Fault',
        date_of_birth: '1985-05-05',
      });
      expect(client).toMatchObject({
        status: 'intake',
        presenting_concerns: [],
        trust_indicators: [],
        risk_flags: [],
        substance_use_records: false,
        preferred_name: null,
        version: 1,
      });
    });
  });

  describe('insertFamilyMembers', () => {
    it('inserts several members in one statement, defaults kept for what none gives', async () => {
      const { team } = await setup();
      const client = await createClient(testApp.dataSource, { practiceId: team.practice.id });
      const members = ['mother', 'father', 'sibling'].map((relationship) => ({
        client_id: client.id,
        first_name: relationship,
        relationship,
      }));
      const { result, statements } = await countQueries(() =>
        insertFamilyMembers<{ relationship: string; participation: string; deceased: boolean }>(
          rows(),
          team.practice.id,
          members,
          'f.relationship, f.participation, f.deceased',
        ),
      );
      expect(statements).toBe(1);
      expect(result.map((m) => m.relationship).sort()).toEqual(['father', 'mother', 'sibling']);
      expect(result.every((m) => m.participation === 'invited' && !m.deceased)).toBe(true);
    });
  });

  describe('touchActivity', () => {
    it('moves only the named client to the top of the activity order', async () => {
      const { team } = await setup();
      const [touched, other] = await insertClients(rows(), team.practice.id, [
        { first_name: 'T', last_name: 'Touched', date_of_birth: '1990-01-01' },
        { first_name: 'O', last_name: 'Other', date_of_birth: '1990-01-01' },
      ]);
      await testApp.dataSource.query(
        `UPDATE clients SET last_activity_at = '2020-01-01' WHERE practice_id = $1`,
        [team.practice.id],
      );
      await touchActivity(rows(), team.practice.id, touched!.id);
      const after = await testApp.dataSource.query<{ id: string; recent: boolean }[]>(
        `SELECT id, last_activity_at > '2020-01-01' AS recent FROM clients WHERE practice_id = $1`,
        [team.practice.id],
      );
      expect(Object.fromEntries(after.map((row) => [row.id, row.recent]))).toEqual({
        [touched!.id]: true,
        [other!.id]: false,
      });
    });
  });

  describe('denyAsNotFound', () => {
    it('answers 404 and keeps the denial although the use case rolls back', async () => {
      const { team } = await setup();
      const counselor = bearer(await tokenFor(testApp.app, team.counselor));
      const unknownClient = randomUUID();
      const refused = await http()
        .post(`/api/v1/clients/${unknownClient}/emergency-access`)
        .set('Authorization', counselor)
        .send({ reason: 'Client called in crisis; primary counselor unreachable tonight.' })
        .expect(404);
      expect(refused.body.type).toBe('urn:family-therapy:problem:not-found');
      const events = await testApp.dataSource.query(
        `SELECT actor_id, outcome FROM audit_events
          WHERE action = 'access_denied' AND resource_type = 'emergency_access' AND resource_id = $1`,
        [unknownClient],
      );
      expect(events).toEqual([{ actor_id: team.counselor.id, outcome: 'denied' }]);
    });
  });
});

function intakeForm() {
  return {
    client: { firstName: 'Ida', lastName: 'Intake', dateOfBirth: '1992-02-02' },
    presentingConcerns: ['communication'],
    familyMembers: [],
    preferredModality: 'family',
    availability: 'Weekday evenings.',
    reasonForSeekingHelp: 'We keep arguing and want to learn to talk again.',
    emergencyContact: { name: 'Ruth Okafor', phone: '+1 555 0199', relationship: 'friend_support' },
    consents: [
      { key: 'treatment', version: '2026-01' },
      { key: 'privacy', version: '2026-01' },
      { key: 'telehealth', version: '2026-01' },
    ],
  };
}
