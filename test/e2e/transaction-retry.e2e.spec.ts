import request from 'supertest';
import { createTeam } from '../factories/staff.factory';
import { bearer, tokenFor } from '../setup/auth';
import { startTestApp, type TestApp } from '../setup/test-app';
import { ownerQuery } from '../setup/database-roles';
import { isolatedDatabaseUrl } from '../setup/test-database';

/**
 * A serialization failure or deadlock aborts the whole transaction; the use case is run again from
 * its start. The failures are forced by a trigger on `clients` that raises SQLSTATE 40001 (or
 * 40P01) while a sequence — which, unlike a table, does not roll back with the failed attempt —
 * is below a threshold. On a database of its own: the trigger must not touch other tests.
 */
describe('transactions: retry at the boundary', () => {
  let testApp: TestApp;
  let auth: string;
  let practiceId: string;

  beforeAll(async () => {
    testApp = await startTestApp({ databaseUrl: await isolatedDatabaseUrl('tx_retry') });
    const team = await createTeam(testApp.dataSource);
    practiceId = team.practice.id;
    auth = bearer(await tokenFor(testApp.app, team.counselor));
    // The test's own objects belong to the owner; the trigger runs as its definer so that the
    // application role needs no grant on them.
    await ownerQuery(
      testApp.dataSource,
      `
      CREATE SEQUENCE test_client_insert_attempts;
      CREATE TABLE test_forced_failures (failures int NOT NULL, sqlstate text NOT NULL);
      INSERT INTO test_forced_failures VALUES (0, '40001');
      CREATE FUNCTION test_fail_client_inserts() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER AS $$
      DECLARE
        attempt bigint := nextval('test_client_insert_attempts');
        rule test_forced_failures;
      BEGIN
        SELECT * INTO rule FROM test_forced_failures;
        IF attempt <= rule.failures THEN
          RAISE EXCEPTION 'forced failure %', attempt USING ERRCODE = rule.sqlstate;
        END IF;
        RETURN NEW;
      END $$;
      CREATE TRIGGER test_fail_client_inserts BEFORE INSERT ON clients
        FOR EACH ROW EXECUTE FUNCTION test_fail_client_inserts();`,
    );
  });
  afterAll(() => testApp.close());

  /** The next `failures` client inserts fail with `sqlstate`; the ones after succeed. */
  const forceFailures = (failures: number, sqlstate: string) =>
    ownerQuery(
      testApp.dataSource,
      `SELECT setval('test_client_insert_attempts', 1, false);
       UPDATE test_forced_failures SET failures = ${failures}, sqlstate = '${sqlstate}'`,
    );
  const attempts = async () =>
    Number(
      (
        await ownerQuery<{ last_value: string; is_called: boolean }>(
          testApp.dataSource,
          `SELECT last_value, is_called FROM test_client_insert_attempts`,
        )
      ).map((row) => (row.is_called ? row.last_value : 0))[0],
    );
  const counts = async (lastName: string) =>
    (
      await testApp.dataSource.query<{ clients: number; events: number }[]>(
        `SELECT (SELECT count(*)::int FROM clients WHERE practice_id = $1 AND last_name = $2) AS clients,
                (SELECT count(*)::int FROM audit_events e JOIN clients c ON c.id = e.client_id
                  WHERE e.practice_id = $1 AND c.last_name = $2 AND e.action = 'create'
                    AND e.resource_type = 'client') AS events`,
        [practiceId, lastName],
      )
    )[0]!;
  const create = (lastName: string) =>
    request(testApp.app.getHttpServer())
      .post('/api/v1/clients')
      .set('Authorization', auth)
      .send({ firstName: 'Grace', lastName, dateOfBirth: '1970-01-02' });

  it('runs the use case again after a serialization failure: one client, one audit event', async () => {
    await forceFailures(1, '40001');
    const response = await create('Retried');
    expect(response.status).toBe(201);
    expect(await attempts()).toBe(2);
    expect(await counts('Retried')).toEqual({ clients: 1, events: 1 });
  });

  it('runs it again after a deadlock too', async () => {
    await forceFailures(2, '40P01');
    await create('Deadlocked').expect(201);
    expect(await attempts()).toBe(3);
    expect(await counts('Deadlocked')).toEqual({ clients: 1, events: 1 });
  });

  it('gives up after four attempts with 503 and Retry-After, leaving nothing written', async () => {
    await forceFailures(100, '40001');
    const response = await create('Abandoned');
    expect(response.status).toBe(503);
    expect(response.headers['retry-after']).toBeDefined();
    expect(response.body.type).toBe('urn:family-therapy:problem:service-unavailable');
    expect(await attempts()).toBe(4);
    expect(await counts('Abandoned')).toEqual({ clients: 0, events: 0 });
  });

  it('does not retry other errors', async () => {
    await forceFailures(1, '23514');
    const response = await create('CheckViolation');
    expect(response.status).toBe(422);
    expect(await attempts()).toBe(1);
    expect(await counts('CheckViolation')).toEqual({ clients: 0, events: 0 });
  });
});
