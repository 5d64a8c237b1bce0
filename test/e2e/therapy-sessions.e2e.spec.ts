import request from 'supertest';
import { addFamilyMember, createClient, type TestClient } from '../factories/client.factory';
import { createTeam } from '../factories/staff.factory';
import { bearer, tokenFor } from '../setup/auth';
import { startTestApp, type TestApp } from '../setup/test-app';

describe('therapy sessions', () => {
  let testApp: TestApp;
  let team: Awaited<ReturnType<typeof createTeam>>;
  let client: TestClient;
  let auth: string;

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

  const http = () => request(testApp.app.getHttpServer());
  const at = (days: number, hour: number, minute = 0) => {
    const date = new Date(Date.UTC(2027, 0, 4 + days, hour, minute));
    return date.toISOString();
  };
  const slot = (days: number, hour: number, minutes = 50) => ({
    clientId: client.id,
    startsAt: at(days, hour),
    endsAt: new Date(Date.parse(at(days, hour)) + minutes * 60_000).toISOString(),
    modality: 'family',
    setting: 'in_person',
    location: 'Room 2',
  });

  it('books exactly one of 10 concurrent overlapping requests; the others get 409 naming it', async () => {
    const responses = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        http()
          .post('/api/v1/therapy-sessions')
          .set('Authorization', auth)
          .send({ ...slot(1, 9), startsAt: at(1, 9, i * 3) }),
      ),
    );
    const statuses = responses.map((r) => r.status).sort();
    expect(statuses).toEqual([201, ...Array(9).fill(409)]);
    const winner = responses.find((r) => r.status === 201)!;
    for (const loser of responses.filter((r) => r.status === 409)) {
      expect(loser.body).toMatchObject({
        type: 'urn:family-therapy:problem:session-overlap',
        conflictingSessionId: winner.body.id,
      });
    }
    const [count] = await testApp.dataSource.query<{ n: number }[]>(
      `SELECT count(*)::int AS n FROM therapy_sessions WHERE counselor_id = $1 AND starts_at::date = $2::date`,
      [team.counselor.id, at(1, 9)],
    );
    expect(count!.n).toBe(1);
  });

  it('refuses double-booking a co-therapist across roles, and frees the slot on cancel', async () => {
    const other = await createClient(testApp.dataSource, {
      practiceId: team.practice.id,
      primaryCounselorId: team.trainee.id,
    });
    const traineeAuth = bearer(await tokenFor(testApp.app, team.trainee));
    const first = await http()
      .post('/api/v1/therapy-sessions')
      .set('Authorization', auth)
      .send({ ...slot(2, 14), coTherapistId: team.trainee.id })
      .expect(201);
    const clash = await http()
      .post('/api/v1/therapy-sessions')
      .set('Authorization', traineeAuth)
      .send({ ...slot(2, 14), clientId: other.id })
      .expect(409);
    expect(clash.body.conflictingSessionId).toBe(first.body.id);
    await http()
      .post(`/api/v1/therapy-sessions/${first.body.id}/cancel`)
      .set('Authorization', auth)
      .send({ reason: 'Family emergency' })
      .expect(200);
    await http()
      .post('/api/v1/therapy-sessions')
      .set('Authorization', traineeAuth)
      .send({ ...slot(2, 14), clientId: other.id })
      .expect(201);
  });

  it('validates times, parties and staff', async () => {
    const backwards = await http()
      .post('/api/v1/therapy-sessions')
      .set('Authorization', auth)
      .send({ ...slot(3, 10), endsAt: at(3, 9) })
      .expect(422);
    expect(backwards.body.errors[0].field).toBe('endsAt');
    const noOffset = await http()
      .post('/api/v1/therapy-sessions')
      .set('Authorization', auth)
      .send({ ...slot(3, 10), startsAt: '2027-01-07T10:00:00' })
      .expect(400);
    expect(noOffset.body.errors[0].field).toBe('startsAt');
    const intake = await http()
      .post('/api/v1/therapy-sessions')
      .set('Authorization', auth)
      .send({ ...slot(3, 10), counselorId: team.intake.id })
      .expect(422);
    expect(intake.body.errors[0].field).toBe('counselorId');
  });

  it('reschedules with If-Match, and refuses a stale ETag', async () => {
    const created = await http()
      .post('/api/v1/therapy-sessions')
      .set('Authorization', auth)
      .send(slot(4, 9))
      .expect(201);
    const moved = await http()
      .post(`/api/v1/therapy-sessions/${created.body.id}/reschedule`)
      .set('Authorization', auth)
      .set('If-Match', created.headers.etag as string)
      .send({ startsAt: at(4, 11), endsAt: at(4, 12) })
      .expect(200);
    expect(moved.body.startsAt).toBe(at(4, 11));
    await http()
      .post(`/api/v1/therapy-sessions/${created.body.id}/reschedule`)
      .set('Authorization', auth)
      .set('If-Match', created.headers.etag as string)
      .send({ startsAt: at(4, 13), endsAt: at(4, 14) })
      .expect(412);
  });

  it('cancels inside the window as a late cancel, outside as a cancel', async () => {
    const soon = new Date(Date.now() + 2 * 3_600_000);
    const late = await http()
      .post('/api/v1/therapy-sessions')
      .set('Authorization', auth)
      .send({
        ...slot(0, 0),
        startsAt: soon.toISOString(),
        endsAt: new Date(soon.getTime() + 50 * 60_000).toISOString(),
      })
      .expect(201);
    const lateCancel = await http()
      .post(`/api/v1/therapy-sessions/${late.body.id}/cancel`)
      .set('Authorization', auth)
      .send({ reason: 'Sick child' })
      .expect(200);
    expect(lateCancel.body).toMatchObject({ status: 'late_cancel', cancelReason: 'Sick child' });
    const far = await http()
      .post('/api/v1/therapy-sessions')
      .set('Authorization', auth)
      .send(slot(5, 9))
      .expect(201);
    const cancel = await http()
      .post(`/api/v1/therapy-sessions/${far.body.id}/cancel`)
      .set('Authorization', auth)
      .send({ reason: 'Travel' })
      .expect(200);
    expect(cancel.body.status).toBe('cancelled');
    const again = await http()
      .post(`/api/v1/therapy-sessions/${far.body.id}/cancel`)
      .set('Authorization', auth)
      .send({ reason: 'Travel' })
      .expect(409);
    expect(again.body.currentStatus).toBe('cancelled');
  });

  it('completes a started session with the client and their family only', async () => {
    const mother = await addFamilyMember(testApp.dataSource, client, 'mother', 'Grace');
    const stranger = await addFamilyMember(
      testApp.dataSource,
      await createClient(testApp.dataSource, { practiceId: team.practice.id }),
    );
    const start = new Date(Date.now() - 30 * 60_000);
    const session = await http()
      .post('/api/v1/therapy-sessions')
      .set('Authorization', auth)
      .send({
        ...slot(0, 0),
        startsAt: start.toISOString(),
        endsAt: new Date(start.getTime() + 50 * 60_000).toISOString(),
      })
      .expect(201);
    const future = await http()
      .post('/api/v1/therapy-sessions')
      .set('Authorization', auth)
      .send(slot(6, 9))
      .expect(201);
    await http()
      .post(`/api/v1/therapy-sessions/${future.body.id}/complete`)
      .set('Authorization', auth)
      .send({ attendees: [{ party: 'client' }] })
      .expect(422);
    const wrong = await http()
      .post(`/api/v1/therapy-sessions/${session.body.id}/complete`)
      .set('Authorization', auth)
      .send({
        attendees: [{ party: 'client' }, { party: 'family_member', familyMemberId: stranger }],
      })
      .expect(422);
    expect(wrong.body.errors).toEqual([
      { field: 'attendees[1].familyMemberId', message: 'is not a family member of this client' },
    ]);
    const done = await http()
      .post(`/api/v1/therapy-sessions/${session.body.id}/complete`)
      .set('Authorization', auth)
      .send({
        attendees: [{ party: 'client' }, { party: 'family_member', familyMemberId: mother }],
      })
      .expect(200);
    expect(done.body).toMatchObject({
      status: 'completed',
      attendees: [
        { party: 'client', familyMemberId: null },
        { party: 'family_member', familyMemberId: mother },
      ],
    });
  });

  it('schedules a weekly series that keeps local time across daylight saving, and reports conflicts per occurrence', async () => {
    // Chicago leaves daylight saving on 2027-11-07: 17:00 local is 22:00Z before, 23:00Z after.
    const series = {
      ...slot(0, 0),
      startsAt: '2027-10-26T17:00:00-05:00',
      endsAt: '2027-10-26T17:50:00-05:00',
      recurrence: { frequency: 'weekly', count: 4 },
    };
    const created = await http()
      .post('/api/v1/therapy-sessions/series')
      .set('Authorization', auth)
      .send(series)
      .expect(201);
    expect(created.body.sessions.map((s: { startsAt: string }) => s.startsAt)).toEqual([
      '2027-10-26T22:00:00.000Z',
      '2027-11-02T22:00:00.000Z',
      '2027-11-09T23:00:00.000Z',
      '2027-11-16T23:00:00.000Z',
    ]);
    expect(new Set(created.body.sessions.map((s: { seriesId: string }) => s.seriesId))).toEqual(
      new Set([created.body.seriesId]),
    );
    // Overlapping series: weeks 3-4 collide. Without skipConflicts nothing is booked.
    const overlapping = {
      ...series,
      startsAt: '2027-11-09T17:30:00-06:00',
      endsAt: '2027-11-09T18:20:00-06:00',
      recurrence: { frequency: 'weekly', until: '2027-11-30' },
    };
    const refused = await http()
      .post('/api/v1/therapy-sessions/series')
      .set('Authorization', auth)
      .send(overlapping)
      .expect(409);
    expect(refused.body.conflicts).toEqual([
      { startsAt: '2027-11-09T23:30:00.000Z', conflictingSessionId: created.body.sessions[2].id },
      { startsAt: '2027-11-16T23:30:00.000Z', conflictingSessionId: created.body.sessions[3].id },
    ]);
    const partial = await http()
      .post('/api/v1/therapy-sessions/series')
      .set('Authorization', auth)
      .send({ ...overlapping, skipConflicts: true })
      .expect(201);
    expect(partial.body.sessions.map((s: { startsAt: string }) => s.startsAt)).toEqual([
      '2027-11-23T23:30:00.000Z',
      '2027-11-30T23:30:00.000Z',
    ]);
    expect(partial.body.skipped).toHaveLength(2);
  });

  it('lists the calendar by time range and counselor, page by page', async () => {
    const list = await http()
      .get('/api/v1/therapy-sessions')
      .query({
        counselorId: team.counselor.id,
        from: '2027-10-01T00:00:00Z',
        to: '2027-12-01T00:00:00Z',
        limit: 3,
      })
      .set('Authorization', auth)
      .expect(200);
    expect(list.body.data).toHaveLength(3);
    const next = await http()
      .get('/api/v1/therapy-sessions')
      .query({
        counselorId: team.counselor.id,
        from: '2027-10-01T00:00:00Z',
        to: '2027-12-01T00:00:00Z',
        limit: 3,
        cursor: list.body.nextCursor,
      })
      .set('Authorization', auth)
      .expect(200);
    const all = [...list.body.data, ...next.body.data].map((s: { startsAt: string }) => s.startsAt);
    expect(all).toEqual([...all].sort());
    expect(new Set(all).size).toBe(6);
  });

  it('hides sessions of clients out of reach (404, absent from the calendar)', async () => {
    const outsider = bearer(await tokenFor(testApp.app, team.intake));
    const created = await http()
      .post('/api/v1/therapy-sessions')
      .set('Authorization', auth)
      .send(slot(7, 9))
      .expect(201);
    await http()
      .get(`/api/v1/therapy-sessions/${created.body.id}`)
      .set('Authorization', outsider)
      .expect(404);
    const list = await http()
      .get('/api/v1/therapy-sessions')
      .set('Authorization', outsider)
      .expect(200);
    expect(list.body.data).toEqual([]);
    const other = await createTeam(testApp.dataSource);
    await http()
      .get(`/api/v1/therapy-sessions/${created.body.id}`)
      .set('Authorization', bearer(await tokenFor(testApp.app, other.counselor)))
      .expect(404);
    await http().get(`/api/v1/therapy-sessions/${created.body.id}`).expect(401);
  });
});
