import { Pool } from 'pg';
import request from 'supertest';
import { addFamilyMember, createClient } from '../factories/client.factory';
import { createSession } from '../factories/session.factory';
import { createTeam, type TestStaff } from '../factories/staff.factory';
import { bearer, tokenFor } from '../setup/auth';
import { startTestApp, type TestApp } from '../setup/test-app';
import { workerDatabaseUrl } from '../setup/test-database';

interface Change {
  resourceType: string;
  id: string;
  clientId: string;
  change: 'upserted' | 'deleted';
}

describe('change feed', () => {
  let testApp: TestApp;

  beforeAll(async () => {
    testApp = await startTestApp();
  });
  afterAll(() => testApp?.close());

  /** A caller of the feed: pages from where it last stopped, keeping everything it has seen. */
  function syncer(token: string, types?: string) {
    let cursor: string | undefined;
    const seen: Change[] = [];
    const page = async () => {
      const response = await request(testApp.app.getHttpServer())
        .get('/api/v1/changes')
        .query({ limit: 25, ...(cursor ? { cursor } : {}), ...(types ? { types } : {}) })
        .set('Authorization', bearer(token))
        .expect(200);
      const body = response.body as { data: Change[]; nextCursor: string; hasMore: boolean };
      cursor = body.nextCursor;
      seen.push(...body.data);
      return body.hasMore;
    };
    return {
      seen,
      page,
      /**
       * Pages until `done` holds. The feed stops below the oldest transaction still open anywhere
       * on the server, so a moment's wait can be needed before the newest changes show.
       */
      async until(done: () => boolean, timeoutMs = 15_000) {
        const deadline = Date.now() + timeoutMs;
        while (!done()) {
          if (Date.now() > deadline) return;
          if (!(await page())) await new Promise((resolve) => setTimeout(resolve, 20));
        }
      },
    };
  }

  async function team() {
    const staff = await createTeam(testApp.dataSource);
    const token = async (member: TestStaff) => tokenFor(testApp.app, member);
    return { ...staff, token };
  }

  it("shows only what the caller's list would, sessions only to clinical readers, and tombstones", async () => {
    const { practice, admin, counselor, intake, token } = await team();
    const mine = await createClient(testApp.dataSource, {
      practiceId: practice.id,
      primaryCounselorId: counselor.id,
    });
    const others = await createClient(testApp.dataSource, { practiceId: practice.id });
    const member = await addFamilyMember(testApp.dataSource, mine);
    const session = await createSession(testApp.dataSource, mine, counselor.id);

    const counselorFeed = syncer(await token(counselor));
    await counselorFeed.until(() => counselorFeed.seen.some((c) => c.id === session));
    expect(counselorFeed.seen.map((c) => c.clientId)).not.toContain(others.id);
    expect(counselorFeed.seen).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ resourceType: 'client', id: mine.id, change: 'upserted' }),
        expect.objectContaining({ resourceType: 'family_member', id: member }),
        expect.objectContaining({ resourceType: 'therapy_session', id: session }),
      ]),
    );

    const intakeFeed = syncer(await token(intake));
    await intakeFeed.until(() => intakeFeed.seen.some((c) => c.id === member));
    expect(intakeFeed.seen.map((c) => c.id)).toEqual(expect.arrayContaining([mine.id, others.id]));
    expect(intakeFeed.seen.map((c) => c.resourceType)).not.toContain('therapy_session');

    const adminToken = await token(admin);
    await request(testApp.app.getHttpServer())
      .post(`/api/v1/clients/${mine.id}/entered-in-error`)
      .set('Authorization', bearer(adminToken))
      .send({ reason: 'Duplicate of another record' })
      .expect(200);
    const adminFeed = syncer(adminToken, 'client');
    await adminFeed.until(() => adminFeed.seen.filter((c) => c.id === mine.id).length >= 2);
    const entries = adminFeed.seen.filter((c) => c.id === mine.id);
    expect(entries.length).toBeGreaterThanOrEqual(2);
    expect(entries.every((c) => c.change === 'deleted')).toBe(true);
    expect(adminFeed.seen.map((c) => c.resourceType)).toEqual(adminFeed.seen.map(() => 'client'));

    // Audited like a list: one event per client shown, for the counselor's pages.
    const listed = await testApp.dataSource.query<{ client_id: string }[]>(
      `SELECT DISTINCT client_id FROM audit_events
        WHERE practice_id = $1 AND action = 'list' AND resource_type = 'change_feed' AND actor_id = $2`,
      [practice.id, counselor.id],
    );
    expect(listed.map((row) => row.client_id)).toEqual([mine.id]);
  });

  it('refuses a cursor it did not make', async () => {
    const { admin, token } = await team();
    const response = await request(testApp.app.getHttpServer())
      .get('/api/v1/changes')
      .query({ cursor: Buffer.from('["x","1"]').toString('base64url') })
      .set('Authorization', bearer(await token(admin)))
      .expect(400);
    expect(response.body.errors).toEqual([expect.objectContaining({ field: 'cursor' })]);
  });

  it('misses none of 200 concurrent updates made while a sync pages through', async () => {
    const { practice, admin, token } = await team();
    const clients = [];
    for (let i = 0; i < 200; i++) {
      clients.push(await createClient(testApp.dataSource, { practiceId: practice.id }));
    }
    const feed = syncer(await token(admin), 'client');
    // Caught up with the creations first, so what follows can only come from the updates.
    await feed.until(() => new Set(feed.seen.map((c) => c.id)).size === clients.length);
    expect(new Set(feed.seen.map((c) => c.id)).size).toBe(clients.length);
    feed.seen.length = 0;

    // Each update holds its transaction open for a random moment after writing, so transactions
    // commit in another order than they wrote their change-log entries.
    const writers = new Pool({ connectionString: await workerDatabaseUrl(), max: 20 });
    try {
      let finished = false;
      const updates = Promise.all(
        clients.map(async (client) => {
          const connection = await writers.connect();
          try {
            await connection.query('BEGIN');
            await connection.query(
              `UPDATE clients SET pronouns = 'they/them', version = version + 1, updated_at = now()
                WHERE practice_id = $1 AND id = $2`,
              [practice.id, client.id],
            );
            await connection.query('SELECT pg_sleep(random() * 0.08)');
            await connection.query('COMMIT');
          } finally {
            connection.release();
          }
        }),
      ).then(() => {
        finished = true;
      });
      // The sync pages the whole time the updates run...
      while (!finished) {
        if (!(await feed.page())) await new Promise((resolve) => setTimeout(resolve, 5));
      }
      await updates;
      // ...and then catches up: a missed entry is behind its cursor and would never come.
      await feed.until(() => new Set(feed.seen.map((c) => c.id)).size === clients.length);
    } finally {
      await writers.end();
    }
    const updated = new Set(feed.seen.map((c) => c.id));
    expect(clients.filter((client) => !updated.has(client.id))).toEqual([]);
  });
});
