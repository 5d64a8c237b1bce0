import fc from 'fast-check';
import request from 'supertest';
import type { DataSource } from 'typeorm';
import type { StaffRole } from '../../src/common/actor/actor';
import { createClient, grantEmergencyAccess, type TestClient } from '../factories/client.factory';
import {
  createPractice,
  createStaff,
  createTeam,
  type TestStaff,
} from '../factories/staff.factory';
import { bearer, tokenFor } from '../setup/auth';
import { mediumHarness } from './medium-harness';

const ROLES: readonly StaffRole[] = ['admin', 'supervisor', 'counselor', 'intake_coordinator'];
const CASE_STATUSES = ['open', 'on_hold', 'closed', 'entered_in_error'] as const;
const SEATS = ['none', 'primary_counselor', 'co_therapist', 'supervisor', 'removed'] as const;
const MAX_STAFF = 4;

// Each generated case has a tie to every generated staff member (slot i, ignored past the last
// one): a seat on the case's care team (or a removed one), an emergency grant naming the case, and
// ties to the chart of the case's client — which must never open the case by themselves.
const tie = fc.record({
  seat: fc.constantFrom(...SEATS),
  grant: fc.constantFrom('none', 'active', 'expired'),
  onClientTeam: fc.boolean(),
  clientGrant: fc.boolean(),
});
const generatedPractice = fc.record({
  staff: fc.array(
    fc.record({
      role: fc.constantFrom(...ROLES),
      supervisor: fc.option(fc.nat({ max: MAX_STAFF - 1 })),
    }),
    { minLength: 2, maxLength: MAX_STAFF },
  ),
  cases: fc.array(
    fc.record({
      status: fc.constantFrom(...CASE_STATUSES),
      ties: fc.array(tie, { minLength: MAX_STAFF, maxLength: MAX_STAFF }),
    }),
    { minLength: 1, maxLength: 4 },
  ),
});
type GeneratedPractice = typeof generatedPractice extends fc.Arbitrary<infer T> ? T : never;
type GeneratedCase = GeneratedPractice['cases'][number];

interface Built {
  staff: (TestStaff & { supervisorId: string | null; auth: string })[];
  cases: { id: string; spec: GeneratedCase }[];
}

/**
 * The case list (`GET /cases`, filtered in SQL by the access module's list scope) and the
 * single-case check (`GET /cases/{id}`, the one decision point) agree for every staff member of
 * generated practices: each lists exactly the cases it may open, less those entered in error
 * (which leave every list; an admin still opens them by id). Both are also held to the rule as
 * written, so that they cannot agree on something wrong.
 */
