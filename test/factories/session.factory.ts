import type { DataSource } from 'typeorm';
import type { TestClient } from './client.factory';

/** A real session row (bookings are filled in by the database trigger). */
export async function createSession(
  dataSource: DataSource,
  client: TestClient,
  counselorId: string,
  options: {
    startsAt: Date | string;
    minutes?: number;
    status?: 'scheduled' | 'completed';
    modality?: string;
  } = {
    startsAt: new Date(Date.now() - 3_600_000),
  },
): Promise<string> {
  const start = new Date(options.startsAt);
  const end = new Date(start.getTime() + (options.minutes ?? 50) * 60_000);
  const [row] = await dataSource.query<{ id: string }[]>(
    `INSERT INTO therapy_sessions (practice_id, client_id, counselor_id, starts_at, ends_at, modality, setting, status, completed_at)
     VALUES ($1, $2, $3, $4, $5, $6, 'in_person', $7, CASE WHEN $7 = 'completed' THEN now() END) RETURNING id`,
    [
      client.practiceId,
      client.id,
      counselorId,
      start,
      end,
      options.modality ?? 'family',
      options.status ?? 'scheduled',
    ],
  );
  return row!.id;
}
