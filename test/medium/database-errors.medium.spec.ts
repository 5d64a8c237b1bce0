import { Client } from 'pg';
import { QueryFailedError } from 'typeorm';
import { databaseProblem, isDatabaseUnavailable } from '../../src/common/problem/database-errors';
import { workerDatabaseUrl } from '../setup/test-database';

/**
 * How a database error is answered: an outage is 503 (retry), a mistake of our own 500. Errors
 * from a real PostgreSQL, wrapped as `queryPrepared` wraps them.
 */
describe('database errors', () => {
  let db: Client;
  beforeAll(async () => {
    db = new Client({ connectionString: await workerDatabaseUrl() });
    await db.connect();
  });
  afterAll(() => db.end());

  const failure = async (run: () => Promise<unknown>, text: string) => {
    const error = await run().then(
      () => undefined,
      (driverError: unknown) => driverError,
    );
    if (!error) throw new Error(`${text} did not fail`);
    return new QueryFailedError(text, [], error as Error);
  };

  it('answers a statement bound with more values than it names as our mistake, not an outage', async () => {
    // A prepared statement whose last parameter the text never names: PostgreSQL counts the
    // parameters it names, and refuses the bind (08P01, in the "connection exception" class).
    const error = await failure(
      () => db.query({ name: 'unnamed_last', text: 'SELECT $1::int AS n', values: [1, 2] }),
      'SELECT $1::int AS n',
    );
    expect((error.driverError as { code?: string }).code).toBe('08P01');
    expect(isDatabaseUnavailable(error)).toBe(false);
    expect(databaseProblem(error)).toBeUndefined();
    // The connection is still usable: it was the statement, not the database.
    expect((await db.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
  });

  it('still answers a cancelled statement (our statement timeout) as the database not answering', async () => {
    await db.query(`SET statement_timeout = '20ms'`);
    const error = await failure(() => db.query('SELECT pg_sleep(1)'), 'SELECT pg_sleep(1)');
    await db.query('RESET statement_timeout');
    expect((error.driverError as { code?: string }).code).toBe('57014');
    expect(isDatabaseUnavailable(error)).toBe(true);
    expect(databaseProblem(error)?.status).toBe(503);
  });
});