describe('case access: the case list and the single-case check agree', () => {
  const h = mediumHarness();
  let ds: DataSource;
  let foreignCase: string;

  const http = () => request(h.testApp.app.getHttpServer());

  beforeAll(async () => {
    ds = h.dataSource;
    // A case of another practice, with a grant to nobody here: no list or check may show it.
    const other = await createTeam(ds);
    foreignCase = await insertCase(other.practice.id, 'open');
  });

  const insertCase = async (practiceId: string, status: (typeof CASE_STATUSES)[number]) => {
    const [row] = await ds.query<{ id: string }[]>(
      `INSERT INTO cases (practice_id, case_type, label, status, close_reason, closed_on, error_reason)
       VALUES ($1, 'family', 'Generated family', $2,
               CASE WHEN $2 = 'closed' THEN 'goals met' END, CASE WHEN $2 = 'closed' THEN current_date END,
               CASE WHEN $2 = 'entered_in_error' THEN 'duplicate case' END)
       RETURNING id`,
      [practiceId, status],
    );
    return row!.id;
  };

  const addClientToCase = (client: TestClient, caseId: string) =>
    ds.query(
      `INSERT INTO case_members (practice_id, case_id, person_id, role)
       SELECT practice_id, $2, person_id, 'identified_client' FROM clients WHERE practice_id = $1 AND id = $3`,
      [client.practiceId, caseId, client.id],
    );

  /** Writes a generated practice: staff and their supervisors, cases, case and client ties. */
  const build = async (spec: GeneratedPractice): Promise<Built> => {
    const practice = await createPractice(ds);
    const staff: Built['staff'] = [];
    for (const [i, member] of spec.staff.entries()) {
      // Supervisors come from those already written, so the chain of supervision has no cycle.
      const supervisor = i > 0 && member.supervisor !== null ? staff[member.supervisor % i] : null;
      const row = await createStaff(ds, {
        practiceId: practice.id,
        role: member.role,
        supervisorId: supervisor?.id ?? null,
      });
      const auth = bearer(await tokenFor(h.testApp.app, row));
      staff.push({ ...row, supervisorId: supervisor?.id ?? null, auth });
    }
    const cases: Built['cases'] = [];
    for (const generated of spec.cases) {
      const caseId = await insertCase(practice.id, generated.status);
      const client = await createClient(ds, { practiceId: practice.id });
      await addClientToCase(client, caseId);
      let primaryTaken = false;
      for (const [i, member] of staff.entries()) {
        const { seat, grant, onClientTeam, clientGrant } = generated.ties[i]!;
        if (seat !== 'none') {
          // One primary counselor per case (a unique index): later ones sit as co-therapists.
          const role: Exclude<(typeof SEATS)[number], 'none' | 'removed'> =
            seat === 'removed' || (seat === 'primary_counselor' && primaryTaken)
              ? 'co_therapist'
              : seat;
          primaryTaken ||= role === 'primary_counselor';
          await ds.query(
            `INSERT INTO case_care_team_members (practice_id, case_id, staff_id, role, removed_at)
             VALUES ($1, $2, $3, $4, CASE WHEN $5 THEN now() END)`,
            [practice.id, caseId, member.id, role, seat === 'removed'],
          );
        }
        if (grant !== 'none') {
          await ds.query(
            `INSERT INTO emergency_access_grants (practice_id, case_id, staff_id, reason, granted_at, expires_at)
             VALUES ($1, $2, $3, 'test grant: family in crisis, team away', now() - interval '2 hours',
                     now() + make_interval(mins => $4))`,
            [practice.id, caseId, member.id, grant === 'active' ? 60 : -60],
          );
        }
        if (onClientTeam) {
          await ds.query(
            `INSERT INTO care_team_members (practice_id, client_id, staff_id, role) VALUES ($1, $2, $3, 'co_therapist')`,
            [practice.id, client.id, member.id],
          );
        }
        if (clientGrant) await grantEmergencyAccess(ds, client, member.id, 60);
      }
      cases.push({ id: caseId, spec: generated });
    }
    return { staff, cases };
  };

  /** The rule as docs/access-rules.md states it for cases, written out independently of the code. */
  const mayOpen = (built: Built, actor: Built['staff'][number], kase: Built['cases'][number]) => {
    if (kase.spec.status === 'entered_in_error') return actor.role === 'admin';
    if (actor.role === 'admin' || actor.role === 'intake_coordinator') return true;
    const seated = (index: number) => !['none', 'removed'].includes(kase.spec.ties[index]!.seat);
    const me = built.staff.indexOf(actor);
    return (
      seated(me) ||
      kase.spec.ties[me]!.grant === 'active' ||
      built.staff.some((other, index) => other.supervisorId === actor.id && seated(index))
    );
  };

  const listAs = async (auth: string): Promise<string[]> => {
    const ids: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await http()
        .get('/api/v1/cases')
        .query({ limit: 2, ...(cursor ? { cursor } : {}) })
        .set('Authorization', auth)
        .expect(200);
      const body = page.body as { data: { id: string }[]; nextCursor: string | null };
      ids.push(...body.data.map((row) => row.id));
      cursor = body.nextCursor ?? undefined;
    } while (cursor);
    return ids.sort();
  };

  const opens = async (auth: string, caseId: string): Promise<boolean> => {
    const { status } = await http().get(`/api/v1/cases/${caseId}`).set('Authorization', auth);
    expect([200, 404]).toContain(status);
    return status === 200;
  };

  it('lists exactly the cases each staff member may open, over generated practices', async () => {
    let opened = 0;
    let refused = 0;
    await fc.assert(
      fc.asyncProperty(generatedPractice, async (spec) => {
        const built = await build(spec);
        for (const actor of built.staff) {
          const listed = await listAs(actor.auth);
          const granted: string[] = [];
          for (const kase of built.cases) {
            const open = await opens(actor.auth, kase.id);
            const cell = {
              role: actor.role,
              case: kase.spec,
              staffIndex: built.staff.indexOf(actor),
            };
            expect({ ...cell, open }).toEqual({ ...cell, open: mayOpen(built, actor, kase) });
            if (open && kase.spec.status !== 'entered_in_error') granted.push(kase.id);
            if (open) opened += 1;
            else refused += 1;
          }
          expect(listed).toEqual(granted.sort());
          expect(await opens(actor.auth, foreignCase)).toBe(false);
        }
      }),
      // Each run writes a practice and makes a few dozen requests: a failure is reported as found,
      // since shrinking it would repeat all that many times over.
      { numRuns: 15, endOnFailure: true },
    );
    // Neither side of the property was empty.
    expect(opened).toBeGreaterThan(0);
    expect(refused).toBeGreaterThan(0);
  }, 180_000);
});
