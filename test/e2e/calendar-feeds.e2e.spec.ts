import { createHash, randomBytes } from 'node:crypto';
import ICAL from 'ical.js';
import request from 'supertest';
import { addFamilyMember, createClient, type TestClient } from '../factories/client.factory';
import { createTeam } from '../factories/staff.factory';
import { bearer, tokenFor } from '../setup/auth';
import { startTestApp, type TestApp } from '../setup/test-app';

const FEED_URL = /^\/api\/v1\/calendar-feeds\/([A-Za-z0-9_-]{43})\.ics$/;
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

interface SessionInput {
  client: TestClient;
  counselorId: string;
  coTherapistId?: string;
  startsAt: Date;
  minutes?: number;
  modality: 'individual' | 'couple' | 'family' | 'group';
  setting: 'in_person' | 'telehealth' | 'phone';
  location?: string | null;
  telehealthUrl?: string | null;
  status?: 'scheduled' | 'completed' | 'cancelled' | 'late_cancel' | 'no_show';
}

describe('calendar feeds', () => {
  let testApp: TestApp;
  let team: Awaited<ReturnType<typeof createTeam>>;
  let counselorAuth: string;
  let supervisorAuth: string;

  beforeAll(async () => {
    testApp = await startTestApp();
    team = await createTeam(testApp.dataSource);
    counselorAuth = bearer(await tokenFor(testApp.app, team.counselor));
    supervisorAuth = bearer(await tokenFor(testApp.app, team.supervisor));
  });
  afterAll(() => testApp.close());

  const http = () => request(testApp.app.getHttpServer());
  // A whole hour a few days from now: times in the feed are whole seconds, in UTC.
  const base = new Date(Math.floor(Date.now() / HOUR) * HOUR);
  const at = (days: number, hours = 0) => new Date(base.getTime() + days * DAY + hours * HOUR);

  async function insertSession(input: SessionInput): Promise<string> {
    const status = input.status ?? 'scheduled';
    const cancelled = status === 'cancelled' || status === 'late_cancel';
    const [row] = await testApp.dataSource.query<{ id: string }[]>(
      `INSERT INTO therapy_sessions (practice_id, client_id, counselor_id, co_therapist_id, starts_at, ends_at,
                                     modality, setting, location, telehealth_url, status, cancel_reason, cancelled_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id`,
      [
        input.client.practiceId,
        input.client.id,
        input.counselorId,
        input.coTherapistId ?? null,
        input.startsAt,
        new Date(input.startsAt.getTime() + (input.minutes ?? 50) * 60_000),
        input.modality,
        input.setting,
        input.location ?? null,
        input.telehealthUrl ?? null,
        status,
        cancelled ? 'client unwell' : null,
        cancelled ? new Date() : null,
      ],
    );
    return row!.id;
  }

  async function createFeed(auth: string, body: object = {}): Promise<{ id: string; url: string }> {
    const response = await http()
      .post('/api/v1/calendar-feeds')
      .set('Authorization', auth)
      .send(body)
      .expect(201);
    return response.body as { id: string; url: string };
  }

  it("serves the owner's sessions with client numbers and initials only, and audits each fetch as the owner", async () => {
    const maya = await createClient(testApp.dataSource, {
      practiceId: team.practice.id,
      primaryCounselorId: team.counselor.id,
      firstName: 'Maya',
      lastName: 'Okafor',
    });
    await addFamilyMember(testApp.dataSource, maya, 'mother', 'Gwendolyn');
    const jonah = await createClient(testApp.dataSource, {
      practiceId: team.practice.id,
      primaryCounselorId: team.counselor.id,
      firstName: 'Jonah',
      lastName: 'Whitfield',
    });
    const counselorId = team.counselor.id;
    const inPerson = await insertSession({
      client: maya,
      counselorId,
      startsAt: at(2),
      modality: 'family',
      setting: 'in_person',
      location: 'Room 3, Main St; 2nd floor',
    });
    const telehealth = await insertSession({
      client: jonah,
      counselorId,
      startsAt: at(3),
      modality: 'individual',
      setting: 'telehealth',
      telehealthUrl: 'https://meet.example/secret-room-7731',
    });
    const cancelled = await insertSession({
      client: maya,
      counselorId,
      startsAt: at(4),
      modality: 'couple',
      setting: 'phone',
      status: 'late_cancel',
    });
    const asCoTherapist = await insertSession({
      client: jonah,
      counselorId: team.trainee.id,
      coTherapistId: counselorId,
      startsAt: at(5),
      minutes: 90,
      modality: 'group',
      setting: 'in_person',
    });
    // Not in the feed: outside the window, or not the owner's.
    await insertSession({
      client: maya,
      counselorId,
      startsAt: at(-40),
      modality: 'family',
      setting: 'in_person',
    });
    await insertSession({
      client: maya,
      counselorId,
      startsAt: at(200),
      modality: 'family',
      setting: 'in_person',
    });
    await insertSession({
      client: jonah,
      counselorId: team.trainee.id,
      startsAt: at(6),
      modality: 'individual',
      setting: 'phone',
    });

    const feed = await createFeed(counselorAuth, { label: 'Work phone' });
    expect(feed).toEqual({
      id: expect.any(String),
      label: 'Work phone',
      url: expect.stringMatching(FEED_URL),
      createdAt: expect.any(String),
    });
    const token = FEED_URL.exec(feed.url)![1]!;
    const [stored] = await testApp.dataSource.query<{ hash: string; row: string }[]>(
      `SELECT encode(token_hash, 'hex') AS hash, row_to_json(f)::text AS row FROM calendar_feeds f WHERE id = $1`,
      [feed.id],
    );
    expect(stored!.hash).toBe(createHash('sha256').update(token).digest('hex'));
    expect(stored!.row).not.toContain(token);

    const response = await http().get(feed.url).expect(200);
    expect(response.headers['content-type']).toBe('text/calendar; charset=utf-8');
    const text = response.text;
    for (const secret of [
      'Maya',
      'Okafor',
      'Jonah',
      'Whitfield',
      'Gwendolyn',
      'meet.example',
      'secret-room',
    ]) {
      expect(text).not.toContain(secret);
    }
    expect(text.endsWith('END:VCALENDAR\r\n')).toBe(true);

    const calendar = new ICAL.Component(ICAL.parse(text));
    const events = calendar.getAllSubcomponents('vevent');
    const byUid = new Map(events.map((event) => [event.getFirstPropertyValue('uid'), event]));
    expect(events.map((event) => event.getFirstPropertyValue('uid'))).toEqual([
      inPerson,
      telehealth,
      cancelled,
      asCoTherapist,
    ]);
    const utc = (event: ICAL.Component, name: string) => {
      const time = event.getFirstPropertyValue(name) as ICAL.Time;
      expect(time.zone?.tzid).toBe('UTC');
      return time.toJSDate().toISOString();
    };
    const mayaNumber = `C-${String(maya.clientNumber).padStart(6, '0')}`;
    const jonahNumber = `C-${String(jonah.clientNumber).padStart(6, '0')}`;

    const family = byUid.get(inPerson)!;
    expect(utc(family, 'dtstart')).toBe(at(2).toISOString());
    expect(utc(family, 'dtend')).toBe(new Date(at(2).getTime() + 50 * 60_000).toISOString());
    expect(family.getFirstPropertyValue('summary')).toBe(`Family session · ${mayaNumber} (M.O.)`);
    expect(family.getFirstPropertyValue('location')).toBe('Room 3, Main St; 2nd floor');
    expect(family.getFirstPropertyValue('status')).toBe('CONFIRMED');

    const video = byUid.get(telehealth)!;
    expect(utc(video, 'dtstart')).toBe(at(3).toISOString());
    expect(video.getFirstPropertyValue('summary')).toBe(
      `Individual session · ${jonahNumber} (J.W.)`,
    );
    expect(video.getFirstProperty('location')).toBeNull();
    expect(video.getFirstPropertyValue('description')).toBe('Telehealth');
    expect(video.getFirstPropertyValue('status')).toBe('CONFIRMED');

    const lateCancel = byUid.get(cancelled)!;
    expect(lateCancel.getFirstPropertyValue('summary')).toBe(
      `Couple session · ${mayaNumber} (M.O.)`,
    );
    expect(lateCancel.getFirstPropertyValue('status')).toBe('CANCELLED');
    expect(lateCancel.getFirstProperty('location')).toBeNull();
    expect(lateCancel.getFirstPropertyValue('description')).toBe('Phone');

    const group = byUid.get(asCoTherapist)!;
    expect(utc(group, 'dtend')).toBe(at(5, 1.5).toISOString());
    expect(group.getFirstPropertyValue('summary')).toBe(`Group session · ${jonahNumber} (J.W.)`);
    // In person without a recorded address: no LOCATION rather than an empty one.
    expect(group.getFirstProperty('location')).toBeNull();

    const [fetched] = await testApp.dataSource.query<{ last_fetched_at: Date | null }[]>(
      `SELECT last_fetched_at FROM calendar_feeds WHERE id = $1`,
      [feed.id],
    );
    expect(fetched!.last_fetched_at).toBeInstanceOf(Date);
    const audit = await testApp.dataSource.query(
      `SELECT practice_id, actor_type, actor_id, actor_role, client_id, outcome, metadata FROM audit_events
        WHERE action = 'export' AND resource_type = 'calendar_feed' AND resource_id = $1`,
      [feed.id],
    );
    const asOwner = {
      practice_id: team.practice.id,
      actor_type: 'staff',
      actor_id: team.counselor.id,
      actor_role: 'counselor',
      outcome: 'success',
    };
    // One event for the fetch, and one per client whose sessions it showed (for their access logs).
    expect(audit).toEqual(
      expect.arrayContaining([
        { ...asOwner, client_id: null, metadata: { sessions: 4 } },
        { ...asOwner, client_id: maya.id, metadata: {} },
        { ...asOwner, client_id: jonah.id, metadata: {} },
      ]),
    );
    expect(audit).toHaveLength(3);
  });

  it('lists only your own active feeds, never their addresses', async () => {
    const first = await createFeed(counselorAuth, { label: 'Phone' });
    const second = await createFeed(counselorAuth);
    const theirs = await createFeed(supervisorAuth, { label: 'Supervisor laptop' });
    const response = await http()
      .get('/api/v1/calendar-feeds')
      .set('Authorization', counselorAuth)
      .expect(200);
    expect(response.body.nextCursor).toBeNull();
    const feeds = response.body.data as Record<string, unknown>[];
    const ids = feeds.map((feed) => feed.id);
    expect(ids).toEqual(expect.arrayContaining([first.id, second.id]));
    expect(ids).not.toContain(theirs.id);
    expect(feeds.find((feed) => feed.id === second.id)).toEqual({
      id: second.id,
      label: null,
      createdAt: expect.any(String),
      lastFetchedAt: null,
    });
    const raw = JSON.stringify(response.body);
    for (const feed of [first, second]) expect(raw).not.toContain(FEED_URL.exec(feed.url)![1]);
  });

  it('revokes a feed: its address answers 404 from then on and it leaves the list', async () => {
    const feed = await createFeed(counselorAuth, { label: 'Old tablet' });
    await http().get(feed.url).expect(200);
    await http()
      .delete(`/api/v1/calendar-feeds/${feed.id}`)
      .set('Authorization', counselorAuth)
      .expect(204);
    const gone = await http().get(feed.url).expect(404);
    expect(gone.headers['content-type']).toContain('application/problem+json');
    expect(gone.body.type).toBe('urn:family-therapy:problem:not-found');
    const list = await http()
      .get('/api/v1/calendar-feeds')
      .set('Authorization', counselorAuth)
      .expect(200);
    expect((list.body.data as { id: string }[]).map((row) => row.id)).not.toContain(feed.id);
    await http()
      .delete(`/api/v1/calendar-feeds/${feed.id}`)
      .set('Authorization', counselorAuth)
      .expect(404);
    const events = await testApp.dataSource.query(
      `SELECT action, actor_id, changed_fields FROM audit_events
        WHERE resource_type = 'calendar_feed' AND resource_id = $1 AND action IN ('create', 'update')
        ORDER BY occurred_at, id`,
      [feed.id],
    );
    expect(events).toEqual([
      { action: 'create', actor_id: team.counselor.id, changed_fields: ['label'] },
      { action: 'update', actor_id: team.counselor.id, changed_fields: ['revokedAt'] },
    ]);
  });

  it("answers 404 to revoking another clinician's feed, which keeps working, and audits the attempt", async () => {
    const theirs = await createFeed(supervisorAuth);
    const denied = await http()
      .delete(`/api/v1/calendar-feeds/${theirs.id}`)
      .set('Authorization', counselorAuth)
      .expect(404);
    expect(denied.body.type).toBe('urn:family-therapy:problem:not-found');
    await http().get(theirs.url).expect(200);
    const events = await testApp.dataSource.query(
      `SELECT actor_id, outcome FROM audit_events
        WHERE action = 'access_denied' AND resource_type = 'calendar_feed' AND resource_id = $1`,
      [theirs.id],
    );
    expect(events).toEqual([{ actor_id: team.counselor.id, outcome: 'denied' }]);
  });

  it('answers 404 to an unknown or malformed feed address, without a token', async () => {
    const unknown = randomBytes(32).toString('base64url');
    const response = await http().get(`/api/v1/calendar-feeds/${unknown}.ics`).expect(404);
    expect(response.headers['content-type']).toContain('application/problem+json');
    await http().get('/api/v1/calendar-feeds/not-a-token.ics').expect(404);
  });

  it('stops serving the feed of a clinician who was deactivated', async () => {
    const { practice, counselor } = await createTeam(testApp.dataSource);
    const feed = await createFeed(bearer(await tokenFor(testApp.app, counselor)));
    await http().get(feed.url).expect(200);
    await testApp.dataSource.query(
      `UPDATE staff SET active = false, deactivated_at = now() WHERE practice_id = $1 AND id = $2`,
      [practice.id, counselor.id],
    );
    await http().get(feed.url).expect(404);
  });

  it('lets only counselors and supervisors create feeds (403 otherwise)', async () => {
    for (const staff of [team.intake, team.admin]) {
      const response = await http()
        .post('/api/v1/calendar-feeds')
        .set('Authorization', bearer(await tokenFor(testApp.app, staff)))
        .send({})
        .expect(403);
      expect(response.body.type).toBe('urn:family-therapy:problem:forbidden');
    }
    await createFeed(supervisorAuth, { label: 'Supervisor phone' });
  });

  it('needs a token to create, list or revoke feeds', async () => {
    await http().post('/api/v1/calendar-feeds').send({}).expect(401);
    await http().get('/api/v1/calendar-feeds').expect(401);
    await http().delete(`/api/v1/calendar-feeds/${team.counselor.id}`).expect(401);
  });

  it('refuses unknown fields and a label with control characters', async () => {
    const unknown = await http()
      .post('/api/v1/calendar-feeds')
      .set('Authorization', counselorAuth)
      .send({ label: 'Phone', token: 'mine' })
      .expect(400);
    expect(unknown.body.errors).toEqual([expect.objectContaining({ field: 'token' })]);
    await http()
      .post('/api/v1/calendar-feeds')
      .set('Authorization', counselorAuth)
      .send({ label: 'Phone\nX-INJECTED:1' })
      .expect(400);
  });

  it('refuses a 21st active feed until one is revoked', async () => {
    const { practice, counselor } = await createTeam(testApp.dataSource);
    const auth = bearer(await tokenFor(testApp.app, counselor));
    await testApp.dataSource.query(
      `INSERT INTO calendar_feeds (practice_id, staff_id, token_hash)
       SELECT $1, $2, sha256(gen_random_uuid()::text::bytea) FROM generate_series(1, 19)`,
      [practice.id, counselor.id],
    );
    const twentieth = await createFeed(auth);
    const refused = await http()
      .post('/api/v1/calendar-feeds')
      .set('Authorization', auth)
      .send({})
      .expect(409);
    expect(refused.body.type).toBe('urn:family-therapy:problem:too-many-calendar-feeds');
    await http()
      .delete(`/api/v1/calendar-feeds/${twentieth.id}`)
      .set('Authorization', auth)
      .expect(204);
    await createFeed(auth);
  });
});
