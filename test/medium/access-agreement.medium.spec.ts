import fc from 'fast-check';
import type { DataSource } from 'typeorm';
import type { ClientNeed } from '../../src/access/client-access';
import { ClientAccessService, ClientNotFoundError } from '../../src/access/client-access.service';
import type { StaffActor, StaffRole } from '../../src/common/actor/actor';
import { SqlParams } from '../../src/common/sql/sql-params';
import { createClient, grantEmergencyAccess, type TestClient } from '../factories/client.factory';
import { createPractice, createStaff } from '../factories/staff.factory';
import { mediumHarness } from './medium-harness';
import { ownerQuery } from '../setup/database-roles';

const NEEDS: readonly ClientNeed[] = ['read', 'write', 'readClinical', 'writeClinical'];
/** The letter each need has in the tables below. */
const LETTER: Record<ClientNeed, string> = {
  read: 'r',
  write: 'w',
  readClinical: 'c',
  writeClinical: 'x',
};

const ROLE_CASES = [
  'counselor',
  'supervisor',
  'admin',
  'admin with clinical access',
  'intake coordinator',
] as const;
type RoleCase = (typeof ROLE_CASES)[number];
const ROLE: Record<RoleCase, StaffRole> = {
  counselor: 'counselor',
  supervisor: 'supervisor',
  admin: 'admin',
  'admin with clinical access': 'admin',
  'intake coordinator': 'intake_coordinator',
};

const RELATIONSHIPS = [
  'on the care team',
  'supervisor of a member',
  'co-therapist',
  'emergency grant active',
  'emergency grant expired',
  'other counselor',
  'other practice',
  'removed from the care team',
] as const;
type Relationship = (typeof RELATIONSHIPS)[number];

// What `require` grants, per role and relationship (columns in RELATIONSHIPS order), as the
// letters of the needs granted. Written out by hand: a rule change that moves the decision and the
// list predicate together still shows here.
// prettier-ignore
const GRANTED_ACTIVE: Record<RoleCase, readonly string[]> = {
  //                            team    sup     co      grant   expired other   foreign removed
  counselor:                    ['rwcx', 'rwcx', 'rwcx', 'rwcx', '',     '',     '',     ''],
  supervisor:                   ['rwcx', 'rwcx', 'rwcx', 'rwcx', '',     '',     '',     ''],
  admin:                        ['rw',   'rw',   'rw',   'rw',   'rw',   'rw',   '',     'rw'],
  'admin with clinical access': ['rwc',  'rwc',  'rwc',  'rwc',  'rwc',  'rwc',  '',     'rwc'],
  'intake coordinator':         ['rw',   'rw',   'rw',   'rw',   'rw',   'rw',   '',     'rw'],
};
// A record entered in error: only an admin still reads it, by its id; no list shows it.
// prettier-ignore
const GRANTED_IN_ERROR: Record<RoleCase, readonly string[]> = {
  counselor:                    ['',  '',  '',  '',  '',  '',  '', ''],
  supervisor:                   ['',  '',  '',  '',  '',  '',  '', ''],
  admin:                        ['r', 'r', 'r', 'r', 'r', 'r', '', 'r'],
  'admin with clinical access': ['r', 'r', 'r', 'r', 'r', 'r', '', 'r'],
  'intake coordinator':         ['',  '',  '',  '',  '',  '',  '', ''],
};

type Status = 'active' | 'entered_in_error';
const STATUSES: readonly Status[] = ['active', 'entered_in_error'];

