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

export type Actor = StaffActor | SystemActor | AnonymousActor | IntakeLinkActor;

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
