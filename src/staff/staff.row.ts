import type { StaffRole } from '../common/actor/actor';
import type { StaffView } from './dto/staff.dto';

/**
 * A `staff` row as the staff use cases read it. The password hash is deliberately absent: only
 * the sign-in and password use cases of `auth/` select it, by name.
 */
export interface StaffRow {
  id: string;
  practice_id: string;
  email: string;
  first_name: string;
  last_name: string;
  role: StaffRole;
  supervisor_id: string | null;
  requires_cosign: boolean;
  active: boolean;
  deactivated_at: Date | null;
  locked_until: Date | null;
  version: number;
  created_at: Date;
  updated_at: Date;
}

export const STAFF_COLUMNS = `s.id, s.practice_id, s.email, s.first_name, s.last_name, s.role, s.supervisor_id,
  s.requires_cosign, s.active, s.deactivated_at, s.locked_until, s.version, s.created_at, s.updated_at`;

/** DTO field → column, for the fields an admin may change with a PATCH. */
export const UPDATABLE_STAFF_COLUMNS = {
  firstName: 'first_name',
  lastName: 'last_name',
  role: 'role',
  supervisorId: 'supervisor_id',
  requiresCosign: 'requires_cosign',
} as const satisfies Record<string, keyof StaffRow>;

export function toStaffView(row: StaffRow): StaffView {
  return {
    id: row.id,
    email: row.email,
    firstName: row.first_name,
    lastName: row.last_name,
    role: row.role,
    supervisorId: row.supervisor_id,
    requiresCosign: row.requires_cosign,
    active: row.active,
    deactivatedAt: row.deactivated_at?.toISOString() ?? null,
    locked: row.locked_until !== null && row.locked_until > new Date(),
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}
