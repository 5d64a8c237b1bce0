import { Client } from 'pg';
import { hashPassword } from '../auth/password-hasher';
import { provisionPractice, type NewStaff } from '../practices/practice-provisioning';
import { seedDemoBoundaries } from './demo-boundaries';
import { seedDemoClients } from './demo-clients';
import { seedDemoTrustGoals } from './demo-trust-goals';

/** Fixed id so that seeding is idempotent and the demo practice is easy to find. */
export const DEMO_PRACTICE_ID = '00000000-0000-4000-8000-000000000001';
export const DEMO_PRACTICE_NAME = 'Riverside Family Counseling';

/** The demo logins, printed by `npm start` and listed in the README. */
export const DEMO_LOGINS = [
  { email: 'admin@riverside.example', role: 'admin', firstName: 'Avery', lastName: 'Quinn' },
  {
    email: 'supervisor@riverside.example',
    role: 'supervisor',
    firstName: 'Morgan',
    lastName: 'Reyes',
  },
  { email: 'counselor@riverside.example', role: 'counselor', firstName: 'Jordan', lastName: 'Lee' },
  {
    email: 'trainee@riverside.example',
    role: 'counselor',
    firstName: 'Sam',
    lastName: 'Patel',
    supervisorEmail: 'supervisor@riverside.example',
    requiresCosign: true,
  },
  {
    email: 'intake@riverside.example',
    role: 'intake_coordinator',
    firstName: 'Casey',
    lastName: 'Kim',
  },
] as const;

export interface DemoSeedResult {
  created: boolean;
}

/**
 * Seeds the demo practice, its staff and its clients (with their families) on first run (what already exists is left alone). Never
 * called in production (see AppConfig.seedDemo).
 */
export async function seedDemoPractice(url: string, password: string): Promise<DemoSeedResult> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const passwordHash = await hashPassword(password);
    const staff: NewStaff[] = DEMO_LOGINS.map((login) => ({ ...login, passwordHash }));
    const result = await provisionPractice(
      client,
      { id: DEMO_PRACTICE_ID, name: DEMO_PRACTICE_NAME, timeZone: 'America/Chicago' },
      staff,
    );
    await client.query('BEGIN');
    try {
      const clients = await seedDemoClients(client, DEMO_PRACTICE_ID);
      const agreements = await seedDemoBoundaries(client, DEMO_PRACTICE_ID);
      const goals = await seedDemoTrustGoals(client, DEMO_PRACTICE_ID);
      await client.query('COMMIT');
      return {
        created:
          result.practiceCreated ||
          result.staffCreated.length > 0 ||
          clients + agreements + goals > 0,
      };
    } catch (error) {
      await client.query('ROLLBACK');
      throw error;
    }
  } finally {
    await client.end();
  }
}
