import type { Caller } from '../common/actor/actor';

/**
 * What a caller wants to do with a client's record:
 * - `read` / `write`: the record itself, family members, care team (demographics);
 * - `readClinical` / `writeClinical`: sessions, notes, agreements, goals.
 */
export type ClientNeed = 'read' | 'write' | 'readClinical' | 'writeClinical';

/** How the caller is related to the client, as far as access goes. */
export type AccessVia =
  'care_team' | 'supervisor' | 'emergency' | 'admin' | 'intake' | 'api_client';

/** The facts one query gathers about a caller and one client. */
export interface ClientAccessFacts {
  status: string;
  onCareTeam: boolean;
  supervisesCareTeamMember: boolean;
  emergencyGrant: boolean;
  adminClinicalAccess: boolean;
  /** For an API client: the client is in its caseload (true when it reaches the whole practice). */
  inApiCaseload?: boolean;
}

/**
 * The rule, in one place:
 * - a clinician reaches the clients whose care team they are on, those of their supervisees, and
 *   those of an active emergency grant — for everything, clinical content included;
 * - an admin reaches every client of the practice for demographics, clinical content only where
 *   the practice allows it, and alone still reads a record marked entered-in-error;
 * - an intake coordinator reaches every client's demographics, never clinical content;
 * - an API client reaches the clients of its caseload (the whole practice, or the care teams of
 *   the counselors it lists), for whatever its scopes let it call — never a record entered in error;
 * - anyone else reaches nothing (answered 404, as if the record did not exist).
 * Returns how access is granted, or undefined when it is not.
 */
export function decideClientAccess(
  actor: Caller,
  facts: ClientAccessFacts,
  need: ClientNeed,
): AccessVia | undefined {
  const clinical = need === 'readClinical' || need === 'writeClinical';
  // Stryker disable next-line ConditionalExpression,StringLiteral: equivalent, `writing` is only read for clinical needs
  const writing = need === 'write' || need === 'writeClinical';
  if (facts.status === 'entered_in_error') {
    return actor.role === 'admin' && need === 'read' ? 'admin' : undefined;
  }
  if (actor.kind === 'api_client') return facts.inApiCaseload ? 'api_client' : undefined;
  if (actor.role === 'counselor' || actor.role === 'supervisor') {
    if (facts.onCareTeam) return 'care_team';
    if (facts.supervisesCareTeamMember) return 'supervisor';
    if (facts.emergencyGrant) return 'emergency';
  }
  if (actor.role === 'admin') {
    if (!clinical) return 'admin';
    return facts.adminClinicalAccess && !writing ? 'admin' : undefined;
  }
  if (actor.role === 'intake_coordinator' && !clinical) return 'intake';
  return undefined;
}
