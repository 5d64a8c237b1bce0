import { LISTED_CLIENT } from '../access/listed-client';
import { formatClientNumber } from '../clients/client.row';
import type {
  AcknowledgedConsentView,
  IntakeSubmissionDetailView,
  IntakeSubmissionView,
  SubmissionStatus,
} from './dto/intake-review.dto';

/** An `intake_submissions` row with its derived queue fields, as the queries below return it. */
export interface SubmissionRow {
  id: string;
  source: 'invitation' | 'staff';
  status: SubmissionStatus;
  invitation_id: string | null;
  submitted_by: string | null;
  first_name: string;
  last_name: string;
  date_of_birth: string;
  email: string | null;
  presenting_concerns: string[];
  family_member_count: number;
  created_at: Date;
  reviewed_by: string | null;
  reviewed_at: Date | null;
  reject_reason: string | null;
  client_id: string | null;
  possible_duplicates: { clientId: string; clientNumber: number; reasons: string[] }[];
}

export interface SubmissionDetailRow extends SubmissionRow {
  payload: Record<string, unknown>;
  consents: AcknowledgedConsentView[];
}

export const SUBMISSION_COLUMNS = `s.id, s.source, s.status, s.invitation_id, s.submitted_by, s.first_name, s.last_name,
  s.date_of_birth, s.email, coalesce(s.payload -> 'presentingConcerns', '[]'::jsonb) AS presenting_concerns,
  CASE WHEN jsonb_typeof(s.payload -> 'familyMembers') = 'array'
       THEN jsonb_array_length(s.payload -> 'familyMembers') ELSE 0 END AS family_member_count,
  s.created_at, s.reviewed_by, s.reviewed_at, s.reject_reason, s.client_id, dup.possible_duplicates`;

/**
 * Existing clients of the submission's practice (alias `s`) who may be the same person: same
 * first and last name (case and accents folded by `search_key`) and date of birth, same email,
 * or the same phone digits. Joined as `dup`, so a page of the queue costs one statement.
 */
export const DUPLICATES_JOIN = `LEFT JOIN LATERAL (
    SELECT coalesce(json_agg(json_build_object('clientId', d.id, 'clientNumber', d.client_number, 'reasons', d.reasons)
                             ORDER BY d.client_number), '[]'::json) AS possible_duplicates
      FROM (SELECT c.id, c.client_number, array_remove(ARRAY[
                     CASE WHEN c.date_of_birth = s.date_of_birth AND search_key(c.first_name) = search_key(s.first_name)
                           AND search_key(c.last_name) = search_key(s.last_name) THEN 'name_and_date_of_birth' END,
                     CASE WHEN lower(c.email) = s.email THEN 'email' END,
                     CASE WHEN regexp_replace(c.phone, '[^0-9]', '', 'g') = s.phone_digits THEN 'phone' END
                   ], NULL) AS reasons
              FROM clients c
             WHERE c.practice_id = s.practice_id AND ${LISTED_CLIENT}
               AND c.id IS DISTINCT FROM s.client_id
               AND ((c.date_of_birth = s.date_of_birth AND search_key(c.first_name) = search_key(s.first_name)
                     AND search_key(c.last_name) = search_key(s.last_name))
                    OR lower(c.email) = s.email
                    OR regexp_replace(c.phone, '[^0-9]', '', 'g') = s.phone_digits)
             ORDER BY c.client_number
             LIMIT 20) d
  ) dup ON true`;

export function toSubmissionView(row: SubmissionRow): IntakeSubmissionView {
  return {
    id: row.id,
    source: row.source,
    status: row.status,
    invitationId: row.invitation_id,
    submittedBy: row.submitted_by,
    firstName: row.first_name,
    lastName: row.last_name,
    dateOfBirth: row.date_of_birth,
    email: row.email,
    presentingConcerns: row.presenting_concerns,
    familyMemberCount: row.family_member_count,
    createdAt: row.created_at.toISOString(),
    reviewedBy: row.reviewed_by,
    reviewedAt: row.reviewed_at?.toISOString() ?? null,
    rejectReason: row.reject_reason,
    clientId: row.client_id,
    possibleDuplicates: row.possible_duplicates.map((duplicate) => ({
      clientId: duplicate.clientId,
      clientNumber: formatClientNumber(duplicate.clientNumber),
      reasons: duplicate.reasons,
    })),
  };
}

export function toSubmissionDetailView(row: SubmissionDetailRow): IntakeSubmissionDetailView {
  return { ...toSubmissionView(row), payload: row.payload, consents: row.consents };
}
