import type { DataSource } from 'typeorm';
import { HousekeepingService } from '../../src/housekeeping/housekeeping.service';
import { PLATFORM_PRACTICE_ID } from '../../src/practices/platform-practice';
import { createPractice, createStaff, type TestStaff } from '../factories/staff.factory';
import { startTestApp, type TestApp } from '../setup/test-app';
import { isolatedDatabaseUrl } from '../setup/test-database';
import {
  LIVE_INTEGRATION_ROWS,
  PURGED_INTEGRATION_COUNTS,
  REMAINING_INTEGRATION_ROWS,
  seedIntegrationRows,
} from './housekeeping-integration-rows';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Rows with an age, so each test reads which of its own rows are left. */
interface Seeded {
  staff: TestStaff;
  ids: Record<string, string>;
}

async function seedRows(db: DataSource): Promise<Seeded> {
  const practice = await createPractice(db);
  const staff = await createStaff(db, { practiceId: practice.id, role: 'admin' });
  const ids: Record<string, string> = {};
  const one = async (name: string, sql: string, params: unknown[]) => {
    const [row] = await db.query<{ id: string }[]>(sql, params);
    ids[name] = row!.id;
  };
  const p = practice.id;
  const s = staff.id;

  const bucket = (name: string, age: string) =>
    one(
      name,
      `INSERT INTO rate_limit_buckets (key, window_start, hits)
       VALUES ($1 || gen_random_uuid(), now() - $2::interval, 3) RETURNING key AS id`,
      [`test:${name}:`, age],
    );
  await bucket('bucketStale', '2 days');
  await bucket('bucketLive', '10 minutes');

  const idempotencyKey = (name: string, age: string) =>
    one(
      name,
      `INSERT INTO idempotency_keys (practice_id, actor_id, key, request_hash, created_at)
       VALUES ($1, $2, gen_random_uuid()::text, '\\x00', now() - $3::interval) RETURNING key AS id`,
      [p, s, age],
    );
  await idempotencyKey('keyStale', '25 hours');
  await idempotencyKey('keyLive', '23 hours');

  const refreshToken = (name: string, expiresIn: string, state: 'live' | 'used' | 'revoked') =>
    one(
      name,
      `INSERT INTO refresh_tokens (practice_id, staff_id, family_id, token_hash, created_at, expires_at,
                                   used_at, revoked_at, revoked_reason)
       VALUES ($1, $2, gen_random_uuid(), sha256(gen_random_uuid()::text::bytea), now() - interval '40 days',
               now() + $3::interval,
               CASE WHEN $4 = 'used' THEN now() - interval '39 days' END,
               CASE WHEN $4 = 'revoked' THEN now() - interval '39 days' END,
               CASE WHEN $4 = 'revoked' THEN 'logout' END) RETURNING id`,
      [p, s, expiresIn, state],
    );
  await refreshToken('refreshUsedExpired', '-2 days', 'used');
  await refreshToken('refreshRevokedExpired', '-2 days', 'revoked');
  await refreshToken('refreshUnusedExpired', '-2 days', 'live');
  await refreshToken('refreshExpiredInGrace', '-1 hour', 'used');
  // A spent token that has not expired is what reuse detection needs: it stays.
  await refreshToken('refreshUsedLive', '5 days', 'used');
  await refreshToken('refreshLive', '5 days', 'live');

  const passwordToken = (name: string, expiresIn: string, used: boolean) =>
    one(
      name,
      `INSERT INTO password_tokens (practice_id, staff_id, token_hash, created_at, expires_at, used_at)
       VALUES ($1, $2, sha256(gen_random_uuid()::text::bytea), now() - interval '10 days', now() + $3::interval,
               CASE WHEN $4 THEN now() - interval '9 days' END) RETURNING id`,
      [p, s, expiresIn, used],
    );
  await passwordToken('passwordUsedExpired', '-2 days', true);
  await passwordToken('passwordUnusedExpired', '-2 days', false);
  await passwordToken('passwordExpiredInGrace', '-1 hour', true);
  await passwordToken('passwordLive', '2 days', false);

  const invitation = (name: string, expiredAgo: string, revoked = false) =>
    one(
      name,
      `INSERT INTO intake_invitations (practice_id, token_hash, created_by, created_at, expires_at, revoked_at)
       VALUES ($1, sha256(gen_random_uuid()::text::bytea), $2, now() - $3::interval - interval '7 days',
               now() - $3::interval, CASE WHEN $4 THEN now() - $3::interval END) RETURNING id`,
      [p, s, expiredAgo, revoked],
    );
  await invitation('invitationExpiredLongAgo', '31 days');
  await invitation('invitationRevokedLongAgo', '31 days', true);
  await invitation('invitationExpiredRecently', '10 days');
  await invitation('invitationLive', '-3 days');
  await invitation('invitationUsedLongAgo', '60 days');
  await db.transaction(async (manager) => {
    const [submission] = await manager.query<{ id: string }[]>(
      `INSERT INTO intake_submissions (practice_id, invitation_id, source, payload, consents, first_name,
                                       last_name, date_of_birth)
       VALUES ($1, $2, 'invitation', '{}', '[]', 'Ada', 'Test', '2010-01-01') RETURNING id`,
      [p, ids.invitationUsedLongAgo],
    );
    await manager.query(
      `UPDATE intake_invitations SET used_at = created_at + interval '1 day', submission_id = $2
        WHERE id = $1`,
      [ids.invitationUsedLongAgo, submission!.id],
    );
  });
  Object.assign(ids, await seedIntegrationRows(db, p, s));
  return { staff, ids };
}

