import { randomBytes } from 'node:crypto';
import { createClient } from '../factories/client.factory';
import { createTeam } from '../factories/staff.factory';
import { CONSENTS, form, intakeFixture } from './intake-fixture';
import { ownerQuery } from '../setup/database-roles';

describe('intake: what a submission may hold', () => {
  const fx = intakeFixture();
  const { http, get, db, setup, invite, staffEntry, submissionCount } = fx;

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
    const queue = await get('/api/v1/intake-submissions?status=pending', auth.intake);
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
    // The test's trigger is a schema change: made (and removed) as the owner.
    await ownerQuery(
      db(),
      `
      CREATE FUNCTION ${name}() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.practice_id = '${team.practice.id}' THEN RAISE EXCEPTION 'injected failure'; END IF;
        RETURN NEW;
      END $$`,
    );
    try {
      await ownerQuery(
        db(),
        `CREATE TRIGGER ${name} BEFORE INSERT ON family_members FOR EACH ROW EXECUTE FUNCTION ${name}()`,
      );
      const failed = await accept({ primaryCounselorId: team.counselor.id });
      expect(failed.status).toBe(500);
    } finally {
      await ownerQuery(db(), `DROP TRIGGER IF EXISTS ${name} ON family_members`);
      await ownerQuery(db(), `DROP FUNCTION IF EXISTS ${name}()`);
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
      // Each attempt drew its number before its transaction: refused, they leave gaps.
      counter: 2,
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
});
