import request from 'supertest';
import { loadConfig } from '../../src/config/app-config';
import { runMigrations } from '../../src/database/migrate';
import { PipelineProbeModule } from '../fixtures/pipeline-probe.module';
import { postgresProcessIds, startPrivatePostgres } from '../setup/private-postgres';
import { startTestApp, type TestApp } from '../setup/test-app';

// Short timeouts so the test is quick; a request must answer within them, never hang.
const env = { DB_CONNECT_TIMEOUT_MS: '1000', DB_STATEMENT_TIMEOUT_MS: '1500' };
const ANSWER_WITHIN_MS = 8_000;
const PATHS = ['/health/ready', '/api/v1/_probe/practices/count'];

describe('database outage', () => {
  let postgres: Awaited<ReturnType<typeof startPrivatePostgres>>;
  let testApp: TestApp;

  beforeAll(async () => {
    postgres = await startPrivatePostgres();
    await runMigrations(
      loadConfig({ NODE_ENV: 'test', ...env }).database,
      postgres.ownerUrl,
      postgres.appRole,
    );
    testApp = await startTestApp({
      databaseUrl: postgres.url,
      env,
      imports: [PipelineProbeModule],
    });
  });
  afterAll(async () => {
    await testApp?.close();
    await postgres?.remove();
  });

  const get = (path: string) =>
    request(testApp.app.getHttpServer()).get(path).timeout(ANSWER_WITHIN_MS);

  async function expectUnavailable(rounds: number): Promise<void> {
    for (let round = 0; round < rounds; round += 1) {
      for (const path of PATHS) {
        const response = await get(path);
        expect({ path, status: response.status }).toEqual({ path, status: 503 });
        expect(response.headers['retry-after']).toMatch(/^\d+$/);
        expect(response.headers['content-type']).toMatch(/application\/problem\+json/);
        expect(response.body.type).toBe('urn:family-therapy:problem:service-unavailable');
      }
    }
  }

  async function expectRecovered(): Promise<void> {
    const deadline = Date.now() + 20_000;
    let status = 0;
    while (Date.now() < deadline) {
      status = (await get('/health/ready')).status;
      if (status === 200) break;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    expect(status).toBe(200);
    for (const path of PATHS) expect((await get(path)).status).toBe(200);
  }

  it('answers 503 while PostgreSQL is stopped and recovers without a restart', async () => {
    for (const path of PATHS) expect((await get(path)).status).toBe(200);

    await postgres.stop();
    await expectUnavailable(3);

    await postgres.start();
    await expectRecovered();
  });

  it('answers 503 within the timeouts while PostgreSQL hangs, and recovers', async () => {
    const pids = postgresProcessIds(postgres.dataDir);
    pids.forEach((pid) => process.kill(pid, 'SIGSTOP'));
    try {
      await expectUnavailable(1);
    } finally {
      pids.forEach((pid) => process.kill(pid, 'SIGCONT'));
    }
    await expectRecovered();
  });
});
