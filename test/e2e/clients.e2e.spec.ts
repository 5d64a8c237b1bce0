import request from 'supertest';
import { createClient } from '../factories/client.factory';
import { createTeam } from '../factories/staff.factory';
import { bearer, tokenFor } from '../setup/auth';
import { startTestApp, type TestApp } from '../setup/test-app';

describe('clients', () => {
  let testApp: TestApp;
  let team: Awaited<ReturnType<typeof createTeam>>;
  let counselorAuth: string;

  beforeAll(async () => {
    testApp = await startTestApp();
    team = await createTeam(testApp.dataSource);
    counselorAuth = bearer(await tokenFor(testApp.app, team.counselor));
  });
  afterAll(() => testApp.close());

  const http = () => request(testApp.app.getHttpServer());
  const newClient = {
    firstName: 'Maya',
    lastName: 'Okafor',
    dateOfBirth: '1998-04-02',
    presentingConcerns: ['substance_use_recovery'],
  };

  it('creates a client numbered per practice, with the creating counselor as primary', async () => {
    const response = await http()
      .post('/api/v1/clients')
      .set('Authorization', counselorAuth)
      .send(newClient)
      .expect(201);
    expect(response.body).toMatchObject({
      ...newClient,
      status: 'intake',
      clientNumber: expect.stringMatching(/^C-\d{6}$/),
    });
    expect(response.headers.etag).toBeDefined();
    expect(response.headers.location).toBe(`/api/v1/clients/${response.body.id}`);
    const careTeam = await http()
      .get(`/api/v1/clients/${response.body.id}/care-team`)
      .set('Authorization', counselorAuth)
      .expect(200);
    expect(careTeam.body).toEqual([
      expect.objectContaining({ staffId: team.counselor.id, role: 'primary_counselor' }),
    ]);
    const read = await http()
      .get(`/api/v1/clients/${response.body.id}`)
      .set('Authorization', counselorAuth)
      .expect(200);
    expect(read.body).toEqual(response.body);
    const list = await http()
      .get('/api/v1/clients')
      .set('Authorization', counselorAuth)
      .expect(200);
    expect(list.body.data.map((c: { id: string }) => c.id)).toContain(response.body.id);
  });

  it('answers 404 to a counselor outside the care team', async () => {
    const other = await createClient(testApp.dataSource, {
      practiceId: team.practice.id,
      primaryCounselorId: team.trainee.id,
    });
    await http().get(`/api/v1/clients/${other.id}`).set('Authorization', counselorAuth).expect(404);
  });
});