/** Which of the seeded rows are still there. */
async function remaining(db: DataSource, { ids }: Seeded): Promise<string[]> {
  const [row] = await db.query<{ left: string[] }[]>(
    `SELECT array(
       SELECT key FROM rate_limit_buckets WHERE key = ANY ($1)
       UNION ALL SELECT key FROM idempotency_keys WHERE key = ANY ($1)
       UNION ALL SELECT id::text FROM refresh_tokens WHERE id::text = ANY ($1)
       UNION ALL SELECT id::text FROM password_tokens WHERE id::text = ANY ($1)
       UNION ALL SELECT id::text FROM intake_invitations WHERE id::text = ANY ($1)
       ${REMAINING_INTEGRATION_ROWS}) AS left`,
    [Object.values(ids)],
  );
  const names = Object.fromEntries(Object.entries(ids).map(([name, id]) => [id, name]));
  return row!.left.map((id) => names[id]!).sort();
}

async function purgeEvents(db: DataSource) {
  return db.query<{ metadata: Record<string, unknown>; actor_type: string }[]>(
    `SELECT metadata, actor_type FROM audit_events
      WHERE practice_id = $1 AND action = 'purge' AND resource_type = 'housekeeping'
      ORDER BY occurred_at`,
    [PLATFORM_PRACTICE_ID],
  );
}

const LIVE_ROWS = [
  'bucketLive',
  'invitationExpiredRecently',
  'invitationLive',
  'invitationUsedLongAgo',
  'keyLive',
  'passwordExpiredInGrace',
  'passwordLive',
  'refreshExpiredInGrace',
  'refreshLive',
  'refreshUsedLive',
  ...LIVE_INTEGRATION_ROWS,
].sort();

