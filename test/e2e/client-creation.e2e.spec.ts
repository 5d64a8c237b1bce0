import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { createTeam } from '../factories/staff.factory';
import { bearer, tokenFor } from '../setup/auth';
import { ownerQuery } from '../setup/database-roles';
import { countQueries } from '../setup/query-counter';
import { startTestApp, type TestApp } from '../setup/test-app';

/** Opening a client record: its number, its family in the same call, and what it costs. */
describe('POST /clients', () => {
  let testApp: TestApp;

  beforeAll(async () => {
    testApp = await startTestApp();
  });
  afterAll(() => testApp.close());

  const http = () => request(testApp.app.getHttpServer());
  const db = () => testApp.dataSource;
  const newClient = { firstName: 'Maya', lastName: 'Okafor', dateOfBirth: '1998-04-02' };
  const family = [
    { firstName: 'Grace', lastName: 'Okafor', relationship: 'mother', participation: 'invited' },
    { firstName: 'Tom', relationship: 'sibling', deceased: false },
  ];

  async function setup() {
    const team = await createTeam(db());
    return { team, auth: bearer(await tokenFor(testApp.app, team.counselor)) };
  }

  const counts = (practiceId: string) =>
    db().query<{ clients: number; members: number; events: number }[]>(
      `SELECT (SELECT count(*)::int FROM clients WHERE practice_id = $1) AS clients,
              (SELECT count(*)::int FROM family_members WHERE practice_id = $1) AS members,
              (SELECT count(*)::int FROM audit_events WHERE practice_id = $1 AND action = 'create') AS events`,
      [practiceId],
    );

  describe('the client number', () => {
    it('is taken without holding the counter: a second creation completes while the first is still open', async () => {
      const { team, auth } = await setup();
      const lockKey = Number.parseInt(randomBytes(3).toString('hex'), 16);
      const name = `hold_creation_${randomBytes(4).toString('hex')}`;
      // The first creation's transaction stops inside its client INSERT, after its number is
      // drawn, until the test lets it go: it stays open as long as the test wants.
      await ownerQuery(
        db(),
        `CREATE FUNCTION ${name}() RETURNS trigger LANGUAGE plpgsql AS $$
         BEGIN
           IF NEW.practice_id = '${team.practice.id}' AND NEW.first_name = 'Held' THEN
             PERFORM pg_advisory_xact_lock(${lockKey});
           END IF;
           RETURN NEW;
         END $$`,
      );
      await ownerQuery(
        db(),
        `CREATE TRIGGER ${name} BEFORE INSERT ON clients FOR EACH ROW EXECUTE FUNCTION ${name}()`,
      );
      const holder = db().createQueryRunner();
      await holder.connect();
      try {
        await holder.query(`SELECT pg_advisory_lock($1)`, [lockKey]);
        const first = http()
          .post('/api/v1/clients')
          .set('Authorization', auth)
          .send({ ...newClient, firstName: 'Held' })
          .then((response) => response);
        await waitUntil(async () => {
          const [row] = await db().query<{ waiting: number }[]>(
            `SELECT count(*)::int AS waiting FROM pg_locks
              WHERE locktype = 'advisory' AND objid = $1 AND NOT granted`,
            [lockKey],
          );
          return row!.waiting === 1;
        });

        // Before issue 19 this waited on the counter row until the first creation committed.
        const second = await http()
          .post('/api/v1/clients')
          .set('Authorization', auth)
          .send({ ...newClient, firstName: 'Second' })
          .expect(201);
        const [stillOpen] = await db().query<{ waiting: number }[]>(
          `SELECT count(*)::int AS waiting FROM pg_locks WHERE locktype = 'advisory' AND objid = $1 AND NOT granted`,
          [lockKey],
        );
        expect(stillOpen!.waiting).toBe(1);

        await holder.query(`SELECT pg_advisory_unlock($1)`, [lockKey]);
        const held = await first;
        expect(held.status).toBe(201);
        expect(held.body.clientNumber).toBe('C-000001');
        expect(second.body.clientNumber).toBe('C-000002');
      } finally {
        await holder.query(`SELECT pg_advisory_unlock_all()`);
        await holder.release();
        await ownerQuery(db(), `DROP TRIGGER IF EXISTS ${name} ON clients`);
        await ownerQuery(db(), `DROP FUNCTION IF EXISTS ${name}()`);
      }
    });

    it('leaves a gap, never a repeat, when a creation is refused after drawing', async () => {
      const { team, auth } = await setup();
      await http()
        .post('/api/v1/clients')
        .set('Authorization', auth)
        .send({ ...newClient, primaryCounselorId: team.intake.id })
        .expect(422);
      const next = await http()
        .post('/api/v1/clients')
        .set('Authorization', auth)
        .send(newClient)
        .expect(201);
      expect(next.body.clientNumber).toBe('C-000002');
    });
  });

  describe('with family members', () => {
    it('creates the client and every member in one call, each audited, members in the answer', async () => {
      const { team, auth } = await setup();
      const created = await http()
        .post('/api/v1/clients')
        .set('Authorization', auth)
        .send({ ...newClient, familyMembers: family })
        .expect(201);
      expect(created.body).toMatchObject({ ...newClient, clientNumber: 'C-000001' });
      expect(created.body.familyMembers).toEqual([
        expect.objectContaining({
          clientId: created.body.id,
          firstName: 'Grace',
          lastName: 'Okafor',
          relationship: 'mother',
          participation: 'invited',
        }),
        expect.objectContaining({
          clientId: created.body.id,
          firstName: 'Tom',
          lastName: null,
          relationship: 'sibling',
          deceased: false,
        }),
      ]);
      const listed = await http()
        .get(`/api/v1/clients/${created.body.id}/family-members`)
        .set('Authorization', auth)
        .expect(200);
      expect(listed.body.data.map((m: { id: string }) => m.id).sort()).toEqual(
        created.body.familyMembers.map((m: { id: string }) => m.id).sort(),
      );
      const events = await db().query<
        { resource_type: string; resource_id: string; changed_fields: string[] }[]
      >(
        `SELECT resource_type, resource_id, changed_fields FROM audit_events
          WHERE practice_id = $1 AND action = 'create' ORDER BY resource_type, resource_id`,
        [team.practice.id],
      );
      expect(events).toEqual(
        [
          {
            resource_type: 'client',
            resource_id: created.body.id,
            changed_fields: ['firstName', 'lastName', 'dateOfBirth'],
          },
          ...created.body.familyMembers.map((m: { id: string; firstName: string }) => ({
            resource_type: 'family_member',
            resource_id: m.id,
            changed_fields:
              m.firstName === 'Grace'
                ? ['firstName', 'lastName', 'relationship', 'participation']
                : ['firstName', 'relationship', 'deceased'],
          })),
        ].sort((a, b) =>
          `${a.resource_type}${a.resource_id}`.localeCompare(`${b.resource_type}${b.resource_id}`),
        ),
      );
    });

    it('refuses the whole call for one bad member, naming its field, and writes nothing', async () => {
      const { team, auth } = await setup();
      const badRelationship = await http()
        .post('/api/v1/clients')
        .set('Authorization', auth)
        .send({ ...newClient, familyMembers: [family[0], { firstName: 'X', relationship: 'pal' }] })
        .expect(400);
      expect(badRelationship.body.errors).toEqual([
        expect.objectContaining({ field: 'familyMembers[1].relationship' }),
      ]);
      const deathWithoutDeceased = await http()
        .post('/api/v1/clients')
        .set('Authorization', auth)
        .send({
          ...newClient,
          familyMembers: [family[0], { ...family[1], deceasedOn: '2020-01-01' }],
        })
        .expect(422);
      expect(deathWithoutDeceased.body.errors).toEqual([
        { field: 'familyMembers[1].deceasedOn', message: 'requires deceased to be true' },
      ]);
      expect(await counts(team.practice.id)).toEqual([{ clients: 0, members: 0, events: 0 }]);
    });

    it('rolls back the client when a member fails in the database', async () => {
      const { team, auth } = await setup();
      const name = `fail_member_${randomBytes(4).toString('hex')}`;
      await ownerQuery(
        db(),
        `CREATE FUNCTION ${name}() RETURNS trigger LANGUAGE plpgsql AS $$
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
        await http()
          .post('/api/v1/clients')
          .set('Authorization', auth)
          .send({ ...newClient, familyMembers: family })
          .expect(500);
      } finally {
        await ownerQuery(db(), `DROP TRIGGER IF EXISTS ${name} ON family_members`);
        await ownerQuery(db(), `DROP FUNCTION IF EXISTS ${name}()`);
      }
      expect(await counts(team.practice.id)).toEqual([{ clients: 0, members: 0, events: 0 }]);
    });

    it('replays the first answer for the same Idempotency-Key, creating nothing more', async () => {
      const { team, auth } = await setup();
      const send = () =>
        http()
          .post('/api/v1/clients')
          .set('Authorization', auth)
          .set('Idempotency-Key', 'family-1')
          .send({ ...newClient, familyMembers: family })
          .expect(201);
      const first = await send();
      const again = await send();
      expect(again.headers['idempotency-replayed']).toBe('true');
      expect(again.body).toEqual(first.body);
      expect(await counts(team.practice.id)).toEqual([{ clients: 1, members: 2, events: 3 }]);
    });
  });

  describe('cost', () => {
    it('costs the same statements with five members as with one, one more than without', async () => {
      const { auth } = await setup();
      const create = async (members?: object[]) => {
        const { result, statements } = await countQueries(() =>
          http()
            .post('/api/v1/clients')
            .set('Authorization', auth)
            .send({ ...newClient, familyMembers: members }),
        );
        expect(result.status).toBe(201);
        return statements;
      };
      await create(); // the first request of a token also checks its session (then cached)
      const alone = await create();
      const withOne = await create([family[0]!]);
      const withFive = await create(Array.from({ length: 5 }, () => family[1]!));
      // Number draw, clinician check, client, care team, audit events, webhook outbox (plus the
      // members' insert).
      expect(alone).toBe(6);
      expect(withOne).toBe(alone + 1);
      expect(withFive).toBe(withOne);
    });
  });
});

async function waitUntil(condition: () => Promise<boolean>): Promise<void> {
  for (let attempt = 0; attempt < 200; attempt += 1) {
    if (await condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error('condition not reached');
}
