import type { StaffRole } from '../common/actor/actor';

/** A stored refresh token, looked up by the id part of the presented token. */
export interface RefreshTokenRow {
  id: string;
  practice_id: string;
  staff_id: string;
  family_id: string;
  token_hash: Buffer;
  /** The staff member's current role and whether they may still sign in. */
  role: StaffRole;
  staff_active: boolean;
  expired: boolean;
  used_at: Date | null;
  revoked_at: Date | null;
}
