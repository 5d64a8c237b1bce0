import { Client } from 'pg';
import request from 'supertest';
import { encodeCursor } from '../../src/common/pagination/cursor';
import { HousekeepingService } from '../../src/housekeeping/housekeeping.service';
import { createTeam } from '../factories/staff.factory';
import { bearer, tokenFor } from '../setup/auth';
import { startTestApp, type TestApp } from '../setup/test-app';
import { isolatedDatabaseUrl } from '../setup/test-database';
import { seedIntegrationRows } from './housekeeping-integration-rows';

/** Housekeeping purges the change log after its retention; the feed's cursors stay honest. */
describe('change feed retention', () => {
  let testApp: TestApp;

  // The purge is database-wide: on a database of its own, so no other test's rows go.
  beforeAll(async () => {
    testApp = await startTestApp({
      databaseUrl: await isolatedDatabaseUrl('change_feed_retention'),
    });
  });
  afterAll(() => testApp.close());

  const positionOf = async (entryId: string) => {
    const [row] = await testApp.dataSource.query<{ tx_id: string; id: string }[]>(
      `SELECT tx_id::text AS tx_id, id::text AS id FROM change_log WHERE id = $1`,
      [entryId],
    );
    return encodeCursor([row!.tx_id, row!.id]);
  };

  /** The feed's page after `cursor` (from the start without one), as the bearer of `token`. */
  const feedOf = (token: string) => (cursor?: string) =>
    request(testApp.app.getHttpServer())
      .get('/api/v1/changes')
      .query(cursor ? { cursor } : {})
      .set('Authorization', token);

  it('answers 410 to a cursor behind a purged change, and carries on from one after it', async () => {
    const team = await createTeam(testApp.dataSource);
    const ids = await seedIntegrationRows(testApp.dataSource, team.practice.id, team.admin.id);
    const behind = await positionOf(ids.changeOldest!);
    const caughtUp = await positionOf(ids.changeOld!);
    const feed = feedOf(bearer(await tokenFor(testApp.app, team.admin)));

    // Before the purge both cursors are fine.
    await feed(behind).expect(200);

    const run = await testApp.app.get(HousekeepingService).run();
    expect(run?.deleted.changeLog).toBe(2);

    // `changeOld` was purged after the `behind` cursor: continuing could skip it, so 410.
    const gone = await feed(behind).expect(410);
    expect(gone.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(gone.body).toMatchObject({
      type: 'urn:family-therapy:problem:change-feed-cursor-expired',
      status: 410,
      retentionDays: 90,
    });
    expect(gone.body.detail).toMatch(/Resync/);
    // A reader that had seen `changeOld` missed nothing: the feed goes on.
    await feed(caughtUp).expect(200);
    // Starting afresh gives what is kept; its cursor then goes on as usual.
    const fresh = await feed().expect(200);
    await feed(fresh.body.nextCursor as string).expect(200);
  });

  it('starts a fresh reader after the purge even when a running transaction hides every kept change', async () => {
    // A transaction elsewhere on the server, begun before the changes: the feed hands out only
    // changes older than the oldest running transaction, so a fresh start finds none yet.
    const elsewhere = new Client({ connectionString: await isolatedDatabaseUrl('held_xmin') });
    await elsewhere.connect();
    try {
      await elsewhere.query('BEGIN');
      await elsewhere.query('SELECT pg_current_xact_id()');
      const team = await createTeam(testApp.dataSource);
      await seedIntegrationRows(testApp.dataSource, team.practice.id, team.admin.id);
      await testApp.app.get(HousekeepingService).run();
      const feed = feedOf(bearer(await tokenFor(testApp.app, team.admin)));

      const fresh = await feed().expect(200);
      expect(fresh.body.data).toEqual([]);
      // Its cursor is after the purge, so the next page is no 410 but what is kept.
      await feed(fresh.body.nextCursor as string).expect(200);
      await elsewhere.query('COMMIT');
      const next = await feed(fresh.body.nextCursor as string).expect(200);
      expect(next.body.data.length).toBeGreaterThan(0);
    } finally {
      await elsewhere.end();
    }
  });
});
