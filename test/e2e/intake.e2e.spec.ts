import { createHash, randomBytes } from 'node:crypto';
import request from 'supertest';
import { createClient } from '../factories/client.factory';
import { createTeam } from '../factories/staff.factory';
import { bearer, tokenFor } from '../setup/auth';
import { startTestApp, type TestApp } from '../setup/test-app';
import { isolatedDatabaseUrl } from '../setup/test-database';

type Team = Awaited<ReturnType<typeof createTeam>>;

const CONSENTS = [
  { key: 'treatment', version: '2026-01' },
  { key: 'privacy', version: '2026-01' },
  { key: 'telehealth', version: '2026-01' },
];

/** A complete, valid intake form; `client` fields can be overridden. */
function form(client: Record<string, unknown> = {}, rest: Record<string, unknown> = {}) {
  return {
    client: {
      firstName: 'Maya',
      lastName: "O'Brien-Núñez",
      preferredName: 'May',
      dateOfBirth: '1998-04-02',
      pronouns: 'she/her',
      email: ' Maya.OBrien@Example.ORG ',
      phone: '+1 (555) 010-4477',
      ...client,
    },
    presentingConcerns: ['estrangement', 'trust_after_betrayal'],
    trustIndicators: ['difficulty_opening_up'],
    familyMembers: [
      { firstName: 'Grace', lastName: 'Núñez', relationship: 'mother', shouldTakePart: true },
      {
        firstName: 'Leo',
        relationship: 'sibling',
        email: 'leo@example.org',
        shouldTakePart: false,
      },
    ],
    preferredModality: 'family',
    availability: 'Weekday evenings after 6.\nSaturday mornings.',
    reasonForSeekingHelp: 'My mother and I have not spoken for two years; we want to try again.',
    emergencyContact: { name: 'Ruth Okafor', phone: '+1 555 0199', relationship: 'friend_support' },
    consents: CONSENTS,
    ...rest,
  };
}

/** What must read the same for every refused link (instance and requestId differ per request). */
const refusal = (body: Record<string, unknown>) => ({
  type: body.type,
  title: body.title,
  status: body.status,
  detail: body.detail,
});

const sha256 = (token: string) => createHash('sha256').update(token, 'utf8').digest();

