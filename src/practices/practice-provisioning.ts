import type { Client } from 'pg';
import { recordSystemEvent } from '../audit/system-audit';
import type { StaffRole } from '../common/actor/actor';
import { PLATFORM_PRACTICE_ID } from './platform-practice';

export interface NewStaff {
  email: string;
  firstName: string;
  lastName: string;
  role: StaffRole;
  passwordHash: string;
  /** Email of this practice's staff member who supervises them. */
  supervisorEmail?: string;
  requiresCosign?: boolean;
}

export interface NewPractice {
  /** Fixed id (the demo practice); a new one is generated otherwise. */
  id?: string;
  name: string;
  timeZone: string;
}

/** True when `timeZone` is an IANA zone name this runtime knows (e.g. `America/Chicago`). */
export function isValidTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone }).format(0);
    return true;
  } catch {
    return false;
  }
}

/**
 * Creates a practice (unless it exists) and staff members who do not exist yet (or fails when one
 * does, with `existingStaff: 'fail'`), with a system audit event for each row created, all in one
 * transaction: a failure leaves nothing behind. Used by the `practice:create` operator
 * command and by the demo seed; runs before (or without) the Nest application.
 */
export class StaffEmailTakenError extends Error {
  constructor(email: string) {
    super(`A staff account with the email ${email} already exists.`);
  }
}

export async function provisionPractice(
  client: Client,
  practice: NewPractice,
  staff: NewStaff[],
  options: { existingStaff: 'skip' | 'fail' } = { existingStaff: 'skip' },
): Promise<{ practiceId: string; practiceCreated: boolean; staffCreated: string[] }> {
  if (!isValidTimeZone(practice.timeZone))
    throw new Error(`Unknown time zone: ${practice.timeZone}`);
  if (practice.id === PLATFORM_PRACTICE_ID)
    throw new Error('The platform practice is reserved and cannot be provisioned.');
  await client.query('BEGIN');
  try {
    const inserted = await client.query<{ id: string }>(
      `INSERT INTO practices (id, name, time_zone) VALUES (coalesce($1::uuid, gen_random_uuid()), $2, $3)
       ON CONFLICT (id) DO NOTHING RETURNING id`,
      [practice.id ?? null, practice.name, practice.timeZone],
    );
    const practiceId = inserted.rows[0]?.id ?? practice.id!;
    if (inserted.rowCount)
      await recordSystemEvent(client, {
        practiceId,
        resourceType: 'practice',
        resourceId: practiceId,
        changedFields: ['name', 'timeZone'],
      });
    const staffCreated: string[] = [];
    for (const member of staff) {
      const created = await client.query<{ id: string }>(
        `INSERT INTO staff (practice_id, email, first_name, last_name, role, supervisor_id, requires_cosign,
                            password_hash, password_changed_at)
         VALUES ($1, $2, $3, $4, $5,
                 (SELECT id FROM staff WHERE practice_id = $1 AND email = $6), $7, $8, now())
         ON CONFLICT (email) DO NOTHING RETURNING id`,
        [
          practiceId,
          member.email.trim().toLowerCase(),
          member.firstName,
          member.lastName,
          member.role,
          member.supervisorEmail?.toLowerCase() ?? null,
          member.requiresCosign ?? false,
          member.passwordHash,
        ],
      );
      const id = created.rows[0]?.id;
      if (!id && options.existingStaff === 'fail') throw new StaffEmailTakenError(member.email);
      if (id) {
        staffCreated.push(member.email);
        await recordSystemEvent(client, {
          practiceId,
          resourceType: 'staff',
          resourceId: id,
          changedFields: ['email', 'firstName', 'lastName', 'role'],
        });
      }
    }
    await client.query('COMMIT');
    return { practiceId, practiceCreated: Boolean(inserted.rowCount), staffCreated };
  } catch (error) {
    await client.query('ROLLBACK');
    throw error;
  }
}
