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

/** A fact that, when it holds, grants access; `always` grants it without one. */
export type AccessFact = Exclude<keyof ClientAccessFacts, 'status'> | 'always';

/** One way to be granted access: when `fact` holds, access is granted as `via`. */
export interface AccessGrant {
  fact: AccessFact;
  via: AccessVia;
}

/** What a caller may be granted for one need: the grants to try in order, and for records entered in error. */
export interface ClientAccessRule {
  grants: readonly AccessGrant[];
  /** How a record entered in error is reached (whatever the facts), or undefined: not at all. */
  enteredInError: AccessVia | undefined;
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
 * Returned for one caller and need as data, so that it is evaluated the same way in code
 * ({@link decideClientAccess}) and in SQL ({@link clientAccessViaSql}).
 */
export function clientAccessRule(actor: Caller, need: ClientNeed): ClientAccessRule {
  const clinical = need === 'readClinical' || need === 'writeClinical';
  // Stryker disable next-line ConditionalExpression,StringLiteral: equivalent, `writing` is only read for clinical needs
  const writing = need === 'write' || need === 'writeClinical';
  const enteredInError = actor.role === 'admin' && need === 'read' ? 'admin' : undefined;
  const rule = (...grants: AccessGrant[]): ClientAccessRule => ({ grants, enteredInError });
  if (actor.kind === 'api_client') return rule({ fact: 'inApiCaseload', via: 'api_client' });
  switch (actor.role) {
    case 'counselor':
    case 'supervisor':
      return rule(
        { fact: 'onCareTeam', via: 'care_team' },
        { fact: 'supervisesCareTeamMember', via: 'supervisor' },
        { fact: 'emergencyGrant', via: 'emergency' },
      );
    case 'admin':
      if (!clinical) return rule({ fact: 'always', via: 'admin' });
      return writing ? rule() : rule({ fact: 'adminClinicalAccess', via: 'admin' });
    case 'intake_coordinator':
      return clinical ? rule() : rule({ fact: 'always', via: 'intake' });
  }
}

/** Returns how access is granted, or undefined when it is not ({@link clientAccessRule}). */
export function decideClientAccess(
  actor: Caller,
  facts: ClientAccessFacts,
  need: ClientNeed,
): AccessVia | undefined {
  const { grants, enteredInError } = clientAccessRule(actor, need);
  if (facts.status === 'entered_in_error') return enteredInError;
  return grants.find(({ fact }) => fact === 'always' || facts[fact] === true)?.via;
}

/**
 * The same decision as an SQL expression: the `via` granted, or NULL when access is not. `status`
 * is the SQL of the client's status, `facts` the SQL of each fact the rule may ask (only those the
 * caller's rule names are used, in order, so a fact the first grant makes moot is not evaluated).
 * The text depends on the caller's kind, role and need only, never on input.
 */
export function clientAccessViaSql(
  actor: Caller,
  need: ClientNeed,
  status: string,
  facts: (fact: Exclude<AccessFact, 'always'>) => string,
): string {
  const { grants, enteredInError } = clientAccessRule(actor, need);
  const literal = (via: AccessVia | undefined) => (via ? `'${via}'` : 'NULL');
  const whens = grants.map(
    ({ fact, via }) => `WHEN ${fact === 'always' ? 'true' : facts(fact)} THEN ${literal(via)}`,
  );
  return `CASE WHEN ${status} = 'entered_in_error' THEN ${literal(enteredInError)}
              ${whens.join(' ')} ELSE NULL END`;
}
