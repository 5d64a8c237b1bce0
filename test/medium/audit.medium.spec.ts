import { randomUUID } from 'node:crypto';
import { AuditQueryService } from '../../src/audit/audit-query.service';
import type { AuditEventInput } from '../../src/audit/audit-event';
import { AuditService } from '../../src/audit/audit.service';
import { BoundaryAgreementsService } from '../../src/boundary-agreements/boundary-agreements.service';
import type { StaffActor } from '../../src/common/actor/actor';
import { TrustGoalsQueryService } from '../../src/trust-goals/trust-goals-query.service';
import type { TestStaff } from '../factories/staff.factory';
import { weeklyCheckIns } from '../factories/trust-goal.factory';
import { countQueries } from '../setup/query-counter';
import { clientHolder } from '../../src/parties/record-holder';
import { mediumHarness } from './medium-harness';

// insufficient_privilege: the application role's grants refuse it, audit_refuse_change() anyone else.
const APPEND_ONLY = '42501';

const actorOf = (staff: TestStaff): StaffActor => ({
  kind: 'staff',
  id: staff.id,
  practiceId: staff.practiceId,
  role: staff.role,
});

const read = (resourceId: string, extra: Partial<AuditEventInput> = {}): AuditEventInput => ({
  action: 'read',
  resourceType: 'client',
  resourceId,
  ...extra,
});

const h = mediumHarness();
const audit = () => h.get(AuditService);

