import { form, sha256, intakeFixture } from './intake-fixture';

describe('intake: from a link to an active client', () => {
  const fx = intakeFixture();
  const { http, get, db, setup, invite, staffEntry, submissionCount } = fx;

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
    const queue = await get('/api/v1/intake-submissions', auth.intake);
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
    const firstPage = await get('/api/v1/intake-submissions?limit=2', auth.intake);
    const secondPage = await get(
      `/api/v1/intake-submissions?limit=2&cursor=${firstPage.body.nextCursor}`,
      auth.intake,
    );
    expect(secondPage.body).toMatchObject({ data: [{ id: decided }], nextCursor: null });

    // Kept exactly as sent, with the consent texts' versions.
    const detail = await get(`/api/v1/intake-submissions/${submissionId}`, auth.intake);
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
    const client = await get(`/api/v1/clients/${clientId}`, auth.counselor);
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
    const family = await get(`/api/v1/clients/${clientId}/family-members`, auth.counselor);
    const members = (
      family.body.data as {
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
    const careTeam = await get(`/api/v1/clients/${clientId}/care-team`, auth.counselor);
    expect(careTeam.body.data).toMatchObject([
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

    const invitations = await get('/api/v1/intake-invitations', auth.intake);
    expect(invitations.body.data).toEqual([
      expect.objectContaining({ id: link.id, status: 'used', submissionId }),
    ]);
    expect(JSON.stringify(invitations.body)).not.toContain(link.token);
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
});
