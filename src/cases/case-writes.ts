import type { QueryRows } from '../common/sql/query-rows';
import type { RELATIONSHIPS } from '../family-members/family-member.dto';
import type { CaseType } from './case.row';
import type { CaseRole } from './dto/case.dto';

/** A family member's relationship to their client, as their role in that client's case. */
export const CASE_ROLE_OF_RELATIONSHIP: Record<(typeof RELATIONSHIPS)[number], CaseRole> = {
  mother: 'parent',
  father: 'parent',
  guardian: 'parent',
  daughter: 'child',
  son: 'child',
  partner: 'partner',
  spouse: 'partner',
  former_partner: 'partner',
  sibling: 'sibling',
  grandparent: 'grandparent',
  other_family: 'other_relative',
  friend_support: 'support_person',
};

export interface ClientCase {
  practiceId: string;
  clientId: string;
  type: CaseType;
  label: string;
  presentingReason: string | null;
  /** The case's primary counselor; none when an admin opens it without one. */
  primaryCounselorId: string | null;
  createdBy: string;
}

/**
 * Opens a case around a client already inserted in the caller's transaction: the client as the
 * identified client, each of their family members with the role their relationship maps to and
 * their participation, and the primary counselor. One statement whatever the family's size: it is
 * on the path of the one-call client creation the benchmark measures. Answers the case id.
 */
export async function openClientCase(query: QueryRows, kase: ClientCase): Promise<string> {
  const [row] = await query<{ id: string }>(
    `WITH k AS (
       INSERT INTO cases (practice_id, case_type, label, presenting_reason, opened_on, created_by)
       VALUES ($1, $3, $4, $5, current_date, $7) RETURNING id),
     members AS (
       INSERT INTO case_members (practice_id, case_id, person_id, role, participation)
       SELECT $1, k.id, c.person_id, 'identified_client', 'participating'
         FROM k, clients c WHERE c.practice_id = $1 AND c.id = $2
       UNION ALL
       SELECT $1, k.id, f.person_id, $8::jsonb ->> f.relationship, f.participation
         FROM k, family_members f WHERE f.practice_id = $1 AND f.client_id = $2),
     team AS (
       INSERT INTO case_care_team_members (practice_id, case_id, staff_id, role, added_by)
       SELECT $1, k.id, $6::uuid, 'primary_counselor', $7 FROM k WHERE $6::uuid IS NOT NULL)
     SELECT id FROM k`,
    [
      kase.practiceId,
      kase.clientId,
      kase.type,
      kase.label,
      kase.presentingReason,
      kase.primaryCounselorId,
      kase.createdBy,
      JSON.stringify(CASE_ROLE_OF_RELATIONSHIP),
    ],
  );
  return row!.id;
}