describe(AuditService.name, () => {
  // One practice for the describe: each test tells its events apart by their resource ids.
  let practiceId: string;
  let actor: StaffActor;
  beforeAll(async () => {
    practiceId = (await h.make.practice()).id;
    actor = actorOf(await h.make.staff({ practiceId, role: 'counselor' }));
  });

  describe('record', () => {
    it('takes the actor, request id, IP and user agent from the request context', async () => {
      const requestId = randomUUID();

      await h.as(actor, () => audit().record(read('r1', { changedFields: ['pronouns'] })), {
        requestId,
        ip: '203.0.113.7',
        userAgent: 'medium-spec',
      });

      expect(await h.auditEvents(practiceId, 'r1')).toEqual([
        expect.objectContaining({
          actor_type: 'staff',
          actor_id: actor.id,
          actor_role: 'counselor',
          resource_id: 'r1',
          outcome: 'success',
          changed_fields: ['pronouns'],
          request_id: requestId,
          ip: '203.0.113.7',
          user_agent: 'medium-spec',
          metadata: {},
        }),
      ]);
    });

    it('is rolled back with the transaction it is recorded in', async () => {
      await expect(
        h.as(actor, () =>
          h.txHost.withTransaction(async () => {
            await audit().record(read('rolled-back'));
            throw new Error('use case failed');
          }),
        ),
      ).rejects.toThrow('use case failed');

      expect(await h.auditEvents(practiceId, 'rolled-back')).toEqual([]);
    });
  });

  describe('recordIndependently', () => {
    it('survives a rollback of the surrounding transaction', async () => {
      await expect(
        h.as(actor, () =>
          h.txHost.withTransaction(async () => {
            await audit().record(read('with-the-change'));
            await audit().recordIndependently(read('the-denial', { outcome: 'denied' }));
            throw new Error('answered 404');
          }),
        ),
      ).rejects.toThrow('answered 404');

      expect(await h.auditEvents(practiceId, 'with-the-change')).toEqual([]);
      expect(await h.auditEvents(practiceId, 'the-denial')).toEqual([
        expect.objectContaining({
          resource_id: 'the-denial',
          outcome: 'denied',
          actor_id: actor.id,
        }),
      ]);
    });
  });

  describe('event ids', () => {
    it('are time-ordered (UUID version 7), so each insert appends to the id indexes', async () => {
      await h.as(actor, () => audit().record(read('ordered-1')));
      await new Promise((resolve) => setTimeout(resolve, 5));
      await h.as(actor, () => audit().record(read('ordered-2')));

      const [first] = await h.auditEvents(practiceId, 'ordered-1');
      const [second] = await h.auditEvents(practiceId, 'ordered-2');
      // Version nibble 7 and the RFC 9562 variant (10xx).
      for (const { id } of [first!, second!])
        expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab]/);
      // The first 48 bits are Unix milliseconds: now, and later for the later event.
      const millis = (id: string) => parseInt(id.replace(/-/g, '').slice(0, 12), 16);
      expect(Math.abs(millis(first!.id) - Date.now())).toBeLessThan(60_000);
      expect(millis(second!.id)).toBeGreaterThan(millis(first!.id));
      expect(second!.id > first!.id).toBe(true);
    });
  });

  describe('recordMany', () => {
    it('writes every event in one statement, and nothing for none', async () => {
      const ids = Array.from({ length: 30 }, (_, i) => `many-${i}`);

      const { statements } = await countQueries(() =>
        h.as(actor, () => audit().recordMany(ids.map((id) => read(id)))),
      );
      const none = await countQueries(() => h.as(actor, () => audit().recordMany([])));

      expect(statements).toBe(1);
      expect(none.statements).toBe(0);
      const stored = (await h.auditEvents(practiceId)).filter((e) =>
        e.resource_id?.startsWith('many-'),
      );
      expect(stored.map((event) => event.resource_id).sort()).toEqual([...ids].sort());
      expect(new Set(stored.map((event) => event.request_id)).size).toBe(1);
    });

    it('keeps metadata and lists the disclosed clients in metadata.clientIds', async () => {
      const clientIds = [randomUUID(), randomUUID()];

      await h.as(actor, () =>
        audit().recordMany([
          { ...read('with-clients', { action: 'list', clientIds }), metadata: { returned: 2 } },
          read('with-metadata', { metadata: { via: 'care_team' } }),
        ]),
      );

      const [listed] = await h.auditEvents(practiceId, 'with-clients');
      const [plain] = await h.auditEvents(practiceId, 'with-metadata');
      expect(listed?.metadata).toEqual({ returned: 2, clientIds });
      expect(plain?.metadata).toEqual({ via: 'care_team' });
    });

    it('records an explicit actor and practice over the request context', async () => {
      const other = await h.make.practice();

      await h.as(actor, () =>
        audit().recordMany([
          read('login', { action: 'login_failed', practiceId: other.id, outcome: 'failure' }),
        ]),
      );

      expect(await h.auditEvents(other.id)).toEqual([
        expect.objectContaining({ actor_id: actor.id, action: 'login_failed', outcome: 'failure' }),
      ]);
    });
  });

  describe('storage', () => {
    it('refuses UPDATE, DELETE and TRUNCATE of audit events', async () => {
      await h.as(actor, () => audit().record(read('kept')));
      const [event] = await h.auditEvents(practiceId, 'kept');
      const ds = h.dataSource;

      for (const [sql, params] of [
        [`UPDATE audit_events SET outcome = 'failure' WHERE id = $1`, [event?.id]],
        [`DELETE FROM audit_events WHERE id = $1`, [event?.id]],
        [`TRUNCATE audit_events CASCADE`, []],
      ] as const) {
        await expect(ds.query(sql, [...params])).rejects.toMatchObject({ code: APPEND_ONLY });
      }
      // Without CASCADE the chain's foreign key refuses it before the trigger is even reached.
      await expect(ds.query(`TRUNCATE audit_events`)).rejects.toBeDefined();
      expect(await h.auditEvents(practiceId, 'kept')).toEqual([event]);
    });
  });
});

