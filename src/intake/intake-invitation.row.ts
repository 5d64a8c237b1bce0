import type { InvitationStatus } from './dto/intake-invitation.dto';

/** An `intake_invitations` row with its derived status (never the token hash). */
export interface InvitationRow {
  id: string;
  email: string | null;
  status: InvitationStatus;
  created_by: string;
  created_at: Date;
  expires_at: Date;
  used_at: Date | null;
  revoked_at: Date | null;
  submission_id: string | null;
}

/** An invitation's status, derived from its timestamps (alias `i`). */
export const INVITATION_STATUS_SQL = `CASE WHEN i.used_at IS NOT NULL THEN 'used' WHEN i.revoked_at IS NOT NULL THEN 'revoked'
  WHEN i.expires_at <= now() THEN 'expired' ELSE 'open' END`;
export const INVITATION_COLUMNS = `i.id, i.email, ${INVITATION_STATUS_SQL} AS status, i.created_by, i.created_at, i.expires_at, i.used_at,
  i.revoked_at, i.submission_id`;

/** An intake link looked up by its token hash, with its practice's name. */
export interface LinkRow {
  id: string;
  practice_id: string;
  practice_name: string;
  email: string | null;
  expires_at: Date;
  used_at: Date | null;
  revoked_at: Date | null;
  expired: boolean;
}
