import type { DataSource } from 'typeorm';
import { insertClient } from '../../src/clients/client-writes';
import { rowsOfManager } from '../../src/common/sql/query-rows';
import { insertFamilyMembers } from '../../src/family-members/family-member-writes';

export interface TestClient {
  id: string;
  practiceId: string;
  clientNumber: number;
}

export interface ClientOptions {
  practiceId: string;
  primaryCounselorId?: string;
  firstName?: string;
  lastName?: string;
  preferredName?: string | null;
  status?: 'intake' | 'active' | 'on_hold' | 'discharged';
  presentingConcerns?: string[];
  substanceUseRecords?: boolean;
}

/** A real client row (numbered like the API does), with its primary counselor when given. */
export async function createClient(
  dataSource: DataSource,
  options: ClientOptions,
): Promise<TestClient> {
  const status = options.status ?? (options.primaryCounselorId ? 'active' : 'intake');
  const row = await insertClient(rowsOfManager(dataSource.manager), options.practiceId, {
    first_name: options.firstName ?? 'Test',
    last_name: options.lastName ?? 'Client',
    preferred_name: options.preferredName ?? null,
    date_of_birth: '1990-05-17',
    status,
    discharge_reason: status === 'discharged' ? 'completed treatment' : null,
    discharged_on: status === 'discharged' ? '2026-01-15' : null,
    presenting_concerns: options.presentingConcerns ?? [],
    substance_use_records: options.substanceUseRecords ?? false,
  });
  if (options.primaryCounselorId) {
    await dataSource.query(
      `INSERT INTO care_team_members (practice_id, client_id, staff_id, role) VALUES ($1, $2, $3, 'primary_counselor')`,
      [options.practiceId, row.id, options.primaryCounselorId],
    );
  }
  return { id: row.id, practiceId: options.practiceId, clientNumber: row.client_number };
}

export async function addFamilyMember(
  dataSource: DataSource,
  client: TestClient,
  relationship = 'mother',
  firstName = 'Family',
): Promise<string> {
  const [row] = await insertFamilyMembers(rowsOfManager(dataSource.manager), client.practiceId, [
    { client_id: client.id, first_name: firstName, relationship },
  ]);
  return row!.id;
}

export async function grantEmergencyAccess(
  dataSource: DataSource,
  client: TestClient,
  staffId: string,
  minutesFromNow: number,
): Promise<void> {
  await dataSource.query(
    `INSERT INTO emergency_access_grants (practice_id, client_id, staff_id, reason, granted_at, expires_at)
     VALUES ($1, $2, $3, 'test grant: client in crisis, team away', now() - interval '2 hours',
             now() + make_interval(mins => $4))`,
    [client.practiceId, client.id, staffId, minutesFromNow],
  );
}