describe(HousekeepingService.name, () => {
  describe('one run', () => {
    let testApp: TestApp;

    // The purge is database-wide: on a database of its own, so no other test's rows go.
    beforeAll(async () => {
      testApp = await startTestApp({ databaseUrl: await isolatedDatabaseUrl('housekeeping') });
    });
    afterAll(() => testApp.close());

    it('purges expired rows of every table and keeps the live ones', async () => {
      const seeded = await seedRows(testApp.dataSource);

      const run = await testApp.app.get(HousekeepingService).run();

      expect(await remaining(testApp.dataSource, seeded)).toEqual(LIVE_ROWS);
      expect(run).toEqual({
        complete: true,
        deleted: {
          rateLimitBuckets: 1,
          idempotencyKeys: 1,
          refreshTokens: 3,
          passwordTokens: 2,
          intakeInvitations: 2,
          ...PURGED_INTEGRATION_COUNTS,
        },
      });
    });

    it('records each run as a system audit event with counts only', async () => {
      await seedRows(testApp.dataSource);
      const before = (await purgeEvents(testApp.dataSource)).length;

      await testApp.app.get(HousekeepingService).run();

      const events = await purgeEvents(testApp.dataSource);
      expect(events).toHaveLength(before + 1);
      expect(events.at(-1)).toEqual({
        actor_type: 'system',
        metadata: {
          rateLimitBuckets: 1,
          idempotencyKeys: 1,
          refreshTokens: 3,
          passwordTokens: 2,
          intakeInvitations: 2,
          ...PURGED_INTEGRATION_COUNTS,
          complete: true,
        },
      });
    });

    it('stops between batches when asked, leaving the rest for the next run', async () => {
      const seeded = await seedRows(testApp.dataSource);

      const run = await testApp.app.get(HousekeepingService).run({ shouldStop: () => true });

      expect(run).toEqual({ complete: false, deleted: { rateLimitBuckets: 0 } });
      expect(await remaining(testApp.dataSource, seeded)).toHaveLength(
        Object.keys(seeded.ids).length,
      );
    });
  });

  describe('across replicas', () => {
    let first: TestApp;
    let second: TestApp;

    beforeAll(async () => {
      const databaseUrl = await isolatedDatabaseUrl('housekeeping_replicas');
      // An hourly schedule (its first run is a minute away, after these tests): runs are spaced.
      const env = { HOUSEKEEPING_INTERVAL_SECONDS: '3600' };
      first = await startTestApp({ databaseUrl, env });
      second = await startTestApp({ databaseUrl, env });
    });
    afterAll(async () => {
      await first.close();
      await second.close();
    });

    it('purges once when two app instances run it at the same moment', async () => {
      const seeded = await seedRows(first.dataSource);

      const runs = await Promise.all([
        first.app.get(HousekeepingService).run(),
        second.app.get(HousekeepingService).run(),
      ]);

      expect(runs.filter((run) => run !== null)).toHaveLength(1);
      expect(await remaining(first.dataSource, seeded)).toEqual(LIVE_ROWS);
      const events = await purgeEvents(first.dataSource);
      expect(events).toHaveLength(1);
      expect(events[0]!.metadata).toMatchObject({ refreshTokens: 3, intakeInvitations: 2 });

      // Either replica's next timer within the half interval skips as well.
      expect(await second.app.get(HousekeepingService).run()).toBeNull();
      expect(await purgeEvents(second.dataSource)).toHaveLength(1);
    });
  });

  describe('schedule', () => {
    it('runs by itself at the configured interval and stops with the app', async () => {
      const testApp = await startTestApp({
        databaseUrl: await isolatedDatabaseUrl('housekeeping_timer'),
        env: { HOUSEKEEPING_INTERVAL_SECONDS: '1' },
      });
      try {
        const seeded = await seedRows(testApp.dataSource);
        const deadline = Date.now() + 10_000;
        while ((await remaining(testApp.dataSource, seeded)).length > LIVE_ROWS.length) {
          if (Date.now() > deadline) throw new Error('housekeeping did not run');
          await sleep(100);
        }
        expect(await remaining(testApp.dataSource, seeded)).toEqual(LIVE_ROWS);
      } finally {
        const closed = Date.now();
        await testApp.close();
        expect(Date.now() - closed).toBeLessThan(5_000);
      }
    });
  });
});