describe('client access: the single-record decision and the list predicate agree', () => {
  const h = mediumHarness();
  let access: ClientAccessService;
  let ds: DataSource;

  beforeAll(() => {
    access = h.get(ClientAccessService);
    ds = h.dataSource;
  });

  const asActor = (staff: { id: string; practiceId: string; role: StaffRole }): StaffActor => ({
    kind: 'staff',
    id: staff.id,
    practiceId: staff.practiceId,
    role: staff.role,
  });

  /** Whether `require` grants, run as the actor would run it (its denials audited). */
  const grants = (actor: StaffActor, clientId: string, need: ClientNeed) =>
    h
      .as(actor, () => access.require(actor, clientId, need))
      .then(
        () => true,
        (error: unknown) => {
          if (!(error instanceof ClientNotFoundError)) throw error;
          return false;
        },
      );

  /**
   * The clients a list filtered by `listScope` shows the actor, among all the database holds: the
   * same whichever way the caseload is checked.
   */
  const listed = async (actor: StaffActor, need: ClientNeed): Promise<Set<string>> => {
    const shown: string[][] = [];
    for (const check of ['set', 'ids', 'perRow'] as const) {
      const params = new SqlParams();
      const rows = await ds.query<{ id: string }[]>(
        `SELECT c.id FROM clients c WHERE ${access.listScope(actor, params, need, check)}`,
        params.values,
      );
      shown.push(rows.map((row) => row.id).sort());
    }
    expect(shown[1]).toEqual(shown[0]);
    expect(shown[2]).toEqual(shown[0]);
    return new Set(shown[0]);
  };

  const addMember = (client: TestClient, staffId: string, role: string, removed = false) =>
    ds.query(
      `INSERT INTO care_team_members (practice_id, client_id, staff_id, role, removed_at)
       VALUES ($1, $2, $3, $4, CASE WHEN $5 THEN now() END)`,
      [client.practiceId, client.id, staffId, role, removed],
    );

  const markEnteredInError = (client: TestClient) =>
    ds.query(
      `UPDATE clients SET status = 'entered_in_error', error_reason = 'duplicate record'
        WHERE practice_id = $1 AND id = $2`,
      [client.practiceId, client.id],
    );

  const allowClinicalAccess = (practiceId: string) =>
    ownerQuery(
      ds,
      `UPDATE practices SET settings = '{"adminClinicalAccess": true}' WHERE id = $1`,
      [practiceId],
    );

  it('grants exactly the pinned cells, and lists exactly the granted active clients', async () => {
    const practices = {
      off: await createPractice(ds),
      on: await createPractice(ds),
      other: await createPractice(ds),
    };
    await allowClinicalAccess(practices.on.id);
    const owners = {
      off: await createStaff(ds, { practiceId: practices.off.id, role: 'counselor' }),
      on: await createStaff(ds, { practiceId: practices.on.id, role: 'counselor' }),
      other: await createStaff(ds, { practiceId: practices.other.id, role: 'counselor' }),
    };

    /** A client whose only tie to `actor` is `relationship` (its owner is someone else). */
    const clientFor = async (actor: StaffActor, relationship: Relationship, status: Status) => {
      const side = actor.practiceId === practices.on.id ? 'on' : 'off';
      if (relationship === 'other practice') {
        const client = await createClient(ds, {
          practiceId: practices.other.id,
          primaryCounselorId: owners.other.id,
        });
        if (status === 'entered_in_error') await markEnteredInError(client);
        return client;
      }
      const practiceId = actor.practiceId;
      let primary = owners[side].id;
      if (relationship === 'on the care team') primary = actor.id;
      if (relationship === 'supervisor of a member') {
        primary = (await createStaff(ds, { practiceId, role: 'counselor', supervisorId: actor.id }))
          .id;
      }
      const client = await createClient(ds, { practiceId, primaryCounselorId: primary });
      if (relationship === 'co-therapist') await addMember(client, actor.id, 'co_therapist');
      if (relationship === 'removed from the care team')
        await addMember(client, actor.id, 'co_therapist', true);
      if (relationship === 'emergency grant active')
        await grantEmergencyAccess(ds, client, actor.id, 60);
      if (relationship === 'emergency grant expired')
        await grantEmergencyAccess(ds, client, actor.id, -60);
      if (status === 'entered_in_error') await markEnteredInError(client);
      return client;
    };

    const disagreements: string[] = [];
    const unexpected: string[] = [];
    let cells = 0;
    // Every role's clients are written before any list runs: an admin lists the whole practice, so
    // a client another role case marks entered in error between two of its queries would change
    // what the second one shows.
    const worlds = await Promise.all(
      ROLE_CASES.map(async (roleCase) => {
        const side = roleCase === 'admin with clinical access' ? 'on' : 'off';
        const actor = asActor(
          await createStaff(ds, { practiceId: practices[side].id, role: ROLE[roleCase] }),
        );
        const clients = new Map<string, TestClient>();
        await Promise.all(
          RELATIONSHIPS.flatMap((relationship) =>
            STATUSES.map(async (status) =>
              clients.set(
                `${relationship}|${status}`,
                await clientFor(actor, relationship, status),
              ),
            ),
          ),
        );
        return { roleCase, actor, clients };
      }),
    );

    const roleChecks = worlds.map(async ({ roleCase, actor, clients }) => {
      const checks = NEEDS.map(async (need) => {
        const shown = await listed(actor, need);
        const decisions = RELATIONSHIPS.flatMap((relationship, r) =>
          STATUSES.map(async (status) => {
            cells += 1;
            const client = clients.get(`${relationship}|${status}`)!;
            const cell = `${roleCase} / ${relationship} / ${status} / ${need}`;
            const granted = await grants(actor, client.id, need);
            const table = status === 'active' ? GRANTED_ACTIVE : GRANTED_IN_ERROR;
            if (granted !== table[roleCase][r]!.includes(LETTER[need]))
              unexpected.push(`${cell}: require ${granted ? 'grants' : 'refuses'}`);
            if (shown.has(client.id) !== (granted && status === 'active'))
              disagreements.push(`${cell}: require ${granted}, listed ${shown.has(client.id)}`);
          }),
        );
        await Promise.all(decisions);
      });
      await Promise.all(checks);
    });
    await Promise.all(roleChecks);

    expect(cells).toBe(ROLE_CASES.length * RELATIONSHIPS.length * STATUSES.length * NEEDS.length);
    expect(unexpected).toEqual([]);
    expect(disagreements).toEqual([]);
  });

  const CLIENT_STATUSES = [
    'intake',
    'active',
    'on_hold',
    'discharged',
    'entered_in_error',
  ] as const;
  const ROLES: readonly StaffRole[] = ['admin', 'supervisor', 'counselor', 'intake_coordinator'];
  const MAX_STAFF = 4;
  // Each generated client has a tie to every generated staff member (slot i, ignored past the last
  // one): on its team or removed from it, an emergency grant active or expired, or nothing.
  const tie = fc.record({
    member: fc.constantFrom('none', 'member', 'removed'),
    grant: fc.constantFrom('none', 'active', 'expired'),
  });
  const generatedPractice = fc.record({
    adminClinicalAccess: fc.boolean(),
    staff: fc.array(
      fc.record({
        role: fc.constantFrom(...ROLES),
        supervisor: fc.option(fc.nat({ max: MAX_STAFF - 1 })),
      }),
      { minLength: 2, maxLength: MAX_STAFF },
    ),
    clients: fc.array(
      fc.record({
        status: fc.constantFrom(...CLIENT_STATUSES),
        ties: fc.array(tie, { minLength: MAX_STAFF, maxLength: MAX_STAFF }),
      }),
      { minLength: 2, maxLength: 3 },
    ),
  });
  type GeneratedPractice = typeof generatedPractice extends fc.Arbitrary<infer T> ? T : never;

  /** Writes a generated practice: staff with their supervisors, clients, care teams and grants. */
  const build = async (spec: GeneratedPractice) => {
    const practice = await createPractice(ds);
    if (spec.adminClinicalAccess) await allowClinicalAccess(practice.id);
    const staff: StaffActor[] = [];
    for (const [i, member] of spec.staff.entries()) {
      // Supervisors come from those already written, so the chain of supervision has no cycle.
      const supervisor = i > 0 && member.supervisor !== null ? staff[member.supervisor % i] : null;
      const row = await createStaff(ds, {
        practiceId: practice.id,
        role: member.role,
        supervisorId: supervisor?.id ?? null,
      });
      staff.push(asActor(row));
    }
    const clients: { id: string; status: string }[] = [];
    for (const generated of spec.clients) {
      const status = generated.status === 'entered_in_error' ? 'active' : generated.status;
      const client = await createClient(ds, { practiceId: practice.id, status });
      let primary = true;
      for (const [i, member] of staff.entries()) {
        const { member: seat, grant } = generated.ties[i]!;
        if (seat !== 'none') {
          await addMember(
            client,
            member.id,
            primary ? 'primary_counselor' : 'co_therapist',
            seat === 'removed',
          );
          primary = false;
        }
        if (grant !== 'none')
          await grantEmergencyAccess(ds, client, member.id, grant === 'active' ? 60 : -60);
      }
      if (generated.status === 'entered_in_error') await markEnteredInError(client);
      clients.push({ id: client.id, status: generated.status });
    }
    return { staff, clients };
  };

  it('agrees over generated practices: teams, supervisions, removed members, grants', async () => {
    await fc.assert(
      fc.asyncProperty(generatedPractice, async (spec) => {
        const { staff, clients } = await build(spec);
        const ours = new Set(clients.map((client) => client.id));
        const checks = staff.flatMap((actor) =>
          NEEDS.map(async (need) => {
            const shown = await listed(actor, need);
            expect([...shown].filter((id) => !ours.has(id))).toEqual([]);
            for (const client of clients) {
              const granted = await grants(actor, client.id, need);
              const inError = client.status === 'entered_in_error';
              const cell = { role: actor.role, client, need };
              expect({ ...cell, listed: shown.has(client.id) }).toEqual({
                ...cell,
                listed: granted && !inError,
              });
              if (inError && granted) expect([actor.role, need]).toEqual(['admin', 'read']);
            }
          }),
        );
        await Promise.all(checks);
      }),
      { numRuns: 10 },
    );
  });
});