describe(AuditQueryService.name, () => {
  const query = () => h.get(AuditQueryService);

  /** A practice whose counselor read a goal and an agreement of one client, and an admin to look. */
  async function auditedPractice() {
    const team = await h.make.team();
    const counselor = actorOf(team.counselor);
    const client = await h.make.client({
      practiceId: team.practice.id,
      primaryCounselorId: team.counselor.id,
    });
    const mother = await h.make.familyMember(client);
    const goal = await h.make.goal(client, mother, { checkIns: weeklyCheckIns([4, 5]) });
    const agreement = await h.make.agreement(client, team.counselor.id, {
      parties: [null, mother],
    });
    await h.as(counselor, async () => {
      await h.get(TrustGoalsQueryService).get(counselor, clientHolder(client.id), goal.id);
      await h.get(BoundaryAgreementsService).get(counselor, clientHolder(client.id), agreement.id);
    });
    return { team, counselor, admin: actorOf(team.admin), client, goal, agreement };
  }

  describe('list', () => {
    // One audited practice for the describe; only the isolation test builds a second one.
    let world: Awaited<ReturnType<typeof auditedPractice>>;
    beforeAll(async () => {
      world = await auditedPractice();
    });

    it('filters by resource type and by actor, as recorded by the services', async () => {
      const { admin, counselor, client, goal, agreement } = world;

      const goals = await query().list(admin, { resourceType: 'trust_goal' });
      const byCounselor = await query().list(admin, { actorId: counselor.id });

      expect(goals.data).toEqual([
        expect.objectContaining({
          resourceId: goal.id,
          clientId: client.id,
          actorId: counselor.id,
        }),
      ]);
      expect(byCounselor.data.map((e) => e.resourceId).sort()).toEqual(
        [goal.id, agreement.id].sort(),
      );
    });

    it('finds a client’s events, those that list the client among others included', async () => {
      const { admin, client, goal, agreement } = world;
      await h.get(AuditService).record({
        action: 'list',
        resourceType: 'dashboard',
        clientIds: [randomUUID(), client.id],
        actor: admin,
      });
      await h
        .get(AuditService)
        .record({ ...read('elsewhere'), clientId: randomUUID(), actor: admin });

      const page = await query().list(admin, { clientId: client.id });

      expect(page.data.map((e) => e.resourceType).sort()).toEqual([
        'boundary_agreement',
        'dashboard',
        'trust_goal',
      ]);
      expect(page.data.map((e) => e.resourceId)).toEqual(
        expect.arrayContaining([goal.id, agreement.id]),
      );
    });

    it('filters by action and time range, newest first, one page after another', async () => {
      const { admin } = world;
      const from = new Date().toISOString();
      for (const id of ['a', 'b', 'c'])
        await h.get(AuditService).record(read(id, { actor: admin }));
      const to = new Date(Date.now() + 60_000).toISOString();

      const first = await query().list(admin, { action: 'read', from, to, limit: 2 });
      const second = await query().list(admin, {
        action: 'read',
        from,
        to,
        limit: 2,
        cursor: first.nextCursor!,
      });

      expect(first.data.map((e) => e.resourceId)).toEqual(['c', 'b']);
      expect(second).toEqual({
        data: [expect.objectContaining({ resourceId: 'a' })],
        nextCursor: null,
      });
      expect(await query().list(admin, { action: 'read', to: from })).toMatchObject({
        data: expect.not.arrayContaining([expect.objectContaining({ resourceId: 'a' })]),
      });
    });

    it('shows only the caller’s practice and records the listing with the filters used', async () => {
      const first = world;
      const second = await auditedPractice();

      const page = await query().list(second.admin, { resourceType: 'trust_goal' });

      expect(page.data.map((e) => e.resourceId)).toEqual([second.goal.id]);
      const [listing] = (await h.auditEvents(second.team.practice.id)).filter(
        (e) => e.resource_type === 'audit_event',
      );
      expect(listing).toMatchObject({
        action: 'list',
        actor_id: second.admin.id,
        metadata: expect.objectContaining({ returned: 1, resourceType: 'trust_goal' }),
      });
      expect(page.data.map((e) => e.resourceId)).not.toContain(first.goal.id);
    });
  });
});
