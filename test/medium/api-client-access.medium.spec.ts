import type { DataSource } from 'typeorm';
import type { ClientNeed } from '../../src/access/client-access';
import { ClientAccessService, ClientNotFoundError } from '../../src/access/client-access.service';
import { API_SCOPES, type ApiClientActor } from '../../src/common/actor/actor';
import { SqlParams } from '../../src/common/sql/sql-params';
import { createClient, type TestClient } from '../factories/client.factory';
import { createPractice, createStaff } from '../factories/staff.factory';
import { mediumHarness } from './medium-harness';

const NEEDS: readonly ClientNeed[] = ['read', 'write', 'readClinical', 'writeClinical'];

describe('client access for API clients: the single-record decision and the list predicate agree', () => {
  const h = mediumHarness();
  let access: ClientAccessService;
  let ds: DataSource;

  beforeAll(() => {
    access = h.get(ClientAccessService);
    ds = h.dataSource;
  });

  const apiClient = (practiceId: string, caseloadStaffIds: string[] | null): ApiClientActor => ({
    kind: 'api_client',
    id: '00000000-0000-4000-8000-000000000001',
    practiceId,
    role: null,
    ownerId: '00000000-0000-4000-8000-000000000002',
    scopes: [...API_SCOPES],
    caseloadStaffIds,
  });

  const grants = (actor: ApiClientActor, clientId: string, need: ClientNeed) =>
    h
      .as(actor, () => access.require(actor, clientId, need))
      .then(
        () => true,
        (error: unknown) => {
          if (!(error instanceof ClientNotFoundError)) throw error;
          return false;
        },
      );

  const listed = async (actor: ApiClientActor, need: ClientNeed): Promise<Set<string>> => {
    const params = new SqlParams();
    const rows = await ds.query<{ id: string }[]>(
      `SELECT c.id FROM clients c WHERE ${access.listScope(actor, params, need)}`,
      params.values,
    );
    return new Set(rows.map((row) => row.id));
  };

  it('reaches exactly its caseload (or the practice), for every need, by id and in lists', async () => {
    const practice = await createPractice(ds);
    const elsewhere = await createPractice(ds);
    const counselor = (practiceId: string) => createStaff(ds, { practiceId, role: 'counselor' });
    const listedCounselor = await counselor(practice.id);
    const otherCounselor = await counselor(practice.id);
    const client = (practiceId: string, primaryCounselorId: string) =>
      createClient(ds, { practiceId, primaryCounselorId });

    const inCaseload = await client(practice.id, listedCounselor.id);
    const coTherapist = await client(practice.id, otherCounselor.id);
    await ds.query(
      `INSERT INTO care_team_members (practice_id, client_id, staff_id, role) VALUES ($1, $2, $3, 'co_therapist')`,
      [practice.id, coTherapist.id, listedCounselor.id],
    );
    const removed = await client(practice.id, otherCounselor.id);
    await ds.query(
      `INSERT INTO care_team_members (practice_id, client_id, staff_id, role, removed_at)
       VALUES ($1, $2, $3, 'co_therapist', now())`,
      [practice.id, removed.id, listedCounselor.id],
    );
    const outside = await client(practice.id, otherCounselor.id);
    const inError = await client(practice.id, listedCounselor.id);
    await ds.query(
      `UPDATE clients SET status = 'entered_in_error', error_reason = 'duplicate record'
        WHERE practice_id = $1 AND id = $2`,
      [practice.id, inError.id],
    );
    const otherPractice = await client(elsewhere.id, (await counselor(elsewhere.id)).id);

    const cases: [string, ApiClientActor, Map<TestClient, boolean>][] = [
      [
        'caseload of one counselor',
        apiClient(practice.id, [listedCounselor.id]),
        new Map([
          [inCaseload, true],
          [coTherapist, true],
          [removed, false],
          [outside, false],
          [inError, false],
          [otherPractice, false],
        ]),
      ],
      [
        'whole practice',
        apiClient(practice.id, null),
        new Map([
          [inCaseload, true],
          [coTherapist, true],
          [removed, true],
          [outside, true],
          [inError, false],
          [otherPractice, false],
        ]),
      ],
    ];
    for (const [name, actor, expected] of cases) {
      for (const need of NEEDS) {
        const shown = await listed(actor, need);
        for (const [subject, reachable] of expected) {
          const cell = { name, need, client: subject.id };
          expect({ ...cell, granted: await grants(actor, subject.id, need) }).toEqual({
            ...cell,
            granted: reachable,
          });
          expect({ ...cell, listed: shown.has(subject.id) }).toEqual({
            ...cell,
            listed: reachable,
          });
        }
      }
    }
  });
});
