import type { ApiClientActor, StaffActor, StaffRole } from '../common/actor/actor';
import { decideClientAccess, type ClientAccessFacts, type ClientNeed } from './client-access';

const actor = (role: StaffRole): StaffActor => ({ kind: 'staff', id: 'a', practiceId: 'p', role });
const apiClient: ApiClientActor = {
  kind: 'api_client',
  id: 'k',
  practiceId: 'p',
  role: null,
  ownerId: 'o',
  scopes: ['clients:read', 'clients:write', 'sessions:read', 'notes:read'],
  caseloadStaffIds: ['a'],
};
const facts = (overrides: Partial<ClientAccessFacts> = {}): ClientAccessFacts => ({
  status: 'active',
  onCareTeam: false,
  supervisesCareTeamMember: false,
  emergencyGrant: false,
  adminClinicalAccess: false,
  ...overrides,
});
const NEEDS: ClientNeed[] = ['read', 'write', 'readClinical', 'writeClinical'];

describe(decideClientAccess.name, () => {
  it.each([
    [
      'counselor on the care team',
      actor('counselor'),
      facts({ onCareTeam: true }),
      ['care_team', 'care_team', 'care_team', 'care_team'],
    ],
    [
      'supervisor of a care-team member',
      actor('supervisor'),
      facts({ supervisesCareTeamMember: true }),
      ['supervisor', 'supervisor', 'supervisor', 'supervisor'],
    ],
    [
      'counselor with an emergency grant',
      actor('counselor'),
      facts({ emergencyGrant: true }),
      ['emergency', 'emergency', 'emergency', 'emergency'],
    ],
    [
      'unrelated counselor',
      actor('counselor'),
      facts(),
      [undefined, undefined, undefined, undefined],
    ],
    [
      'unrelated supervisor',
      actor('supervisor'),
      facts(),
      [undefined, undefined, undefined, undefined],
    ],
    [
      'admin, clinical access off',
      actor('admin'),
      facts(),
      ['admin', 'admin', undefined, undefined],
    ],
    [
      'admin, clinical access on',
      actor('admin'),
      facts({ adminClinicalAccess: true }),
      ['admin', 'admin', 'admin', undefined],
    ],
    [
      'intake coordinator',
      actor('intake_coordinator'),
      facts(),
      ['intake', 'intake', undefined, undefined],
    ],
    [
      'intake coordinator, even on a care team row',
      actor('intake_coordinator'),
      facts({ onCareTeam: true }),
      ['intake', 'intake', undefined, undefined],
    ],
    [
      'admin, record entered in error',
      actor('admin'),
      facts({ status: 'entered_in_error' }),
      ['admin', undefined, undefined, undefined],
    ],
    [
      'care team, record entered in error',
      actor('counselor'),
      facts({ status: 'entered_in_error', onCareTeam: true }),
      [undefined, undefined, undefined, undefined],
    ],
    [
      'API client, client in its caseload',
      apiClient,
      facts({ inApiCaseload: true }),
      ['api_client', 'api_client', 'api_client', 'api_client'],
    ],
    [
      'API client, client outside its caseload (even with admin clinical access on)',
      apiClient,
      facts({ inApiCaseload: false, adminClinicalAccess: true }),
      [undefined, undefined, undefined, undefined],
    ],
    [
      'API client, record entered in error',
      apiClient,
      facts({ status: 'entered_in_error', inApiCaseload: true }),
      [undefined, undefined, undefined, undefined],
    ],
  ])('%s', (_name, who: StaffActor | ApiClientActor, known, expected) => {
    expect(NEEDS.map((need) => decideClientAccess(who, known, need))).toEqual(expected);
  });
});
