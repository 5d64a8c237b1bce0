import request from 'supertest';
import { createClient } from '../factories/client.factory';
import { createStaff, createTeam, type TestStaff } from '../factories/staff.factory';
import { createApiClient, EVERY_SCOPE } from '../setup/api-keys';
import { bearer, tokenFor } from '../setup/auth';
import { startTestApp, type TestApp } from '../setup/test-app';

interface Change {
  resourceType: string;
  id: string;
  clientId: string | null;
  caseId: string | null;
  change: 'upserted' | 'deleted';
}

describe('change feed: cases', () => {
  let testApp: TestApp;

  beforeAll(async () => {
    testApp = await startTestApp();
  });
  afterAll(() => testApp?.close());

  const api = () => request(testApp.app.getHttpServer());

  /** Pages the feed as `authorization` until `done` holds (or 15 s pass), keeping what it saw. */
  function syncer(authorization: string, types?: string) {
    let cursor: string | undefined;
    const seen: Change[] = [];
    const page = async () => {
      const response = await api()
        .get('/api/v1/changes')
        .query({ limit: 25, ...(cursor ? { cursor } : {}), ...(types ? { types } : {}) })
        .set('Authorization', authorization)
        .expect(200);
      const body = response.body as { data: Change[]; nextCursor: string; hasMore: boolean };
      cursor = body.nextCursor;
      seen.push(...body.data);
      return body.hasMore;
    };
    return {
      seen,
      async until(done: () => boolean) {
        const deadline = Date.now() + 15_000;
        while (!done() && Date.now() < deadline) {
          if (!(await page())) await new Promise((resolve) => setTimeout(resolve, 20));
        }
      },
    };
  }

  async function openCase(authorization: string, label: string): Promise<string> {
    const response = await api()
      .post('/api/v1/cases')
      .set('Authorization', authorization)
      .send({ type: 'family', label })
      .expect(201);
    return (response.body as { id: string }).id;
  }

  const auth = async (member: TestStaff) => bearer(await tokenFor(testApp.app, member));

  it('follows a case through opening, edits, members, status and its tombstone, for those who may read it', async () => {
    const { practice, admin, counselor } = await createTeam(testApp.dataSource);
    const outsider = await createStaff(testApp.dataSource, {
      practiceId: practice.id,
      role: 'counselor',
    });
    const counselorAuth = await auth(counselor);
    const kase = await openCase(counselorAuth, 'Okafor');
    await api()
      .patch(`/api/v1/cases/${kase}`)
      .set('Authorization', counselorAuth)
      .send({ label: 'Okafor family' })
      .expect(200);
    const feed = syncer(counselorAuth, 'case');
    await feed.until(() => feed.seen.filter((c) => c.id === kase).length >= 2);
    const opened = feed.seen.filter((c) => c.id === kase);
    expect(opened).toHaveLength(2);
    expect(opened).toEqual(
      opened.map(() => ({
        resourceType: 'case',
        id: kase,
        caseId: kase,
        clientId: null,
        change: 'upserted',
        changedAt: expect.any(String),
      })),
    );

    // A member added is a change of the case; so is a status change.
    await api()
      .post(`/api/v1/cases/${kase}/members`)
      .set('Authorization', counselorAuth)
      .send({ newPerson: { firstName: 'Ada', lastName: 'Okafor' }, role: 'parent' })
      .expect(201);
    await api()
      .post(`/api/v1/cases/${kase}/status`)
      .set('Authorization', counselorAuth)
      .send({ status: 'on_hold' })
      .expect(200);
    await feed.until(() => feed.seen.filter((c) => c.id === kase).length >= 4);
    expect(feed.seen.filter((c) => c.id === kase)).toHaveLength(4);

    // A counselor off the care team sees their own case, never this one.
    const outsiderAuth = await auth(outsider);
    const own = await openCase(outsiderAuth, 'Other');
    const outsiderFeed = syncer(outsiderAuth);
    await outsiderFeed.until(() => outsiderFeed.seen.some((c) => c.id === own));
    expect(outsiderFeed.seen.map((c) => c.id)).toContain(own);
    expect(outsiderFeed.seen.map((c) => c.id)).not.toContain(kase);

    await api()
      .post(`/api/v1/cases/${kase}/entered-in-error`)
      .set('Authorization', await auth(admin))
      .send({ reason: 'Opened twice by mistake' })
      .expect(200);
    const after = syncer(counselorAuth, 'case');
    await after.until(() => after.seen.filter((c) => c.id === kase).length >= 5);
    const tombstones = after.seen.filter((c) => c.id === kase);
    expect(tombstones).toHaveLength(5);
    expect(tombstones.every((c) => c.change === 'deleted')).toBe(true);

    // Audited like a list of the case.
    const listed = await testApp.dataSource.query<{ resource_id: string }[]>(
      `SELECT DISTINCT resource_id FROM audit_events
        WHERE practice_id = $1 AND action = 'list' AND resource_type = 'case' AND actor_id = $2`,
      [practice.id, counselor.id],
    );
    expect(listed.map((row) => row.resource_id)).toEqual([kase]);
  });

  it('shows an API key no case, even one holding every scope that asks for them', async () => {
    const { practice, admin, counselor } = await createTeam(testApp.dataSource);
    const adminAuth = await auth(admin);
    const { key } = await createApiClient(testApp.app, adminAuth, { scopes: EVERY_SCOPE });
    const kase = await openCase(await auth(counselor), 'Okafor');
    // Created after the case: once the key sees it, it is past the case's entries too.
    const client = await createClient(testApp.dataSource, { practiceId: practice.id });

    const keyFeed = syncer(bearer(key));
    await keyFeed.until(() => keyFeed.seen.some((c) => c.id === client.id));
    expect(keyFeed.seen.map((c) => c.id)).toContain(client.id);
    expect(keyFeed.seen.map((c) => c.resourceType)).not.toContain('case');

    const asked = await api()
      .get('/api/v1/changes')
      .query({ types: 'case' })
      .set('Authorization', bearer(key))
      .expect(200);
    expect(asked.body.data).toEqual([]);

    // The staff feed does hold the case the key was not shown.
    const adminFeed = syncer(adminAuth, 'case');
    await adminFeed.until(() => adminFeed.seen.some((c) => c.id === kase));
    expect(adminFeed.seen.map((c) => c.id)).toContain(kase);
  });
});
