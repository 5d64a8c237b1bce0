import { randomUUID } from 'node:crypto';
import type { StaffActor } from '../../src/common/actor/actor';
import { ClientCreationService } from '../../src/clients/client-creation.service';
import { ClientsQueryService } from '../../src/clients/clients-query.service';
import { ClientsService } from '../../src/clients/clients.service';
import type { ListClientsQueryDto } from '../../src/clients/dto/client.dto';
import type { ClientOptions, TestClient } from '../factories/client.factory';
import type { TestStaff } from '../factories/staff.factory';
import { mediumHarness } from './medium-harness';

const actorOf = (staff: TestStaff): StaffActor => ({
  kind: 'staff',
  id: staff.id,
  practiceId: staff.practiceId,
  role: staff.role,
});

const h = mediumHarness();

/** The stored row, as the database holds it after the call. */
async function storedClient(id: string) {
  const [row] = await h.dataSource.query<
    {
      status: string;
      version: number;
      pronouns: string | null;
      phone: string | null;
      discharge_reason: string | null;
      discharged_on: string | null;
    }[]
  >(
    `SELECT status, version, pronouns, phone, discharge_reason, discharged_on::text FROM clients WHERE id = $1`,
    [id],
  );
  return row;
}

describe(ClientsService.name, () => {
  const clients = () => h.get(ClientsService);
  let team: Awaited<ReturnType<typeof h.make.team>>;
  let counselor: StaffActor;
  const as = <T>(actor: StaffActor, call: (service: ClientsService) => Promise<T>) =>
    h.as(actor, () => call(clients()));
  const creating = <T>(actor: StaffActor, call: (service: ClientCreationService) => Promise<T>) =>
    h.as(actor, () => call(h.get(ClientCreationService)));
  const newClient = (options: Partial<ClientOptions> = {}) =>
    h.make.client({
      practiceId: team.practice.id,
      primaryCounselorId: team.counselor.id,
      ...options,
    });

  beforeAll(async () => {
    team = await h.make.team();
    counselor = actorOf(team.counselor);
  });

  describe('create', () => {
    it('numbers the client, puts the counselor on the care team and audits the fields given', async () => {
      const { body } = await creating(counselor, (s) =>
        s.create(counselor, { firstName: ' Maya ', lastName: 'Okafor', dateOfBirth: '1994-03-17' }),
      );

      const [member] = await h.dataSource.query<{ staff_id: string; role: string }[]>(
        `SELECT staff_id, role FROM care_team_members WHERE client_id = $1`,
        [body.id],
      );
      expect(body).toMatchObject({ firstName: 'Maya', status: 'intake' });
      expect(body.clientNumber).toMatch(/^C-\d{6}$/);
      expect(member).toEqual({ staff_id: counselor.id, role: 'primary_counselor' });
      expect(await h.auditEvents(team.practice.id, body.id)).toEqual([
        expect.objectContaining({
          action: 'create',
          actor_id: counselor.id,
          client_id: body.id,
          changed_fields: ['firstName', 'lastName', 'dateOfBirth'],
        }),
      ]);
    });

    it('answers a repeated idempotency key with the first client, creating no second one', async () => {
      const key = `create-${randomUUID()}`;
      const dto = { firstName: 'Ben', lastName: `Ruiz-${key}`, dateOfBirth: '2001-01-01' };

      const first = await creating(counselor, (s) => s.create(counselor, dto, key));
      const again = await creating(counselor, (s) => s.create(counselor, { ...dto }, key));

      expect(again).toEqual({ ...first, replayed: true });
      const rows = await h.dataSource.query(`SELECT id FROM clients WHERE last_name = $1`, [
        dto.lastName,
      ]);
      expect(rows).toHaveLength(1);
    });

    it('refuses a primary counselor who is not a clinician, creating nothing', async () => {
      const lastName = `Nobody-${randomUUID()}`;
      const admin = actorOf(team.admin);

      await expect(
        creating(admin, (s) =>
          s.create(admin, {
            firstName: 'Lea',
            lastName,
            dateOfBirth: '1990-01-01',
            primaryCounselorId: team.intake.id,
          }),
        ),
      ).rejects.toMatchObject({ status: 422 });

      expect(
        await h.dataSource.query(`SELECT id FROM clients WHERE last_name = $1`, [lastName]),
      ).toEqual([]);
    });
  });

  describe('update', () => {
    it('writes only the fields that change, with a new version and their names audited', async () => {
      const client = await newClient();
      const before = await as(counselor, (s) => s.get(counselor, client.id));

      const after = await as(counselor, (s) =>
        s.update(counselor, client.id, { firstName: 'Test', pronouns: 'she/her' }, before.etag),
      );

      expect(after.etag).not.toBe(before.etag);
      expect(await storedClient(client.id)).toMatchObject({ version: 2, pronouns: 'she/her' });
      const [update] = (await h.auditEvents(team.practice.id, client.id)).filter(
        (event) => event.action === 'update',
      );
      expect(update?.changed_fields).toEqual(['pronouns']);
    });

    it('leaves the row and the audit trail alone when nothing changes', async () => {
      const client = await newClient();

      await as(counselor, (s) => s.update(counselor, client.id, { firstName: 'Test' }));

      expect(await storedClient(client.id)).toMatchObject({ version: 1 });
      expect(await h.auditEvents(team.practice.id, client.id)).toEqual([]);
    });

    it('refuses a stale If-Match with 412 and keeps the row as it was', async () => {
      const client = await newClient();
      const stale = (await as(counselor, (s) => s.get(counselor, client.id))).etag;
      await as(counselor, (s) => s.update(counselor, client.id, { phone: '555-0100' }));

      await expect(
        as(counselor, (s) => s.update(counselor, client.id, { phone: '555-0199' }, stale)),
      ).rejects.toMatchObject({ status: 412, code: 'precondition-failed' });

      expect(await storedClient(client.id)).toMatchObject({ version: 2, phone: '555-0100' });
    });
  });

  describe('markEnteredInError', () => {
    it('takes the record out of the lists; only an admin still reads it, and the denial is audited', async () => {
      const client = await newClient({ lastName: `Mistake-${randomUUID()}` });
      const admin = actorOf(team.admin);

      await as(counselor, (s) =>
        s.markEnteredInError(counselor, client.id, { reason: 'duplicate' }),
      );

      const listed = await h.as(admin, () =>
        h.get(ClientsQueryService).list(admin, { search: 'Mistake' }),
      );
      expect(listed.data.map((c) => c.id)).not.toContain(client.id);
      expect((await as(admin, (s) => s.get(admin, client.id))).view.status).toBe(
        'entered_in_error',
      );
      await expect(as(counselor, (s) => s.get(counselor, client.id))).rejects.toMatchObject({
        status: 404,
      });
      const outcomes = (await h.auditEvents(team.practice.id, client.id)).map((e) => [
        e.action,
        e.actor_id,
        e.outcome,
      ]);
      expect(outcomes).toEqual([
        ['status_change', counselor.id, 'success'],
        ['read', admin.id, 'success'],
        ['access_denied', counselor.id, 'denied'],
      ]);
    });
  });

  describe('changeStatus', () => {
    it('discharges with a reason and a date, and re-opening clears them', async () => {
      const client = await newClient();
      const discharge = { status: 'discharged', reason: 'Goals met', dischargedOn: '2026-02-01' };

      await as(counselor, (s) => s.changeStatus(counselor, client.id, discharge as never));
      expect(await storedClient(client.id)).toMatchObject({
        status: 'discharged',
        discharge_reason: 'Goals met',
        discharged_on: '2026-02-01',
      });

      await as(counselor, (s) => s.changeStatus(counselor, client.id, { status: 'active' }));
      expect(await storedClient(client.id)).toMatchObject({
        status: 'active',
        discharge_reason: null,
        discharged_on: null,
        version: 3,
      });
      const changes = (await h.auditEvents(team.practice.id, client.id)).map((e) => e.metadata);
      expect(changes).toEqual([
        { from: 'active', to: 'discharged' },
        { from: 'discharged', to: 'active' },
      ]);
    });

    it.each([
      ['a transition the rule forbids', 'intake', { status: 'on_hold' }, 409],
      ['a discharge without reason and date', 'active', { status: 'discharged' }, 422],
      ['activating a client without a primary counselor', 'intake', { status: 'active' }, 422],
    ] as const)('refuses %s and keeps the status', async (_, status, dto, code) => {
      const client: TestClient = await h.make.client({ practiceId: team.practice.id, status });
      const admin = actorOf(team.admin);

      await expect(
        as(admin, (s) => s.changeStatus(admin, client.id, dto as never)),
      ).rejects.toMatchObject({ status: code });

      expect(await storedClient(client.id)).toMatchObject({ status, version: 1 });
    });

    it('refuses a stale If-Match', async () => {
      const client = await newClient();

      await expect(
        as(counselor, (s) =>
          s.changeStatus(counselor, client.id, { status: 'on_hold' }, `"${client.id}.7"`),
        ),
      ).rejects.toMatchObject({ status: 412 });
      expect(await storedClient(client.id)).toMatchObject({ status: 'active' });
    });
  });
});

