import { Client } from 'pg';
import type { ApiClientActor, Caller, StaffActor } from '../../src/common/actor/actor';
import { STAFF_ROLES } from '../../src/common/actor/actor';
import {
  clientAccessViaSql,
  decideClientAccess,
  type AccessFact,
  type ClientAccessFacts,
  type ClientNeed,
} from '../../src/access/client-access';
import { workerDatabaseUrl } from '../setup/test-database';

const NEEDS: ClientNeed[] = ['read', 'write', 'readClinical', 'writeClinical'];
const FACTS = [
  'onCareTeam',
  'supervisesCareTeamMember',
  'emergencyGrant',
  'adminClinicalAccess',
  'inApiCaseload',
] as const satisfies readonly Exclude<AccessFact, 'always'>[];

const callers: Caller[] = [
  ...STAFF_ROLES.map((role): StaffActor => ({ kind: 'staff', id: 'a', practiceId: 'p', role })),
  {
    kind: 'api_client',
    id: 'k',
    practiceId: 'p',
    role: null,
    ownerId: 'o',
    scopes: ['clients:read'],
    caseloadStaffIds: null,
  } satisfies ApiClientActor,
];

/** Every combination of the facts, with the record active and entered in error. */
function allFacts(): ClientAccessFacts[] {
  const combinations: ClientAccessFacts[] = [];
  for (let bits = 0; bits < 2 ** FACTS.length; bits += 1) {
    for (const status of ['active', 'entered_in_error']) {
      const facts = { status } as ClientAccessFacts;
      FACTS.forEach((fact, index) => (facts[fact] = (bits & (1 << index)) !== 0));
      combinations.push(facts);
    }
  }
  return combinations;
}

/**
 * The one-statement read decides access in SQL (issue 19): the CASE built from the rule must
 * grant exactly what the rule grants in code, for every caller, need and combination of facts.
 */
describe('the access rule evaluated by PostgreSQL', () => {
  let db: Client;

  beforeAll(async () => {
    db = new Client({ connectionString: await workerDatabaseUrl() });
    await db.connect();
  });
  afterAll(() => db.end());

  it.each(callers.map((caller) => [caller.role ?? caller.kind, caller] as const))(
    'grants what decideClientAccess grants: %s',
    async (_name, caller) => {
      const combinations = allFacts();
      for (const need of NEEDS) {
        const via = clientAccessViaSql(
          caller,
          need,
          'f.status',
          (fact) => `(f.facts ->> '${fact}')::boolean`,
        );
        const { rows } = await db.query<{ via: string | null }>(
          `SELECT ${via} AS via
             FROM jsonb_array_elements($1::jsonb) WITH ORDINALITY AS e (facts, n),
                  LATERAL (SELECT e.facts ->> 'status' AS status, e.facts) f
            ORDER BY e.n`,
          [JSON.stringify(combinations)],
        );
        expect(rows.map((row) => row.via ?? undefined)).toEqual(
          combinations.map((facts) => decideClientAccess(caller, facts, need)),
        );
      }
    },
  );

  it('asks only the facts the rule names for the caller, in order', () => {
    const asked: string[] = [];
    clientAccessViaSql(callers[2]!, 'read', 'c.status', (fact) => {
      asked.push(fact);
      return 'false';
    });
    expect(callers[2]!.role).toBe('counselor');
    expect(asked).toEqual(['onCareTeam', 'supervisesCareTeamMember', 'emergencyGrant']);
    const admin: string[] = [];
    clientAccessViaSql(callers[0]!, 'read', 'c.status', (fact) => {
      admin.push(fact);
      return 'false';
    });
    expect(admin).toEqual([]);
  });
});
