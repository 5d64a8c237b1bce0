import { randomBytes } from 'node:crypto';
import { ownerQuery } from '../setup/database-roles';
import { form, intakeFixture } from './intake-fixture';

/** Accepting a submission takes its client number without holding the practice's counter. */
describe('intake acceptance: the client number', () => {
  const { http, db, setup, staffEntry } = intakeFixture();

  it('is drawn before the transaction: other creations complete while an acceptance is still open', async () => {
    const { team, auth } = await setup();
    const held = await staffEntry(auth.intake, form({ firstName: 'Held' }));
    const other = await staffEntry(auth.intake, form({ firstName: 'Second' }));
    const accept = (id: string) =>
      http()
        .post(`/api/v1/intake-submissions/${id}/accept`)
        .set('Authorization', auth.intake)
        .send({ primaryCounselorId: team.counselor.id });
    const lockKey = Number.parseInt(randomBytes(3).toString('hex'), 16);
    const name = `hold_acceptance_${randomBytes(4).toString('hex')}`;
    // The first acceptance's transaction stops inside its client INSERT, after its number is
    // drawn, until the test lets it go.
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
    const waiting = async () => {
      const [row] = await db().query<{ waiting: number }[]>(
        `SELECT count(*)::int AS waiting FROM pg_locks
          WHERE locktype = 'advisory' AND objid = $1 AND NOT granted`,
        [lockKey],
      );
      return row!.waiting;
    };
    const holder = db().createQueryRunner();
    await holder.connect();
    try {
      await holder.query(`SELECT pg_advisory_lock($1)`, [lockKey]);
      const first = accept(held).then((response) => response);
      await waitUntil(async () => (await waiting()) === 1);

      // Before, both waited on the counter row until the held acceptance committed.
      const second = await accept(other).expect(200);
      const created = await http()
        .post('/api/v1/clients')
        .set('Authorization', auth.counselor)
        .send({ firstName: 'Third', lastName: 'Okafor', dateOfBirth: '1990-01-01' })
        .expect(201);
      expect(await waiting()).toBe(1);

      await holder.query(`SELECT pg_advisory_unlock($1)`, [lockKey]);
      const firstDone = await first;
      expect(firstDone.status).toBe(200);
      const numbers = await db().query<{ id: string; client_number: number }[]>(
        `SELECT id, client_number FROM clients WHERE id = ANY($1::uuid[]) ORDER BY client_number`,
        [[firstDone.body.clientId, second.body.clientId, created.body.id]],
      );
      expect(numbers).toEqual([
        { id: firstDone.body.clientId, client_number: 1 },
        { id: second.body.clientId, client_number: 2 },
        { id: created.body.id, client_number: 3 },
      ]);
    } finally {
      await holder.query(`SELECT pg_advisory_unlock_all()`);
      await holder.release();
      await ownerQuery(db(), `DROP TRIGGER IF EXISTS ${name} ON clients`);
      await ownerQuery(db(), `DROP FUNCTION IF EXISTS ${name}()`);
    }
  });
});

async function waitUntil(condition: () => Promise<boolean>): Promise<void> {
  for (let attempt = 0; attempt < 200; attempt += 1) {
    if (await condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error('condition not reached');
}
