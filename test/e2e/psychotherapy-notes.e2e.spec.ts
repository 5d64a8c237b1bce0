import request from 'supertest';
import { createClient, type TestClient } from '../factories/client.factory';
import { createStaff, createTeam, type TestStaff } from '../factories/staff.factory';
import { bearer, tokenFor } from '../setup/auth';
import { startTestApp, type TestApp } from '../setup/test-app';
import { ownerQuery } from '../setup/database-roles';

// A marker that must never show up anywhere but the note itself.
const MARKER = 'countertransference-marker-7f3a9c';
const TEXT = `My own frustration rose when she described the missed Sunday call; ${MARKER}. Explore in supervision of self, not of the case.`;

interface NoteBody {
  id: string;
  clientId: string;
  sessionId: string | null;
  authorId: string;
  text: string;
  createdAt: string;
  updatedAt: string;
}

describe('psychotherapy notes', () => {
  let testApp: TestApp;
  let team: Awaited<ReturnType<typeof createTeam>>;
  let client: TestClient;
  let coTherapist: TestStaff;
  let auth: Record<'counselor' | 'supervisor' | 'admin' | 'coTherapist', string>;

  beforeAll(async () => {
    testApp = await startTestApp();
    team = await createTeam(testApp.dataSource);
    client = await createClient(testApp.dataSource, {
      practiceId: team.practice.id,
      primaryCounselorId: team.counselor.id,
    });
    coTherapist = await createStaff(testApp.dataSource, {
      practiceId: team.practice.id,
      role: 'counselor',
    });
    await addToCareTeam(client, coTherapist.id, 'co_therapist');
    auth = {
      counselor: bearer(await tokenFor(testApp.app, team.counselor)),
      supervisor: bearer(await tokenFor(testApp.app, team.supervisor)),
      admin: bearer(await tokenFor(testApp.app, team.admin)),
      coTherapist: bearer(await tokenFor(testApp.app, coTherapist)),
    };
  });
  afterAll(() => testApp.close());

  const http = () => request(testApp.app.getHttpServer());
  const notesOf = (clientId: string) => `/api/v1/clients/${clientId}/psychotherapy-notes`;

  async function addToCareTeam(of: TestClient, staffId: string, role: string): Promise<void> {
    await testApp.dataSource.query(
      `INSERT INTO care_team_members (practice_id, client_id, staff_id, role) VALUES ($1, $2, $3, $4)`,
      [of.practiceId, of.id, staffId, role],
    );
  }

  async function insertSession(of: TestClient, counselorId: string, daysAhead: number) {
    const startsAt = new Date(Date.now() + daysAhead * 86_400_000);
    const [row] = await testApp.dataSource.query<{ id: string }[]>(
      `INSERT INTO therapy_sessions (practice_id, client_id, counselor_id, starts_at, ends_at, modality, setting)
       VALUES ($1, $2, $3, $4, $4::timestamptz + interval '50 minutes', 'family', 'in_person') RETURNING id`,
      [of.practiceId, of.id, counselorId, startsAt],
    );
    return row!.id;
  }

  async function writeNote(by: string, of: TestClient = client, body: object = { text: TEXT }) {
    const response = await http()
      .post(notesOf(of.id))
      .set('Authorization', by)
      .send(body)
      .expect(201);
    return { note: response.body as NoteBody, etag: response.headers.etag as string };
  }

  const auditOf = (noteId: string) =>
    testApp.dataSource.query<
      {
        action: string;
        actor_id: string;
        client_id: string | null;
        outcome: string;
        changed_fields: string[];
      }[]
    >(
      `SELECT action, actor_id, client_id, outcome, changed_fields FROM audit_events
        WHERE resource_type = 'psychotherapy_note' AND resource_id = $1 ORDER BY occurred_at, id`,
      [noteId],
    );

  // Every column of every audit row, metadata included, as text.
  const auditRowsContaining = (needle: string) =>
    testApp.dataSource.query(
      `SELECT id FROM audit_events e
        WHERE e.metadata::text LIKE '%' || $1 || '%' OR row_to_json(e)::text LIKE '%' || $1 || '%'`,
      [needle],
    );

  it('lets the author write, read, list and edit a note, with ETags, and audits each step without the text', async () => {
    const sessionId = await insertSession(client, team.counselor.id, 1);
    const created = await http()
      .post(notesOf(client.id))
      .set('Authorization', auth.counselor)
      .send({ text: TEXT, sessionId })
      .expect(201);
    const note = created.body as NoteBody;
    expect(note).toEqual({
      id: expect.any(String),
      clientId: client.id,
      sessionId,
      authorId: team.counselor.id,
      text: TEXT,
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
    });
    expect(created.headers.etag).toBe(`"${note.id}.1"`);
    expect(created.headers.location).toBe(`/api/v1/psychotherapy-notes/${note.id}`);

    const read = await http()
      .get(`/api/v1/psychotherapy-notes/${note.id}`)
      .set('Authorization', auth.counselor)
      .expect(200);
    expect(read.body).toEqual(note);
    expect(read.headers.etag).toBe(`"${note.id}.1"`);

    const list = await http()
      .get(notesOf(client.id))
      .set('Authorization', auth.counselor)
      .expect(200);
    expect(list.body).toEqual({ data: [note], nextCursor: null });

    const revised = `${TEXT} Revised after reflection.`;
    const updated = await http()
      .patch(`/api/v1/psychotherapy-notes/${note.id}`)
      .set('Authorization', auth.counselor)
      .set('If-Match', read.headers.etag as string)
      .send({ text: revised, sessionId: null })
      .expect(200);
    expect(updated.body).toMatchObject({ id: note.id, text: revised, sessionId: null });
    expect(updated.headers.etag).toBe(`"${note.id}.2"`);

    const stale = await http()
      .patch(`/api/v1/psychotherapy-notes/${note.id}`)
      .set('Authorization', auth.counselor)
      .set('If-Match', read.headers.etag as string)
      .send({ text: 'overwrite' })
      .expect(412);
    expect(stale.body.type).toBe('urn:family-therapy:problem:precondition-failed');
    const [stored] = await testApp.dataSource.query<{ text: string; version: number }[]>(
      `SELECT text, version FROM psychotherapy_notes WHERE id = $1`,
      [note.id],
    );
    expect(stored).toEqual({ text: revised, version: 2 });

    expect(await auditOf(note.id)).toEqual([
      {
        action: 'create',
        actor_id: team.counselor.id,
        client_id: client.id,
        outcome: 'success',
        changed_fields: ['text', 'sessionId'],
      },
      {
        action: 'read',
        actor_id: team.counselor.id,
        client_id: client.id,
        outcome: 'success',
        changed_fields: [],
      },
      {
        action: 'update',
        actor_id: team.counselor.id,
        client_id: client.id,
        outcome: 'success',
        changed_fields: ['text', 'sessionId'],
      },
    ]);
    const listed = await testApp.dataSource.query(
      `SELECT actor_id, metadata FROM audit_events
        WHERE action = 'list' AND resource_type = 'psychotherapy_note' AND client_id = $1 AND actor_id = $2`,
      [client.id, team.counselor.id],
    );
    expect(listed).toEqual([
      { actor_id: team.counselor.id, metadata: { count: 1, via: 'care_team' } },
    ]);
    expect(await auditRowsContaining(MARKER)).toEqual([]);
    expect(await auditRowsContaining('Revised after reflection')).toEqual([]);
  });

  it("answers 404 to the author's supervisor, who can read the client, on GET and PATCH, and audits both attempts", async () => {
    const { note } = await writeNote(auth.counselor);
    await http()
      .get(`/api/v1/clients/${client.id}`)
      .set('Authorization', auth.supervisor)
      .expect(200);

    const read = await http()
      .get(`/api/v1/psychotherapy-notes/${note.id}`)
      .set('Authorization', auth.supervisor)
      .expect(404);
    expect(read.body.type).toBe('urn:family-therapy:problem:not-found');
    expect(JSON.stringify(read.body)).not.toContain(MARKER);
    await http()
      .patch(`/api/v1/psychotherapy-notes/${note.id}`)
      .set('Authorization', auth.supervisor)
      .set('If-Match', `"${note.id}.1"`)
      .send({ text: 'Supervisor was here.' })
      .expect(404);
    const list = await http()
      .get(notesOf(client.id))
      .set('Authorization', auth.supervisor)
      .expect(200);
    expect(list.body).toEqual({ data: [], nextCursor: null });

    const [stored] = await testApp.dataSource.query<{ text: string; version: number }[]>(
      `SELECT text, version FROM psychotherapy_notes WHERE id = $1`,
      [note.id],
    );
    expect(stored).toEqual({ text: TEXT, version: 1 });
    const denied = (await auditOf(note.id)).filter((event) => event.action === 'access_denied');
    expect(denied).toEqual([
      {
        action: 'access_denied',
        actor_id: team.supervisor.id,
        client_id: client.id,
        outcome: 'denied',
        changed_fields: [],
      },
      {
        action: 'access_denied',
        actor_id: team.supervisor.id,
        client_id: client.id,
        outcome: 'denied',
        changed_fields: [],
      },
    ]);
  });

  it('answers 404 to an admin, even where the practice lets admins read clinical content', async () => {
    const other = await createTeam(testApp.dataSource);
    await ownerQuery(
      testApp.dataSource,
      `UPDATE practices SET settings = settings || '{"adminClinicalAccess": true}'::jsonb WHERE id = $1`,
      [other.practice.id],
    );
    const theirClient = await createClient(testApp.dataSource, {
      practiceId: other.practice.id,
      primaryCounselorId: other.counselor.id,
    });
    const { note } = await writeNote(
      bearer(await tokenFor(testApp.app, other.counselor)),
      theirClient,
    );
    const adminAuth = bearer(await tokenFor(testApp.app, other.admin));
    await http()
      .get(`/api/v1/psychotherapy-notes/${note.id}`)
      .set('Authorization', adminAuth)
      .expect(404);
    await http()
      .patch(`/api/v1/psychotherapy-notes/${note.id}`)
      .set('Authorization', adminAuth)
      .send({ text: 'Admin edit.' })
      .expect(404);
    const list = await http()
      .get(notesOf(theirClient.id))
      .set('Authorization', adminAuth)
      .expect(200);
    expect(list.body.data).toEqual([]);
    const denied = (await auditOf(note.id)).filter((event) => event.action === 'access_denied');
    expect(denied.map((event) => event.actor_id)).toEqual([other.admin.id, other.admin.id]);
  });

  it('hides a note from a co-therapist on the same care team, in the detail and in the list', async () => {
    const { note } = await writeNote(auth.counselor);
    const own = await writeNote(auth.coTherapist, client, {
      text: 'The co-therapist’s own process note.',
    });
    await http()
      .get(`/api/v1/psychotherapy-notes/${note.id}`)
      .set('Authorization', auth.coTherapist)
      .expect(404);
    const list = await http()
      .get(notesOf(client.id))
      .set('Authorization', auth.coTherapist)
      .expect(200);
    expect((list.body.data as NoteBody[]).map((row) => row.id)).toEqual([own.note.id]);
    expect(JSON.stringify(list.body)).not.toContain(MARKER);
  });

  it('answers 404 to an author who has left the care team, and audits it', async () => {
    const counselor = await createStaff(testApp.dataSource, {
      practiceId: team.practice.id,
      role: 'counselor',
    });
    const counselorAuth = bearer(await tokenFor(testApp.app, counselor));
    const theirClient = await createClient(testApp.dataSource, {
      practiceId: team.practice.id,
      primaryCounselorId: counselor.id,
    });
    const { note } = await writeNote(counselorAuth, theirClient);
    await testApp.dataSource.query(
      `UPDATE care_team_members SET removed_at = now() WHERE client_id = $1 AND staff_id = $2`,
      [theirClient.id, counselor.id],
    );
    await http()
      .get(`/api/v1/psychotherapy-notes/${note.id}`)
      .set('Authorization', counselorAuth)
      .expect(404);
    await http()
      .patch(`/api/v1/psychotherapy-notes/${note.id}`)
      .set('Authorization', counselorAuth)
      .send({ text: 'Still mine?' })
      .expect(404);
    await http().get(notesOf(theirClient.id)).set('Authorization', counselorAuth).expect(404);
    const denied = (await auditOf(note.id)).filter((event) => event.action === 'access_denied');
    expect(denied).toEqual([
      expect.objectContaining({
        actor_id: counselor.id,
        client_id: theirClient.id,
        outcome: 'denied',
      }),
      expect.objectContaining({
        actor_id: counselor.id,
        client_id: theirClient.id,
        outcome: 'denied',
      }),
    ]);
  });

  it('walks the list newest first, page by page', async () => {
    const of = await createClient(testApp.dataSource, {
      practiceId: team.practice.id,
      primaryCounselorId: team.counselor.id,
    });
    const ids: string[] = [];
    for (let i = 0; i < 5; i += 1)
      ids.push((await writeNote(auth.counselor, of, { text: `Note ${i}` })).note.id);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page = await http()
        .get(notesOf(of.id))
        .query({ limit: 2, ...(cursor ? { cursor } : {}) })
        .set('Authorization', auth.counselor)
        .expect(200);
      seen.push(...(page.body.data as NoteBody[]).map((row) => row.id));
      cursor = page.body.nextCursor as string | null;
    } while (cursor);
    expect(seen).toEqual([...ids].reverse());
  });

  it('refuses a session of another client with 422 naming sessionId', async () => {
    const otherClient = await createClient(testApp.dataSource, {
      practiceId: team.practice.id,
      primaryCounselorId: team.counselor.id,
    });
    const otherSession = await insertSession(otherClient, team.counselor.id, 2);
    const response = await http()
      .post(notesOf(client.id))
      .set('Authorization', auth.counselor)
      .send({ text: TEXT, sessionId: otherSession })
      .expect(422);
    expect(response.body.errors).toEqual([
      { field: 'sessionId', message: 'must be a session of this client' },
    ]);
    const { note } = await writeNote(auth.counselor);
    await http()
      .patch(`/api/v1/psychotherapy-notes/${note.id}`)
      .set('Authorization', auth.counselor)
      .send({ sessionId: otherSession })
      .expect(422);
  });

  it('replays an idempotent retry without keeping the text with the key, and refuses the key with another body', async () => {
    const of = await createClient(testApp.dataSource, {
      practiceId: team.practice.id,
      primaryCounselorId: team.counselor.id,
    });
    const send = (body: object) =>
      http()
        .post(notesOf(of.id))
        .set('Authorization', auth.counselor)
        .set('Idempotency-Key', 'pn-retry-1')
        .send(body);
    const first = await send({ text: TEXT }).expect(201);
    const retry = await send({ text: TEXT }).expect(201);
    expect(retry.body).toEqual(first.body);
    expect(retry.headers['idempotency-replayed']).toBe('true');
    expect(retry.headers.etag).toBe(first.headers.etag);
    const different = await send({ text: 'Another note.' }).expect(422);
    expect(different.body.type).toBe('urn:family-therapy:problem:idempotency-key-reused');
    const [count] = await testApp.dataSource.query<{ n: number }[]>(
      `SELECT count(*)::int AS n FROM psychotherapy_notes WHERE client_id = $1`,
      [of.id],
    );
    expect(count!.n).toBe(1);
    const [key] = await testApp.dataSource.query<{ row: string }[]>(
      `SELECT row_to_json(k)::text AS row FROM idempotency_keys k WHERE actor_id = $1 AND key = 'pn-retry-1'`,
      [team.counselor.id],
    );
    expect(key!.row).toContain(first.body.id);
    expect(key!.row).not.toContain(MARKER);
  });

  it('validates the note: blank, too long, unknown fields, a malformed session id', async () => {
    const post = (body: object) =>
      http().post(notesOf(client.id)).set('Authorization', auth.counselor).send(body);
    const blank = await post({ text: '   \n ' }).expect(400);
    expect(blank.body.errors).toEqual([{ field: 'text', message: 'must not be blank' }]);
    await post({ text: 'x'.repeat(20_001) }).expect(400);
    await post({ text: 'ok', authorId: team.supervisor.id }).expect(400);
    await post({ text: 'ok', sessionId: 'not-a-uuid' }).expect(400);
    const { note } = await writeNote(auth.counselor);
    await http()
      .patch(`/api/v1/psychotherapy-notes/${note.id}`)
      .set('Authorization', auth.counselor)
      .send({ text: null })
      .expect(400);
  });

  it("answers 404 for another practice's client and needs a token everywhere", async () => {
    const elsewhere = await createTeam(testApp.dataSource);
    const outsider = bearer(await tokenFor(testApp.app, elsewhere.counselor));
    await http()
      .post(notesOf(client.id))
      .set('Authorization', outsider)
      .send({ text: TEXT })
      .expect(404);
    await http().get(notesOf(client.id)).set('Authorization', outsider).expect(404);
    const { note } = await writeNote(auth.counselor);
    await http()
      .get(`/api/v1/psychotherapy-notes/${note.id}`)
      .set('Authorization', outsider)
      .expect(404);

    await http().post(notesOf(client.id)).send({ text: TEXT }).expect(401);
    await http().get(notesOf(client.id)).expect(401);
    await http().get(`/api/v1/psychotherapy-notes/${note.id}`).expect(401);
    await http().patch(`/api/v1/psychotherapy-notes/${note.id}`).send({ text: 'x' }).expect(401);
  });

  // Runs last: every test above has written, read, listed, edited or been refused a note.
  it('never writes the text into the audit trail, in any column', async () => {
    const [total] = await testApp.dataSource.query<{ n: number }[]>(
      `SELECT count(*)::int AS n FROM audit_events WHERE resource_type = 'psychotherapy_note'`,
    );
    expect(total!.n).toBeGreaterThan(20);
    expect(await auditRowsContaining(MARKER)).toEqual([]);
  });

  it("does not reveal a psychotherapy note's existence in the client's access log to anyone but its author", async () => {
    const own = await createClient(testApp.dataSource, {
      practiceId: team.practice.id,
      primaryCounselorId: team.counselor.id,
    });
    await http()
      .post(notesOf(own.id))
      .set('Authorization', auth.counselor)
      .send({ text: TEXT })
      .expect(201);
    const noteEventsSeenBy = async (who: string) => {
      const response = await http()
        .get(`/api/v1/clients/${own.id}/access-log?limit=200`)
        .set('Authorization', who)
        .expect(200);
      return (response.body.data as { resourceType: string }[]).filter(
        (entry) => entry.resourceType === 'psychotherapy_note',
      ).length;
    };
    expect(await noteEventsSeenBy(auth.supervisor)).toBe(0);
    expect(await noteEventsSeenBy(auth.admin)).toBe(0);
    expect(await noteEventsSeenBy(auth.counselor)).toBe(1);
  });
});