describe('intake', () => {
  let testApp: TestApp;

  beforeAll(async () => {
    testApp = await startTestApp();
  });
  afterAll(() => testApp.close());

  const http = () => request(testApp.app.getHttpServer());
  const db = () => testApp.dataSource;

  async function setup() {
    const team = await createTeam(db());
    const auth = {
      intake: bearer(await tokenFor(testApp.app, team.intake)),
      counselor: bearer(await tokenFor(testApp.app, team.counselor)),
      supervisor: bearer(await tokenFor(testApp.app, team.supervisor)),
      admin: bearer(await tokenFor(testApp.app, team.admin)),
    };
    return { team, auth };
  }

  async function invite(auth: string, body: object = {}) {
    const response = await http()
      .post('/api/v1/intake-invitations')
      .set('Authorization', auth)
      .send(body)
      .expect(201);
    return response.body as { id: string; token: string; url: string; expiresAt: string };
  }

  async function staffEntry(auth: string, body: object = form()) {
    const response = await http()
      .post('/api/v1/intake-submissions')
      .set('Authorization', auth)
      .send(body)
      .expect(201);
    return response.body.id as string;
  }

  async function submissionCount(team: Team): Promise<number> {
    const [row] = await db().query<{ n: number }[]>(
      `SELECT count(*)::int AS n FROM intake_submissions WHERE practice_id = $1`,
      [team.practice.id],
    );
    return row!.n;
  }

  it('takes a family from an intake link to an active client of their counselor', async () => {
    const { team, auth } = await setup();
    const olderPending = await staffEntry(auth.intake, form({ firstName: 'Older' }));

    const link = await invite(auth.intake, { email: 'Maya.OBrien@Example.org' });
    expect(link.url).toBe(`/api/v1/intake/${link.token}`);
    expect(link.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const days = (Date.parse(link.expiresAt) - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(13.9);
    expect(days).toBeLessThanOrEqual(14);
    const [stored] = await db().query<{ n: number }[]>(
      `SELECT count(*)::int AS n FROM intake_invitations WHERE id = $1 AND token_hash = $2`,
      [link.id, sha256(link.token)],
    );
    expect(stored!.n).toBe(1);

    const shown = await http().get(link.url).expect(200);
    expect(shown.body).toMatchObject({
      practice: { name: team.practice.name },
      prefilledEmail: 'maya.obrien@example.org',
      expiresAt: link.expiresAt,
    });
    expect(shown.body.sections.map((section: { key: string }) => section.key)).toEqual([
      'client',
      'concerns',
      'family',
      'preferences',
      'emergencyContact',
    ]);
    expect(shown.body.sections[0].fields[0]).toEqual({
      key: 'client.firstName',
      label: 'First name',
      type: 'text',
      required: true,
      maxLength: 100,
    });
    expect(
      shown.body.consents.map((c: { key: string; version: string; required: boolean }) => [
        c.key,
        c.version,
        c.required,
      ]),
    ).toEqual([
      ['treatment', '2026-01', true],
      ['privacy', '2026-01', true],
      ['telehealth', '2026-01', false],
    ]);
    expect(shown.body.consents[0].text.length).toBeGreaterThan(100);

    const sent = form();
    const received = await http().post(link.url).send(sent).expect(201);
    const submissionId = received.body.id as string;
    expect(Object.keys(received.body).sort()).toEqual(['id', 'receivedAt']);

    // Audited with the link as the actor.
    const events = await db().query<
      { actor_type: string; actor_id: string; practice_id: string }[]
    >(
      `SELECT actor_type, actor_id, practice_id FROM audit_events
        WHERE action = 'create' AND resource_type = 'intake_submission' AND resource_id = $1`,
      [submissionId],
    );
    expect(events).toEqual([
      { actor_type: 'intake_link', actor_id: link.id, practice_id: team.practice.id },
    ]);
    const [formRead] = await db().query<{ actor_type: string }[]>(
      `SELECT actor_type FROM audit_events WHERE action = 'read' AND resource_type = 'intake_form' AND resource_id = $1`,
      [link.id],
    );
    expect(formRead!.actor_type).toBe('intake_link');

    // A decided submission newer than both pending ones still comes after them.
    const decided = await staffEntry(auth.intake, form({ firstName: 'Decided' }));
    await http()
      .post(`/api/v1/intake-submissions/${decided}/reject`)
      .set('Authorization', auth.intake)
      .send({ reason: 'Out of our area; referred to a colleague.' })
      .expect(200);
    const queue = await http()
      .get('/api/v1/intake-submissions')
      .set('Authorization', auth.intake)
      .expect(200);
    expect(
      queue.body.data.map((item: { id: string; status: string }) => [item.id, item.status]),
    ).toEqual([
      [submissionId, 'pending'],
      [olderPending, 'pending'],
      [decided, 'rejected'],
    ]);
    expect(queue.body.data[0]).toMatchObject({
      source: 'invitation',
      invitationId: link.id,
      firstName: 'Maya',
      lastName: "O'Brien-Núñez",
      dateOfBirth: '1998-04-02',
      email: 'maya.obrien@example.org',
      presentingConcerns: ['estrangement', 'trust_after_betrayal'],
      familyMemberCount: 2,
      possibleDuplicates: [],
    });
    const firstPage = await http()
      .get('/api/v1/intake-submissions?limit=2')
      .set('Authorization', auth.intake)
      .expect(200);
    const secondPage = await http()
      .get(`/api/v1/intake-submissions?limit=2&cursor=${firstPage.body.nextCursor}`)
      .set('Authorization', auth.intake)
      .expect(200);
    expect(secondPage.body).toMatchObject({ data: [{ id: decided }], nextCursor: null });

    // Kept exactly as sent, with the consent texts' versions.
    const detail = await http()
      .get(`/api/v1/intake-submissions/${submissionId}`)
      .set('Authorization', auth.intake)
      .expect(200);
    expect(detail.body.payload).toEqual(sent);
    expect(detail.body.payload.client.email).toBe(' Maya.OBrien@Example.ORG ');
    expect(detail.body.consents).toEqual([
      { key: 'treatment', version: '2026-01', title: 'Consent to counseling' },
      { key: 'privacy', version: '2026-01', title: 'Privacy and confidentiality' },
      { key: 'telehealth', version: '2026-01', title: 'Sessions by video' },
    ]);

    const accepted = await http()
      .post(`/api/v1/intake-submissions/${submissionId}/accept`)
      .set('Authorization', auth.intake)
      .send({ primaryCounselorId: team.counselor.id })
      .expect(200);
    expect(accepted.body).toMatchObject({
      status: 'accepted',
      reviewedBy: team.intake.id,
      clientId: expect.any(String),
    });
    const clientId = accepted.body.clientId as string;

    // The counselor reaches their new client, family and care team.
    const client = await http()
      .get(`/api/v1/clients/${clientId}`)
      .set('Authorization', auth.counselor)
      .expect(200);
    expect(client.body).toMatchObject({
      clientNumber: expect.stringMatching(/^C-\d{6}$/),
      status: 'active',
      firstName: 'Maya',
      lastName: "O'Brien-Núñez",
      preferredName: 'May',
      dateOfBirth: '1998-04-02',
      pronouns: 'she/her',
      email: 'maya.obrien@example.org',
      phone: '+1 (555) 010-4477',
      presentingConcerns: ['estrangement', 'trust_after_betrayal'],
      trustIndicators: ['difficulty_opening_up'],
    });
    const family = await http()
      .get(`/api/v1/clients/${clientId}/family-members`)
      .set('Authorization', auth.counselor)
      .expect(200);
    const members = (
      family.body as {
        firstName: string;
        relationship: string;
        participation: string;
        emergencyContact: boolean;
      }[]
    )
      .map((m) => [m.firstName, m.relationship, m.participation, m.emergencyContact])
      .sort();
    expect(members).toEqual([
      ['Grace', 'mother', 'participating', false],
      ['Leo', 'sibling', 'invited', false],
      ['Ruth Okafor', 'friend_support', 'invited', true],
    ]);
    const careTeam = await http()
      .get(`/api/v1/clients/${clientId}/care-team`)
      .set('Authorization', auth.counselor)
      .expect(200);
    expect(careTeam.body).toMatchObject([
      { staffId: team.counselor.id, role: 'primary_counselor' },
    ]);

    const audited = await db().query<{ resource_type: string; action: string; n: number }[]>(
      `SELECT resource_type, action, count(*)::int AS n FROM audit_events
        WHERE practice_id = $1 AND client_id = $2 AND actor_id = $3 AND action IN ('create', 'status_change')
        GROUP BY 1, 2 ORDER BY 1, 2`,
      [team.practice.id, clientId, team.intake.id],
    );
    expect(audited).toEqual([
      { resource_type: 'care_team_member', action: 'create', n: 1 },
      { resource_type: 'client', action: 'create', n: 1 },
      { resource_type: 'family_member', action: 'create', n: 3 },
      { resource_type: 'intake_submission', action: 'status_change', n: 1 },
    ]);

    const invitations = await http()
      .get('/api/v1/intake-invitations')
      .set('Authorization', auth.intake)
      .expect(200);
    expect(invitations.body.data).toEqual([
      expect.objectContaining({ id: link.id, status: 'used', submissionId }),
    ]);
    expect(JSON.stringify(invitations.body)).not.toContain(link.token);
  });

  it('refuses a used link with the same 404 as an unknown one, and audits the attempt', async () => {
    const { team, auth } = await setup();
    const link = await invite(auth.counselor);
    await http().post(link.url).send(form()).expect(201);

    const reused = await http()
      .post(link.url)
      .send(form({ firstName: 'Again' }))
      .expect(404);
    const shownAgain = await http().get(link.url).expect(404);
    const unknown = await http()
      .post(`/api/v1/intake/${randomBytes(32).toString('base64url')}`)
      .send(form())
      .expect(404);
    const malformed = await http().get('/api/v1/intake/not-a-token').expect(404);
    expect(refusal(reused.body)).toEqual(refusal(unknown.body));
    expect(refusal(shownAgain.body)).toEqual(refusal(unknown.body));
    expect(refusal(malformed.body)).toEqual(refusal(unknown.body));
    expect(reused.body.type).toBe('urn:family-therapy:problem:intake-link-not-found');

    expect(await submissionCount(team)).toBe(1);
    const denials = await db().query<{ actor_type: string; metadata: { reason: string } }[]>(
      `SELECT actor_type, metadata FROM audit_events
        WHERE action = 'access_denied' AND resource_type = 'intake_invitation' AND resource_id = $1`,
      [link.id],
    );
    expect(denials.map((d) => [d.actor_type, d.metadata.reason])).toEqual([
      ['intake_link', 'used'],
      ['intake_link', 'used'],
    ]);
  });

  it('refuses an expired link and a revoked one (404), and a used link cannot be revoked', async () => {
    const { team, auth } = await setup();
    const expired = await invite(auth.intake, { expiresInDays: 1 });
    await db().query(
      `UPDATE intake_invitations SET created_at = now() - interval '3 days', expires_at = now() - interval '1 second'
        WHERE id = $1`,
      [expired.id],
    );
    const unknown = await http()
      .get(`/api/v1/intake/${randomBytes(32).toString('base64url')}`)
      .expect(404);
    expect(refusal((await http().get(expired.url).expect(404)).body)).toEqual(
      refusal(unknown.body),
    );
    expect(refusal((await http().post(expired.url).send(form()).expect(404)).body)).toEqual(
      refusal(unknown.body),
    );

    const revoked = await invite(auth.counselor);
    // A counselor reaches only the links they sent; another counselor's is not there.
    await http()
      .post(`/api/v1/intake-invitations/${revoked.id}/revoke`)
      .set('Authorization', bearer(await tokenFor(testApp.app, team.trainee)))
      .expect(404);
    const done = await http()
      .post(`/api/v1/intake-invitations/${revoked.id}/revoke`)
      .set('Authorization', auth.counselor)
      .expect(200);
    expect(done.body).toMatchObject({ id: revoked.id, status: 'revoked' });
    expect(refusal((await http().post(revoked.url).send(form()).expect(404)).body)).toEqual(
      refusal(unknown.body),
    );

    const used = await invite(auth.intake);
    await http().post(used.url).send(form()).expect(201);
    const refused = await http()
      .post(`/api/v1/intake-invitations/${used.id}/revoke`)
      .set('Authorization', auth.intake)
      .expect(409);
    expect(refused.body.type).toBe('urn:family-therapy:problem:intake-invitation-used');

    await http()
      .post('/api/v1/intake-invitations')
      .set('Authorization', auth.intake)
      .send({ expiresInDays: 61 })
      .expect(400);
    const mine = await http()
      .get('/api/v1/intake-invitations')
      .set('Authorization', auth.counselor)
      .expect(200);
    expect(mine.body.data.map((i: { id: string }) => i.id)).toEqual([revoked.id]);
    const open = await http()
      .get('/api/v1/intake-invitations?status=expired')
      .set('Authorization', auth.admin)
      .expect(200);
    expect(open.body.data.map((i: { id: string }) => i.id)).toEqual([expired.id]);
    expect(await submissionCount(team)).toBe(1);
  });

  it('refuses hostile input with a problem naming the field, and stores nothing', async () => {
    const { team, auth } = await setup();
    const link = await invite(auth.intake);
    const member = { firstName: 'Ann', relationship: 'sibling', shouldTakePart: true };
    const base = JSON.stringify(form()).slice(1);
    const cases: {
      name: string;
      body: string | object;
      status: number;
      field: string;
      message?: string;
    }[] = [
      {
        name: 'an oversized name',
        body: form({ firstName: 'A'.repeat(10_000) }),
        status: 400,
        field: 'client.firstName',
      },
      {
        name: 'an oversized story',
        body: form({}, { reasonForSeekingHelp: 'x'.repeat(5001) }),
        status: 400,
        field: 'reasonForSeekingHelp',
      },
      {
        name: '10,000 family members',
        body: form({}, { familyMembers: Array.from({ length: 10_000 }, () => member) }),
        status: 400,
        field: 'familyMembers',
        message: 'must contain no more than 20 elements',
      },
      {
        name: 'a __proto__ key at the top',
        body: `{"__proto__":{"isAdmin":true},${base}`,
        status: 400,
        field: '__proto__',
        message: 'is not an allowed property name',
      },
      {
        name: 'a __proto__ key inside the client',
        body: `{"client":{"__proto__":{"status":"active"},"firstName":"Maya","lastName":"Okafor","dateOfBirth":"1998-04-02"},${JSON.stringify(
          form(),
        )
          .slice(1)
          .replace(/^"client":\{[^}]*\},/, '')}`,
        status: 400,
        field: 'client.__proto__',
      },
      {
        name: 'a constructor key in a family member',
        body: form({}, { familyMembers: [{ ...member, constructor: { prototype: {} } }] }),
        status: 400,
        field: 'familyMembers[0].constructor',
      },
      {
        name: 'a control character in a name',
        body: form({ firstName: 'Ma\u0000ya' }),
        status: 400,
        field: 'client.firstName',
        message: 'must not contain control characters',
      },
      {
        name: 'a bidi override in a family member’s name',
        body: form({}, { familyMembers: [{ ...member, firstName: 'Ann\u202egnp.exe' }] }),
        status: 400,
        field: 'familyMembers[0].firstName',
      },
      {
        name: 'an SQL fragment in a name',
        body: form({ lastName: "Robert'); DROP TABLE clients;--" }),
        status: 400,
        field: 'client.lastName',
        message: 'may contain only letters, spaces, apostrophes, hyphens and periods',
      },
      {
        name: 'an SQL fragment in the email',
        body: form({ email: "x'); DROP TABLE clients;--@example.com" }),
        status: 400,
        field: 'client.email',
        message: 'must be an email',
      },
      {
        name: 'an unknown field',
        body: form({}, { status: 'accepted' }),
        status: 400,
        field: 'status',
      },
      {
        name: 'a relationship outside the list',
        body: form({}, { familyMembers: [{ ...member, relationship: 'landlord' }] }),
        status: 400,
        field: 'familyMembers[0].relationship',
      },
      {
        name: 'a missing required consent',
        body: form({}, { consents: CONSENTS.filter((c) => c.key !== 'privacy') }),
        status: 422,
        field: 'consents',
      },
      {
        name: 'an outdated consent version',
        body: form({}, { consents: [{ key: 'treatment', version: '2025-01' }, CONSENTS[1]] }),
        status: 422,
        field: 'consents[0].version',
      },
    ];
    for (const attempt of cases) {
      const response = await http()
        .post(link.url)
        .set('Content-Type', 'application/json')
        .send(typeof attempt.body === 'string' ? attempt.body : JSON.stringify(attempt.body));
      expect([attempt.name, response.status]).toEqual([attempt.name, attempt.status]);
      expect(response.headers['content-type']).toMatch(/application\/problem\+json/);
      expect([attempt.name, response.body.errors.map((e: { field: string }) => e.field)]).toEqual([
        attempt.name,
        expect.arrayContaining([attempt.field]),
      ]);
      if (attempt.message) {
        expect(response.body.errors).toContainEqual({
          field: attempt.field,
          message: attempt.message,
        });
      }
      expect(response.body.errors.length).toBeLessThan(50);
    }
    expect(await submissionCount(team)).toBe(0);
    const [invitation] = await db().query<{ used_at: Date | null }[]>(
      `SELECT used_at FROM intake_invitations WHERE id = $1`,
      [link.id],
    );
    expect(invitation!.used_at).toBeNull();
    const [clients] = await db().query<{ n: number }[]>(
      `SELECT count(*)::int AS n FROM clients WHERE practice_id = $1`,
      [team.practice.id],
    );
    expect(clients!.n).toBe(0);
    // The link still works for the real family.
    await http().post(link.url).send(form()).expect(201);
  });

  it('flags likely duplicates: name and date of birth (case and accents aside), email, phone', async () => {
    const { team, auth } = await setup();
    const practiceId = team.practice.id;
    const byName = await createClient(db(), { practiceId, firstName: 'Zoë', lastName: 'Núñez' });
    const byEmail = await createClient(db(), {
      practiceId,
      firstName: 'Other',
      lastName: 'Person',
    });
    const byPhone = await createClient(db(), {
      practiceId,
      firstName: 'Third',
      lastName: 'Person',
    });
    await createClient(db(), {
      practiceId,
      firstName: 'Zoe',
      lastName: 'Nunez',
      status: 'intake',
    }).then((sameNameOtherBirthday) =>
      db().query(`UPDATE clients SET date_of_birth = '1991-05-17' WHERE id = $1`, [
        sameNameOtherBirthday.id,
      ]),
    );
    await db().query(`UPDATE clients SET email = 'dup@example.org' WHERE id = $1`, [byEmail.id]);
    await db().query(`UPDATE clients SET phone = '+1 (555) 010-7788' WHERE id = $1`, [byPhone.id]);
    const elsewhere = await createTeam(db());
    await createClient(db(), {
      practiceId: elsewhere.practice.id,
      firstName: 'Zoe',
      lastName: 'Nunez',
    });

    const id = await staffEntry(
      auth.intake,
      form({
        firstName: 'ZOE',
        lastName: 'nunez',
        preferredName: null,
        dateOfBirth: '1990-05-17',
        email: 'DUP@Example.org',
        phone: '+1 555 010 7788',
      }),
    );
    const queue = await http()
      .get('/api/v1/intake-submissions?status=pending')
      .set('Authorization', auth.intake)
      .expect(200);
    const item = queue.body.data.find((entry: { id: string }) => entry.id === id);
    const number = (n: number) => `C-${String(n).padStart(6, '0')}`;
    expect(item.possibleDuplicates).toEqual([
      {
        clientId: byName.id,
        clientNumber: number(byName.clientNumber),
        reasons: ['name_and_date_of_birth'],
      },
      { clientId: byEmail.id, clientNumber: number(byEmail.clientNumber), reasons: ['email'] },
      { clientId: byPhone.id, clientNumber: number(byPhone.clientNumber), reasons: ['phone'] },
    ]);

    const merged = await http()
      .post(`/api/v1/intake-submissions/${id}/merge`)
      .set('Authorization', auth.intake)
      .send({ clientId: byName.id })
      .expect(200);
    expect(merged.body).toMatchObject({ status: 'duplicate', clientId: byName.id });
    const again = await http()
      .post(`/api/v1/intake-submissions/${id}/merge`)
      .set('Authorization', auth.intake)
      .send({ clientId: byName.id })
      .expect(409);
    expect(again.body).toMatchObject({
      type: 'urn:family-therapy:problem:intake-submission-not-pending',
      submissionStatus: 'duplicate',
    });
    const [event] = await db().query<{ client_id: string }[]>(
      `SELECT client_id FROM audit_events WHERE resource_type = 'intake_submission' AND resource_id = $1
          AND action = 'status_change'`,
      [id],
    );
    expect(event!.client_id).toBe(byName.id);
  });

  it('accepts all or nothing: a failure halfway leaves no client and the submission pending', async () => {
    const { team, auth } = await setup();
    const id = await staffEntry(auth.intake);
    const accept = (body: object) =>
      http()
        .post(`/api/v1/intake-submissions/${id}/accept`)
        .set('Authorization', auth.intake)
        .send(body);

    const notClinician = await accept({ primaryCounselorId: team.intake.id }).expect(422);
    expect(notClinician.body.errors).toEqual([
      {
        field: 'primaryCounselorId',
        message: 'must be an active counselor or supervisor of this practice',
      },
    ]);

    const name = `intake_test_fail_${randomBytes(4).toString('hex')}`;
    await db().query(`
      CREATE FUNCTION ${name}() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.practice_id = '${team.practice.id}' THEN RAISE EXCEPTION 'injected failure'; END IF;
        RETURN NEW;
      END $$`);
    try {
      await db().query(
        `CREATE TRIGGER ${name} BEFORE INSERT ON family_members FOR EACH ROW EXECUTE FUNCTION ${name}()`,
      );
      const failed = await accept({ primaryCounselorId: team.counselor.id });
      expect(failed.status).toBe(500);
    } finally {
      await db().query(`DROP TRIGGER IF EXISTS ${name} ON family_members`);
      await db().query(`DROP FUNCTION IF EXISTS ${name}()`);
    }
    const [state] = await db().query<
      {
        status: string;
        client_id: string | null;
        clients: number;
        team: number;
        counter: number | null;
      }[]
    >(
      `SELECT s.status, s.client_id,
              (SELECT count(*)::int FROM clients c WHERE c.practice_id = s.practice_id) AS clients,
              (SELECT count(*)::int FROM care_team_members m WHERE m.practice_id = s.practice_id) AS team,
              (SELECT value::int FROM practice_counters p WHERE p.practice_id = s.practice_id) AS counter
         FROM intake_submissions s WHERE s.id = $1`,
      [id],
    );
    expect(state).toEqual({
      status: 'pending',
      client_id: null,
      clients: 0,
      team: 0,
      counter: null,
    });

    // Once the failure is gone, the same request goes through; a second accept is refused.
    const accepted = await accept({
      primaryCounselorId: team.counselor.id,
      createFamilyMembers: false,
    }).expect(200);
    expect(accepted.body.status).toBe('accepted');
    const [members] = await db().query<{ n: number }[]>(
      `SELECT count(*)::int AS n FROM family_members WHERE client_id = $1`,
      [accepted.body.clientId],
    );
    expect(members!.n).toBe(0);
    const twice = await accept({ primaryCounselorId: team.counselor.id }).expect(409);
    expect(twice.body.submissionStatus).toBe('accepted');
  });

  it('rejects with a reason, and only a pending submission', async () => {
    const { auth } = await setup();
    const id = await staffEntry(auth.supervisor);
    const reject = (body: object) =>
      http()
        .post(`/api/v1/intake-submissions/${id}/reject`)
        .set('Authorization', auth.admin)
        .send(body);
    const missing = await reject({}).expect(400);
    expect(missing.body.errors[0].field).toBe('reason');
    const rejected = await reject({ reason: 'Needs inpatient care; referred.' }).expect(200);
    expect(rejected.body).toMatchObject({
      status: 'rejected',
      rejectReason: 'Needs inpatient care; referred.',
    });
    expect((await reject({ reason: 'Again.' }).expect(409)).body.submissionStatus).toBe('rejected');
  });

  it('replays a staff entry sent again with the same Idempotency-Key', async () => {
    const { team, auth } = await setup();
    const send = (body: object) =>
      http()
        .post('/api/v1/intake-submissions')
        .set('Authorization', auth.counselor)
        .set('Idempotency-Key', 'referral-2026-0042')
        .send(body);
    const first = await send(form()).expect(201);
    expect(first.headers.location).toBe(`/api/v1/intake-submissions/${first.body.id}`);
    expect(first.body).toMatchObject({
      source: 'staff',
      submittedBy: team.counselor.id,
      status: 'pending',
    });
    const replay = await send(form()).expect(201);
    expect(replay.headers['idempotency-replayed']).toBe('true');
    expect(replay.body.id).toBe(first.body.id);
    const changed = await send(form({ firstName: 'Someone' })).expect(422);
    expect(changed.body.type).toBe('urn:family-therapy:problem:idempotency-key-reused');
    expect(await submissionCount(team)).toBe(1);
    const [event] = await db().query<{ actor_type: string; actor_id: string }[]>(
      `SELECT actor_type, actor_id FROM audit_events WHERE action = 'create' AND resource_type = 'intake_submission'
          AND resource_id = $1`,
      [first.body.id],
    );
    expect(event).toEqual({ actor_type: 'staff', actor_id: team.counselor.id });
  });

  it('lets exactly one of two concurrent submits of one link through', async () => {
    const { team, auth } = await setup();
    const link = await invite(auth.intake);
    // Hold the link's row until both submits are inside their transactions and waiting, so the
    // two really race (unheld, the first is often done before the second starts).
    const holder = db().createQueryRunner();
    await holder.connect();
    await holder.startTransaction();
    let answers: Promise<request.Response[]>;
    try {
      await holder.query(`SELECT 1 FROM intake_invitations WHERE id = $1 FOR UPDATE`, [link.id]);
      answers = Promise.all([
        http()
          .post(link.url)
          .send(form({ firstName: 'First' })),
        http()
          .post(link.url)
          .send(form({ firstName: 'Second' })),
      ]);
      await waitForLockWaiters(2);
    } finally {
      await holder.commitTransaction();
      await holder.release();
    }
    expect((await answers).map((answer) => answer.status).sort()).toEqual([201, 404]);
    expect(await submissionCount(team)).toBe(1);
  });

  async function waitForLockWaiters(count: number): Promise<void> {
    for (let attempt = 0; attempt < 200; attempt += 1) {
      const [row] = await db().query<{ n: number }[]>(
        `SELECT count(*)::int AS n FROM pg_stat_activity
          WHERE datname = current_database() AND wait_event_type = 'Lock'`,
      );
      if (row!.n >= count) return;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    throw new Error(`expected ${count} sessions waiting on a lock`);
  }

  it('answers 401 without a token and 403 to roles that may not review', async () => {
    const { auth } = await setup();
    const id = await staffEntry(auth.intake);
    for (const [method, path] of [
      ['post', '/api/v1/intake-invitations'],
      ['get', '/api/v1/intake-invitations'],
      ['post', `/api/v1/intake-invitations/${id}/revoke`],
      ['post', '/api/v1/intake-submissions'],
      ['get', '/api/v1/intake-submissions'],
      ['get', `/api/v1/intake-submissions/${id}`],
      ['post', `/api/v1/intake-submissions/${id}/accept`],
      ['post', `/api/v1/intake-submissions/${id}/reject`],
      ['post', `/api/v1/intake-submissions/${id}/merge`],
    ] as const) {
      const response = await http()[method](path).send({});
      expect([method, path, response.status]).toEqual([method, path, 401]);
    }
    for (const [method, path] of [
      ['get', '/api/v1/intake-submissions'],
      ['get', `/api/v1/intake-submissions/${id}`],
      ['post', `/api/v1/intake-submissions/${id}/accept`],
      ['post', `/api/v1/intake-submissions/${id}/reject`],
      ['post', `/api/v1/intake-submissions/${id}/merge`],
    ] as const) {
      const response = await http()[method](path).set('Authorization', auth.counselor).send({});
      expect([method, path, response.status]).toEqual([method, path, 403]);
    }
  });

  it('keeps another practice’s submissions and links out of reach (404)', async () => {
    const { team, auth } = await setup();
    const other = await setup();
    const id = await staffEntry(auth.intake);
    const link = await invite(auth.intake);
    const theirClient = await createClient(db(), { practiceId: other.team.practice.id });
    const as = other.auth.intake;

    await http().get(`/api/v1/intake-submissions/${id}`).set('Authorization', as).expect(404);
    await http()
      .post(`/api/v1/intake-submissions/${id}/accept`)
      .set('Authorization', as)
      .send({ primaryCounselorId: other.team.counselor.id })
      .expect(404);
    await http()
      .post(`/api/v1/intake-submissions/${id}/reject`)
      .set('Authorization', as)
      .send({ reason: 'Not ours to decide.' })
      .expect(404);
    await http()
      .post(`/api/v1/intake-invitations/${link.id}/revoke`)
      .set('Authorization', as)
      .expect(404);
    const theirQueue = await http()
      .get('/api/v1/intake-submissions')
      .set('Authorization', as)
      .expect(200);
    expect(theirQueue.body.data).toEqual([]);
    const theirLinks = await http()
      .get('/api/v1/intake-invitations')
      .set('Authorization', as)
      .expect(200);
    expect(theirLinks.body.data).toEqual([]);
    // Nor can our submission be merged into their client.
    await http()
      .post(`/api/v1/intake-submissions/${id}/merge`)
      .set('Authorization', auth.intake)
      .send({ clientId: theirClient.id })
      .expect(404);
    const [row] = await db().query<{ status: string }[]>(
      `SELECT status FROM intake_submissions WHERE id = $1 AND practice_id = $2`,
      [id, team.practice.id],
    );
    expect(row!.status).toBe('pending');
  });
  it('keeps existing clients out of sight of those who may not review intake', async () => {
    const { team, auth } = await setup();
    await createClient(db(), {
      practiceId: team.practice.id,
      firstName: 'Maya',
      lastName: "O'Brien-Núñez",
    });
    await db().query(`UPDATE clients SET date_of_birth = '1998-04-02' WHERE practice_id = $1`, [
      team.practice.id,
    ]);
    // A counselor may enter a form, but its answer does not reveal who is already a client.
    const entered = await http()
      .post('/api/v1/intake-submissions')
      .set('Authorization', auth.counselor)
      .send(form())
      .expect(201);
    expect(entered.body.possibleDuplicates).toEqual([]);
    // The queue (with its duplicate matches) is for intake coordinators and admins only.
    await http()
      .get('/api/v1/intake-submissions')
      .set('Authorization', auth.supervisor)
      .expect(403);
    await http()
      .get(`/api/v1/intake-submissions/${entered.body.id}`)
      .set('Authorization', auth.supervisor)
      .expect(403);
    const reviewed = await http()
      .get(`/api/v1/intake-submissions/${entered.body.id}`)
      .set('Authorization', auth.admin)
      .expect(200);
    expect(reviewed.body.possibleDuplicates).toHaveLength(1);
  });
});

describe('intake rate limits (kept in PostgreSQL)', () => {
  let testApp: TestApp;

  beforeAll(async () => {
    testApp = await startTestApp({
      databaseUrl: await isolatedDatabaseUrl('intakelimit'),
      env: {
        INTAKE_RATE_LIMIT_PER_TOKEN: '3',
        INTAKE_RATE_LIMIT_PER_IP: '5',
        INTAKE_RATE_WINDOW_SECONDS: '600',
        TRUST_PROXY: 'true',
      },
    });
  });
  afterAll(() => testApp.close());

  const http = () => request(testApp.app.getHttpServer());

  async function link(): Promise<string> {
    const team = await createTeam(testApp.dataSource);
    const response = await http()
      .post('/api/v1/intake-invitations')
      .set('Authorization', bearer(await tokenFor(testApp.app, team.intake)))
      .send({})
      .expect(201);
    return response.body.url as string;
  }

  it('limits requests per link, whatever the address, before the body is even read', async () => {
    const url = await link();
    for (let attempt = 0; attempt < 3; attempt += 1) {
      await http().get(url).set('X-Forwarded-For', `198.51.100.${attempt}`).expect(200);
    }
    const limited = await http()
      .post(url)
      .set('X-Forwarded-For', '198.51.100.50')
      .send({})
      .expect(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(Number(limited.headers['retry-after'])).toBeLessThanOrEqual(600);
    expect(limited.body.type).toBe('urn:family-therapy:problem:rate-limited');
    const [count] = await testApp.dataSource.query<{ n: number }[]>(
      `SELECT count(*)::int AS n FROM intake_submissions`,
    );
    expect(count!.n).toBe(0);
  });

  it('limits requests per address, whatever the link', async () => {
    for (let attempt = 0; attempt < 5; attempt += 1) {
      await http()
        .get(`/api/v1/intake/${randomBytes(32).toString('base64url')}`)
        .set('X-Forwarded-For', '203.0.113.9')
        .expect(404);
    }
    const url = await link();
    const limited = await http().get(url).set('X-Forwarded-For', '203.0.113.9').expect(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    await http().get(url).set('X-Forwarded-For', '203.0.113.10').expect(200);
  });
});
