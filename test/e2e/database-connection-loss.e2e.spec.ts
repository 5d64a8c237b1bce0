import { Client } from 'pg';
import request from 'supertest';
import { createTeam } from '../factories/staff.factory';
import { bearer, tokenFor } from '../setup/auth';
import { startTestApp, type TestApp } from '../setup/test-app';
import { isolatedDatabaseUrl } from '../setup/test-database';

/**
 * The database dying under a write load: every connection of the API is killed again and again
 * while clients are being created. Each request must either succeed or answer 503 with
 * Retry-After — never 500, whichever layer (driver, TypeORM's query runner, the transaction
 * wrapper) notices the loss first.
 */
describe('database connections lost mid-transaction', () => {
  let testApp: TestApp;
  let killer: Client;
  let database: string;
  let auth: string;

  beforeAll(async () => {
    const url = await isolatedDatabaseUrl('conn_loss');
    database = new URL(url).pathname.slice(1);
    testApp = await startTestApp({ databaseUrl: url, env: { DB_POOL_SIZE: '6' } });
    auth = bearer(await tokenFor(testApp.app, (await createTeam(testApp.dataSource)).counselor));
    killer = new Client({ connectionString: process.env.TEST_DB_ADMIN_URL });
    await killer.connect();
  });
  afterAll(async () => {
    await killer?.end();
    await testApp?.close();
  });

  it('answers 201 or 503, never 500, while its connections are killed during writes', async () => {
    let killing = true;
    const kills = (async () => {
      while (killing) {
        await killer.query(
          `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
            WHERE datname = $1 AND pid <> pg_backend_pid()`,
          [database],
        );
        await new Promise((resolve) => setTimeout(resolve, 300));
      }
    })();
    const statuses: number[] = [];
    const writer = async (worker: number) => {
      for (let i = 0; i < 15; i += 1) {
        const response = await request(testApp.app.getHttpServer())
          .post('/api/v1/clients')
          .set('Authorization', auth)
          .send({ firstName: 'Ada', lastName: `Load${worker}x${i}`, dateOfBirth: '1990-05-06' });
        statuses.push(response.status);
        if (response.status === 503) expect(response.headers['retry-after']).toMatch(/^\d+$/);
      }
    };
    try {
      await Promise.all([0, 1, 2, 3, 4, 5].map(writer));
    } finally {
      killing = false;
      await kills;
    }
    const unexpected = statuses.filter((status) => status !== 201 && status !== 503);
    expect(unexpected).toEqual([]);
    // The load really met dead connections, and the API kept serving between them.
    expect(statuses).toContain(503);
    expect(statuses).toContain(201);
  });
});
