import type { DemoCaller } from './demo-api';

type CaseType = 'family' | 'couple' | 'parent_child' | 'individual' | 'group';
type Role =
  | 'identified_client'
  | 'partner'
  | 'parent'
  | 'child'
  | 'sibling'
  | 'grandparent'
  | 'other_relative'
  | 'support_person';

/** One person put in a case: an existing chart or a family member already recorded. */
export type NewCaseMember = ({ clientId: string } | { familyMemberId: string }) & {
  role: Role;
  participation?: 'participating' | 'invited' | 'declined' | 'no_contact';
};

interface NewCase {
  type: CaseType;
  label: string;
  presentingReason: string;
  openedOn: string;
  coTherapist?: DemoCaller;
  members: NewCaseMember[];
}

/**
 * A case opened by its primary counselor (the opener), with an optional co-therapist, and its
 * members added one by one. Returns the case id and the members' person ids, in the given order.
 */
export async function openCase(
  primary: DemoCaller,
  { members, coTherapist, ...kase }: NewCase,
): Promise<{ id: string; persons: string[] }> {
  const { id } = await primary.post<{ id: string }>('/cases', {
    ...kase,
    careTeam: coTherapist ? [{ staffId: coTherapist.id, role: 'co_therapist' }] : undefined,
  });
  const persons: string[] = [];
  for (const person of members) {
    const added = await primary.post<{ personId: string }>(`/cases/${id}/members`, person);
    persons.push(added.personId);
  }
  return { id, persons };
}

/**
 * A person of the case made a client (their own chart, same person id), with `primary` as their
 * primary counselor, then taken from intake to active. Returns the new client's id.
 */
export async function makeClient(
  primary: DemoCaller,
  caseId: string,
  personId: string,
  dateOfBirth: string,
): Promise<string> {
  const { id } = await primary.post<{ id: string }>(`/cases/${caseId}/members/${personId}/client`, {
    dateOfBirth,
    primaryCounselorId: primary.id,
  });
  await primary.post(`/clients/${id}/status`, { status: 'active' });
  return id;
}