describe(ClientsQueryService.name, () => {
  const list = (actor: StaffActor, query: ListClientsQueryDto = {}) =>
    h.as(actor, () => h.get(ClientsQueryService).list(actor, query));
  const names = (page: { data: { lastName: string }[] }) => page.data.map((c) => c.lastName);

  // One caseload for the describe: the filters are read-only over it.
  let practiceId: string;
  let counselor: StaffActor;
  let other: StaffActor;
  let admin: StaffActor;
  const byName: Record<string, TestClient> = {};

  beforeAll(async () => {
    const team = await h.make.team();
    practiceId = team.practice.id;
    [counselor, other, admin] = [team.counselor, team.trainee, team.admin].map(actorOf) as [
      StaffActor,
      StaffActor,
      StaffActor,
    ];
    const caseload: (Partial<ClientOptions> & { lastName: string })[] = [
      { lastName: 'Adams', presentingConcerns: ['grief'] },
      { lastName: 'Baker', status: 'on_hold', substanceUseRecords: true },
      { lastName: 'Celik', firstName: 'Émile', presentingConcerns: ['grief', 'trauma'] },
      { lastName: 'Diaz', status: 'discharged' },
      { lastName: 'Evans', primaryCounselorId: other.id },
    ];
    for (const options of caseload) {
      byName[options.lastName] = await h.make.client({
        practiceId,
        primaryCounselorId: counselor.id,
        ...options,
      });
    }
    const mistake = await h.make.client({ practiceId, primaryCounselorId: counselor.id });
    await h.dataSource.query(
      `UPDATE clients SET status = 'entered_in_error', error_reason = 'duplicate' WHERE id = $1`,
      [mistake.id],
    );
  });

  describe('list', () => {
    it('shows a counselor the care team’s clients only, never one entered in error', async () => {
      expect(names(await list(counselor))).toEqual(['Adams', 'Baker', 'Celik', 'Diaz']);
      expect(names(await list(other))).toEqual(['Evans']);
      expect(names(await list(admin))).toEqual(['Adams', 'Baker', 'Celik', 'Diaz', 'Evans']);
    });

    it.each<[string, () => ListClientsQueryDto, string[]]>([
      ['status', () => ({ status: ['on_hold', 'discharged'] }), ['Baker', 'Diaz']],
      ['presenting concern', () => ({ presentingConcern: 'grief' }), ['Adams', 'Celik']],
      ['substance-use records', () => ({ substanceUseRecords: true }), ['Baker']],
      ['counselor', () => ({ counselorId: other.id }), ['Evans']],
      ['name prefix, accents folded', () => ({ search: 'emi' }), ['Celik']],
    ])('filters by %s', async (_, query, expected) => {
      expect(names(await list(admin, query()))).toEqual(expected);
    });

    it('walks the list by name, two at a time, with the cursor', async () => {
      const seen: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await list(admin, { limit: 2, cursor });
        seen.push(...names(page));
        cursor = page.nextCursor ?? undefined;
      } while (cursor);

      expect(seen).toEqual(['Adams', 'Baker', 'Celik', 'Diaz', 'Evans']);
    });

    it('sorts by last activity, newest first, across pages', async () => {
      await h.dataSource.query(
        `UPDATE clients SET last_activity_at = now() - make_interval(days => array_position($2::uuid[], id))
          WHERE practice_id = $1 AND id = ANY ($2::uuid[])`,
        [practiceId, ['Diaz', 'Adams', 'Evans', 'Celik', 'Baker'].map((n) => byName[n]!.id)],
      );

      const first = await list(admin, { sort: 'lastActivity', limit: 3 });
      const rest = await list(admin, { sort: 'lastActivity', cursor: first.nextCursor! });

      expect([...names(first), ...names(rest)]).toEqual([
        'Diaz',
        'Adams',
        'Evans',
        'Celik',
        'Baker',
      ]);
      expect(rest.nextCursor).toBeNull();
    });

    it('records a list event for each client shown', async () => {
      const page = await list(other);

      const events = await h.auditEvents(practiceId, byName.Evans!.id);
      expect(page.data).toHaveLength(1);
      expect(events).toContainEqual(
        expect.objectContaining({
          action: 'list',
          actor_id: other.id,
          client_id: byName.Evans!.id,
        }),
      );
    });
  });
});
