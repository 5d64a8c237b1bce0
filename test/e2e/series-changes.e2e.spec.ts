import request from 'supertest';
import { createClient, type TestClient } from '../factories/client.factory';
import { createTeam } from '../factories/staff.factory';
import { bearer, tokenFor } from '../setup/auth';
import { startTestApp, type TestApp } from '../setup/test-app';

interface Session {
  id: string;
  startsAt: string;
  status: string;
}

/** A series as a whole: moved from a date on (refused whole on a conflict unless skipConflicts), or ended. */
describe('therapy session series: move and end', () => {
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

  const base = { modality: 'individual', setting: 'in_person' };
  const starts = async (ids: string[]) =>
    (
      await testApp.dataSource.query<{ id: string; starts_at: Date; status: string }[]>(
        `SELECT id, starts_at, status FROM therapy_sessions WHERE id = ANY($1) ORDER BY starts_at`,
        [ids],
      )
    ).map((row) => `${row.starts_at.toISOString()} ${row.status}`);

  it('moves every later occurrence, or none when one conflicts, unless skipConflicts', async () => {
    // Mondays 2028-01-10 .. 2028-01-31, 15:00Z (the test practice is in Chicago: no DST change then).
    const created = await http()
      .post('/api/v1/therapy-sessions/series')
      .set('Authorization', auth)
      .send({
        ...base,
        clientId: client.id,
        startsAt: '2028-01-10T15:00:00Z',
        endsAt: '2028-01-10T15:50:00Z',
        recurrence: { frequency: 'weekly', count: 4 },
      })
      .expect(201);
    const seriesId = (created.body as { seriesId: string }).seriesId;
    const sessions = (created.body as { sessions: Session[] }).sessions;
    const ids = sessions.map((s) => s.id);
    // Another session of the counselor where the third occurrence would land.
    const blocker = await http()
      .post('/api/v1/therapy-sessions')
      .set('Authorization', auth)
      .send({
        ...base,
        clientId: client.id,
        startsAt: '2028-01-24T17:00:00Z',
        endsAt: '2028-01-24T17:50:00Z',
      })
      .expect(201);
    const before = await starts(ids);
    const move = (body: object) =>
      http()
        .post(`/api/v1/therapy-sessions/series/${seriesId}/move`)
        .set('Authorization', auth)
        .send({
          from: '2028-01-15T00:00:00Z',
          startsAt: '2028-01-17T17:00:00Z',
          endsAt: '2028-01-17T17:50:00Z',
          ...body,
        });

    const refused = await move({}).expect(409);
    expect(refused.body).toMatchObject({
      conflicts: [
        {
          sessionId: ids[2],
          startsAt: '2028-01-24T17:00:00.000Z',
          conflictingSessionId: (blocker.body as Session).id,
        },
      ],
    });
    expect(await starts(ids)).toEqual(before);

    const partial = await move({ skipConflicts: true }).expect(200);
    expect((partial.body as { moved: Session[] }).moved.map((s) => s.startsAt)).toEqual([
      '2028-01-17T17:00:00.000Z',
      '2028-01-31T17:00:00.000Z',
    ]);
    expect((partial.body as { conflicts: { sessionId: string }[] }).conflicts).toEqual([
      expect.objectContaining({ sessionId: ids[2] }),
    ]);
    expect(await starts(ids)).toEqual([
      '2028-01-10T15:00:00.000Z scheduled',
      '2028-01-17T17:00:00.000Z scheduled',
      '2028-01-24T15:00:00.000Z scheduled',
      '2028-01-31T17:00:00.000Z scheduled',
    ]);

    const ended = await http()
      .post(`/api/v1/therapy-sessions/series/${seriesId}/end`)
      .set('Authorization', auth)
      .send({ from: '2028-01-20T00:00:00Z' })
      .expect(200);
    expect((ended.body as { cancelled: Session[] }).cancelled.map((s) => s.id)).toEqual([
      ids[2],
      ids[3],
    ]);
    expect(await starts(ids)).toEqual([
      '2028-01-10T15:00:00.000Z scheduled',
      '2028-01-17T17:00:00.000Z scheduled',
      '2028-01-24T15:00:00.000Z cancelled',
      '2028-01-31T17:00:00.000Z cancelled',
    ]);
    // Someone who does not reach the client does not find the series.
    const other = bearer(await tokenFor(testApp.app, team.trainee));
    await http()
      .post(`/api/v1/therapy-sessions/series/${seriesId}/end`)
      .set('Authorization', other)
      .send({ from: '2028-01-01T00:00:00Z' })
      .expect(404);
  });
});
