import { NEXT_CLIENT_NUMBER } from '../../src/clients/client.row';
import type { DataSource } from 'typeorm';

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
  const [row] = await dataSource.query<{ id: string; client_number: number }[]>(
    `WITH ${NEXT_CLIENT_NUMBER}
     INSERT INTO clients (practice_id, client_number, first_name, last_name, preferred_name, date_of_birth, status,
                          discharge_reason, discharged_on, presenting_concerns, substance_use_records)
     SELECT $1, number.value, $2, $3, $4, '1990-05-17', $5, $6, $7, $8, $9 FROM number
     RETURNING id, client_number`,
    [
      options.practiceId,
      options.firstName ?? 'Test',
      options.lastName ?? 'Client',
      options.preferredName ?? null,
      status,
      status === 'discharged' ? 'completed treatment' : null,
      status === 'discharged' ? '2026-01-15' : null,
      options.presentingConcerns ?? [],
      options.substanceUseRecords ?? false,
    ],
  );
  if (options.primaryCounselorId) {
    await dataSource.query(
      `INSERT INTO care_team_members (practice_id, client_id, staff_id, role) VALUES ($1, $2, $3, 'primary_counselor')`,
      [options.practiceId, row!.id, options.primaryCounselorId],
    );
  }
  return { id: row!.id, practiceId: options.practiceId, clientNumber: row!.client_number };
}

export async function addFamilyMember(
  dataSource: DataSource,
  client: TestClient,
  relationship = 'mother',
  firstName = 'Family',
): Promise<string> {
  const [row] = await dataSource.query<{ id: string }[]>(
    `INSERT INTO family_members (practice_id, client_id, first_name, relationship) VALUES ($1, $2, $3, $4) RETURNING id`,
    [client.practiceId, client.id, firstName, relationship],
  );
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
