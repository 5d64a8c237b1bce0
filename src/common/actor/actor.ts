/** What an API key may do; each route an API client may call names the scope it needs. */
export const API_SCOPES = [
  'clients:read',
  'clients:write',
  'sessions:read',
  'sessions:write',
  'notes:read',
  'measures:read',
  'audit:read',
  'fhir:read',
  'webhooks:manage',
] as const;
export type ApiScope = (typeof API_SCOPES)[number];

/**
 * Scopes named for features not built yet: `measures:read` for outcome measures (PHQ-9, GAD-7,
 * ORS/SRS, SCORE-15) and `fhir:read` for the FHIR facade. They are refused when granted, so a key
 * never gains a data surface on the day a feature ships that its admin did not review.
 */
export const RESERVED_API_SCOPES = [
  'measures:read',
  'fhir:read',
] as const satisfies readonly ApiScope[];

/** What an admin may grant today: every scope some route accepts. */
export const GRANTABLE_API_SCOPES: readonly ApiScope[] = API_SCOPES.filter(
  (scope) => !(RESERVED_API_SCOPES as readonly ApiScope[]).includes(scope),
);

export const STAFF_ROLES = ['admin', 'supervisor', 'counselor', 'intake_coordinator'] as const;
export type StaffRole = (typeof STAFF_ROLES)[number];

/** A signed-in staff member, as the access token describes them. */
export interface StaffActor {
  kind: 'staff';
  id: string;
  practiceId: string;
  role: StaffRole;
}

/** The API itself (seeding, operator commands, the audit sealer). */
export interface SystemActor {
  kind: 'system';
  id: null;
  practiceId: string | null;
  role: null;
}

/** Someone not (yet) identified: a failed login, a public intake form before its link is checked. */
export interface AnonymousActor {
  kind: 'anonymous';
  id: null;
  practiceId: string | null;
  role: null;
}

/** A prospective client acting through a one-time intake link: `id` is the invitation's id. */
export interface IntakeLinkActor {
  kind: 'intake_link';
  id: string;
  practiceId: string;
  role: null;
}

/**
 * Practice software calling with an API key: a practice-level actor restricted to its caseload and
 * to the routes its scopes name. `id` is the API client's id.
 */
export interface ApiClientActor {
  kind: 'api_client';
  id: string;
  practiceId: string;
  role: null;
  /** The admin answerable for the client: the author of what it creates that names a staff member. */
  ownerId: string;
  scopes: readonly ApiScope[];
  /** The counselors whose caseloads it reaches; null for every client of the practice. */
  caseloadStaffIds: readonly string[] | null;
}

/** Who may call a route that an API client may also call. */
export type Caller = StaffActor | ApiClientActor;

/**
 * The staff member a write records as its author (`created_by`, `cancelled_by`): the caller, or the
 * admin answerable for an API client. The audit event still names the API client as the actor.
 */
export const authorOf = (actor: Caller): string =>
  actor.kind === 'staff' ? actor.id : actor.ownerId;

export type Actor = StaffActor | SystemActor | AnonymousActor | IntakeLinkActor | ApiClientActor;

export const systemActor = (practiceId: string | null): SystemActor => ({
  kind: 'system',
  id: null,
  practiceId,
  role: null,
});

export const anonymousActor = (practiceId: string | null = null): AnonymousActor => ({
  kind: 'anonymous',
  id: null,
  practiceId,
  role: null,
});

export const intakeLinkActor = (invitationId: string, practiceId: string): IntakeLinkActor => ({
  kind: 'intake_link',
  id: invitationId,
  practiceId,
  role: null,
});
