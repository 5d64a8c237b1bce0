import request from 'supertest';
import { createClient } from '../factories/client.factory';
import { createTeam } from '../factories/staff.factory';
import { bearer, tokenFor } from '../setup/auth';
import { startTestApp, type TestApp } from '../setup/test-app';

/**
 * Names are what a clinician reads to know whose chart is open. A name with a right-to-left
 * override renders reversed, one with a zero-width space looks like another client's and escapes
 * duplicate detection; both are refused, by field. Legitimate joiners stay, and every name is
 * stored in NFC so that one spelling is one name.
 */
describe('names: invisible and reordering characters', () => {
  let testApp: TestApp;
  let auth: string;
  let counselor: Awaited<ReturnType<typeof createTeam>>['counselor'];

  beforeAll(async () => {
    testApp = await startTestApp();
    ({ counselor } = await createTeam(testApp.dataSource));
    auth = bearer(await tokenFor(testApp.app, counselor));
  });
  afterAll(() => testApp.close());

  const http = () => request(testApp.app.getHttpServer());
  const base = { firstName: 'Maya', lastName: 'Okafor', dateOfBirth: '1998-04-02' };
  const hostile: [string, string][] = [
    ['a right-to-left override (U+202E)', 'Ma\u202Eya'],
    ['a zero-width space (U+200B)', 'Ma\u200Bya'],
    ['a byte-order mark (U+FEFF)', '\uFEFFMaya'],
    ['a noncharacter (U+FFFF)', 'Maya\uFFFF'],
    ['a soft hyphen (U+00AD)', 'Ma\u00ADya'],
    ['a left-to-right isolate (U+2066)', '\u2066Maya'],
    ['a private-use character (U+E000)', 'Maya\uE000'],
    ['a line separator (U+2028)', 'Ma\u2028ya'],
  ];

  it.each(hostile)('refuses a client name with %s, naming the field', async (_name, value) => {
    for (const field of ['firstName', 'lastName', 'preferredName']) {
      const response = await http()
        .post('/api/v1/clients')
        .set('Authorization', auth)
        .send({ ...base, [field]: value })
        .expect(400);
      expect(response.body.errors).toEqual([
        expect.objectContaining({ field, message: expect.stringMatching(/invisible/) }),
      ]);
    }
    const stored = await testApp.dataSource.query(
      `SELECT 1 FROM clients WHERE practice_id = $1 AND (first_name = $2 OR last_name = $2)`,
      [counselor.practiceId, value],
    );
    expect(stored).toEqual([]);
  });

  it.each(hostile)('refuses a renamed client or family member with %s', async (_name, value) => {
    const client = await createClient(testApp.dataSource, counselor);
    const read = await http().get(`/api/v1/clients/${client.id}`).set('Authorization', auth);
    const patch = await http()
      .patch(`/api/v1/clients/${client.id}`)
      .set('Authorization', auth)
      .set('If-Match', read.headers.etag as string)
      .send({ lastName: value })
      .expect(400);
    expect(patch.body.errors).toEqual([expect.objectContaining({ field: 'lastName' })]);
    const member = await http()
      .post(`/api/v1/clients/${client.id}/family-members`)
      .set('Authorization', auth)
      .send({ firstName: value, relationship: 'mother' })
      .expect(400);
    expect(member.body.errors).toEqual([expect.objectContaining({ field: 'firstName' })]);
  });

  it('keeps zero-width joiners that scripts need, and stores names in NFC', async () => {
    const persian = 'مهر\u200Cناز'; // Mehrnaz: the non-joiner keeps the two parts' shapes apart
    const sinhala = 'ශ්\u200Dරී'; // Shri: the joiner forms the conjunct
    const decomposed = 'Zoe\u0308'; // "Zoë" typed as e + combining diaeresis
    const response = await http()
      .post('/api/v1/clients')
      .set('Authorization', auth)
      .send({ ...base, firstName: persian, preferredName: sinhala, lastName: decomposed })
      .expect(201);
    expect(response.body).toMatchObject({
      firstName: persian,
      preferredName: sinhala,
      lastName: 'Zo\u00EB',
    });
    const [row] = await testApp.dataSource.query<{ last_name: string }[]>(
      `SELECT last_name FROM clients WHERE id = $1`,
      [response.body.id],
    );
    expect(row!.last_name).toBe('Zo\u00EB');
    const member = await http()
      .post(`/api/v1/clients/${response.body.id}/family-members`)
      .set('Authorization', auth)
      .send({ firstName: 'Rene\u0301e', relationship: 'mother' })
      .expect(201);
    expect(member.body.firstName).toBe('Ren\u00E9e');
  });
});
