import { Client } from 'pg';

/** Fixed id so that seeding is idempotent and the demo practice is easy to find. */
export const DEMO_PRACTICE_ID = '00000000-0000-4000-8000-000000000001';
export const DEMO_PRACTICE_NAME = 'Riverside Family Counseling';

export interface DemoSeedResult {
  created: boolean;
}

/**
 * Seeds the demo practice on first run. Never called in production (see AppConfig.seedDemo).
 * Runs in one transaction so a half-seeded practice cannot exist.
 */
export async function seedDemoPractice(url: string): Promise<DemoSeedResult> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('BEGIN');
    const inserted = await client.query(
      `INSERT INTO practices (id, name, time_zone, settings)
       VALUES ($1, $2, 'America/Chicago', '{}'::jsonb)
       ON CONFLICT (id) DO NOTHING`,
      [DEMO_PRACTICE_ID, DEMO_PRACTICE_NAME],
    );
    await client.query('COMMIT');
    return { created: inserted.rowCount === 1 };
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    await client.end();
  }
}
