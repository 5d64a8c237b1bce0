import type { INestApplication } from '@nestjs/common';
import { Client } from 'pg';
import { hashPassword } from '../auth/password-hasher';
import { provisionPractice, type NewStaff } from '../practices/practice-provisioning';
import { DemoApi } from './demo-api';
import { demoCalendar } from './demo-calendar';
import { seedIntakeQueue } from './demo-intake';
import { deletePractice } from './demo-reset';
import type { DemoCast, StoryContext } from './demo-story';
import { seedCoupleStory } from './demo-story-couple';
import { seedEstrangementStory } from './demo-story-estrangement';
import { seedLossStory } from './demo-story-loss';
import { seedRecoveryStory } from './demo-story-recovery';

/** Fixed id so that the demo practice is easy to find and to rebuild. */
export const DEMO_PRACTICE_ID = '00000000-0000-4000-8000-000000000001';
export const DEMO_PRACTICE_NAME = 'Riverside Family Counseling';
export const DEMO_TIME_ZONE = 'America/Chicago';

/** The demo logins, printed by `npm start` and listed in the README. */
export const DEMO_LOGINS = [
  {
    key: 'admin',
    email: 'admin@riverside.example',
    role: 'admin',
    firstName: 'Avery',
    lastName: 'Quinn',
  },
  {
    key: 'supervisor',
    email: 'supervisor@riverside.example',
    role: 'supervisor',
    firstName: 'Morgan',
    lastName: 'Reyes',
  },
  {
    key: 'counselor',
    email: 'counselor@riverside.example',
    role: 'counselor',
    firstName: 'Jordan',
    lastName: 'Lee',
    supervisorEmail: 'supervisor@riverside.example',
  },
  {
    key: 'trainee',
    email: 'trainee@riverside.example',
    role: 'counselor',
    firstName: 'Sam',
    lastName: 'Patel',
    supervisorEmail: 'supervisor@riverside.example',
    requiresCosign: true,
  },
  {
    key: 'intake',
    email: 'intake@riverside.example',
    role: 'intake_coordinator',
    firstName: 'Casey',
    lastName: 'Kim',
  },
] as const;

export interface DemoSeedOptions {
  /** The owner role: the practice and its staff are provisioned as `practice:create` does. */
  ownerUrl: string;
  /** The application, initialised: everything clinical goes through its HTTP API. */
  app: INestApplication;
  password: string;
  /** The day the demo is alive on (default: now). */
  now?: Date;
}

/**
 * Seeds the demo practice on first run: when it does not exist yet (what exists is left alone).
 * Returns whether it seeded. Never called in production (see AppConfig.seedDemo).
 */
export async function seedDemoPracticeIfMissing(options: DemoSeedOptions): Promise<boolean> {
  const exists = await withClient(options.ownerUrl, async (client) => {
    const found = await client.query(`SELECT 1 FROM practices WHERE id = $1`, [DEMO_PRACTICE_ID]);
    return (found.rowCount ?? 0) > 0;
  });
  if (exists) return false;
  await seedDemoPractice(options);
  return true;
}

/** Deletes the demo practice, whatever it holds, and seeds it afresh, dated from `now`. */
export async function resetDemoPractice(options: DemoSeedOptions): Promise<void> {
  await withClient(options.ownerUrl, (client) => deletePractice(client, DEMO_PRACTICE_ID));
  await seedDemoPractice(options);
}

/**
 * The demo practice, alive on the day it is seeded: the practice and its five logins are
 * provisioned as the owner (as an operator would); the stories then go through the API as the
 * demo clinicians, so they pass the same rules and leave the same audit trail as real use. Records
 * that happened in the past carry their dates through the API's own fields (`startsAt`,
 * `occurredAt`, `reachedAt`, `acknowledgedAt`); what the API stamps itself (signatures, the
 * emergency grant, the goal's achievement) is stamped at the moment of seeding.
 */
export async function seedDemoPractice({ ownerUrl, app, password, now }: DemoSeedOptions) {
  const passwordHash = await hashPassword(password);
  const staff: NewStaff[] = DEMO_LOGINS.map(({ key: _key, ...login }) => ({
    ...login,
    passwordHash,
  }));
  await withClient(ownerUrl, (client) =>
    provisionPractice(
      client,
      { id: DEMO_PRACTICE_ID, name: DEMO_PRACTICE_NAME, timeZone: DEMO_TIME_ZONE },
      staff,
    ),
  );
  const api = await DemoApi.open(app);
  try {
    const signedIn: Partial<DemoCast> = {};
    for (const login of DEMO_LOGINS) signedIn[login.key] = await api.login(login.email, password);
    const context: StoryContext = {
      cast: signedIn as DemoCast,
      cal: demoCalendar(now ?? new Date(), DEMO_TIME_ZONE),
    };
    await seedRecoveryStory(context);
    await seedCoupleStory(context);
    await seedEstrangementStory(context);
    await seedLossStory(context);
    await seedIntakeQueue(context);
  } finally {
    await api.close();
  }
}

async function withClient<T>(url: string, use: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await use(client);
  } finally {
    await client.end();
  }
}
