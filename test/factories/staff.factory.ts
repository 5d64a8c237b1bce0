import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import type { StaffRole } from '../../src/common/actor/actor';
import { hashPassword } from '../../src/auth/password-hasher';
import { ownerQuery } from '../setup/database-roles';

export const TEST_PASSWORD = 'correct-horse-battery-staple';
let testPasswordHash: Promise<string> | undefined;

export interface TestPractice {
  id: string;
  name: string;
  timeZone: string;
}

export interface TestStaff {
  id: string;
  practiceId: string;
  email: string;
  role: StaffRole;
  password: string;
}

/**
 * A practice of its own for one test, so tests never share state. Inserted as the owner: only the
 * operator creates practices, the API (and its role) may only read them.
 */
export async function createPractice(
  dataSource: DataSource,
  overrides: Partial<Omit<TestPractice, 'id'>> = {},
): Promise<TestPractice> {
  const name = overrides.name ?? `Practice ${randomUUID().slice(0, 8)}`;
  const timeZone = overrides.timeZone ?? 'America/Chicago';
  const [row] = await ownerQuery<{ id: string }>(
    dataSource,
    `INSERT INTO practices (name, time_zone) VALUES ($1, $2) RETURNING id`,
    [name, timeZone],
  );
  return { id: row!.id, name, timeZone };
}

export interface StaffOptions {
  practiceId: string;
  role: StaffRole;
  email?: string;
  password?: string;
  supervisorId?: string | null;
  requiresCosign?: boolean;
  firstName?: string;
  lastName?: string;
}

/** A real staff row with a real argon2id hash (the default password is hashed once per file). */
export async function createStaff(
  dataSource: DataSource,
  options: StaffOptions,
): Promise<TestStaff> {
  const password = options.password ?? TEST_PASSWORD;
  const hash = options.password
    ? await hashPassword(password)
    : await (testPasswordHash ??= hashPassword(TEST_PASSWORD));
  const email = options.email ?? `${options.role}.${randomUUID().slice(0, 12)}@test.example`;
  const [row] = await dataSource.query<{ id: string }[]>(
    `INSERT INTO staff (practice_id, email, first_name, last_name, role, supervisor_id, requires_cosign,
                        password_hash, password_changed_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, now()) RETURNING id`,
    [
      options.practiceId,
      email,
      options.firstName ?? 'Test',
      options.lastName ?? options.role,
      options.role,
      options.supervisorId ?? null,
      options.requiresCosign ?? false,
      hash,
    ],
  );
  return { id: row!.id, practiceId: options.practiceId, email, role: options.role, password };
}

/** A practice with one staff member of each role (the trainee supervised by the supervisor). */
export async function createTeam(dataSource: DataSource) {
  const practice = await createPractice(dataSource);
  const practiceId = practice.id;
  const admin = await createStaff(dataSource, { practiceId, role: 'admin' });
  const supervisor = await createStaff(dataSource, { practiceId, role: 'supervisor' });
  const counselor = await createStaff(dataSource, {
    practiceId,
    role: 'counselor',
    supervisorId: supervisor.id,
  });
  const trainee = await createStaff(dataSource, {
    practiceId,
    role: 'counselor',
    supervisorId: supervisor.id,
    requiresCosign: true,
  });
  const intake = await createStaff(dataSource, { practiceId, role: 'intake_coordinator' });
  return { practice, admin, supervisor, counselor, trainee, intake };
}
