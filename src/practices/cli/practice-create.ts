import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { Client } from 'pg';
import { hashPassword, MIN_PASSWORD_LENGTH } from '../../auth/password-hasher';
import { runWithDatabase } from '../../database/cli/run-with-database';
import { runMigrations } from '../../database/migrate';
import { provisionPractice } from '../practice-provisioning';

const USAGE =
  'Usage: npm run practice:create -- --name "Practice name" --admin-email admin@example.org ' +
  '[--admin-password …] [--admin-first-name …] [--admin-last-name …] [--time-zone America/Chicago]';

/**
 * Operator command: provisions a practice and its first admin, against the embedded database or
 * DATABASE_URL. Without --admin-password a strong one is generated and printed once.
 */
runWithDatabase(
  {
    usage: USAGE,
    description:
      'Creates a practice and its first admin (as the owner role), after applying any pending migration. Without --admin-password a strong password is generated and printed once.',
  },
  async ({ config, database }) => {
    const { values } = parseArgs({
      options: {
        name: { type: 'string' },
        'admin-email': { type: 'string' },
        'admin-password': { type: 'string' },
        'admin-first-name': { type: 'string', default: 'Practice' },
        'admin-last-name': { type: 'string', default: 'Admin' },
        'time-zone': { type: 'string', default: 'UTC' },
      },
      strict: true,
    });
    const name = values.name?.trim();
    const email = values['admin-email']?.trim().toLowerCase();
    if (!name || !email) throw new Error(USAGE);
    if (!/^[^@\s]+@[^@\s]+$/.test(email)) throw new Error('--admin-email is not an email address');
    const generated = values['admin-password'] === undefined;
    const password = values['admin-password'] ?? randomBytes(18).toString('base64url');
    if (password.length < MIN_PASSWORD_LENGTH) {
      throw new Error(`--admin-password must be at least ${MIN_PASSWORD_LENGTH} characters`);
    }

    // Practices are created by the operator, as the owner: the API itself may only read them.
    await runMigrations(config.database, database.migrationUrl, database.appRole);
    const client = new Client({ connectionString: database.migrationUrl });
    await client.connect();
    try {
      const admin = {
        email,
        firstName: values['admin-first-name'],
        lastName: values['admin-last-name'],
        role: 'admin' as const,
        passwordHash: await hashPassword(password),
      };
      const result = await provisionPractice(
        client,
        { name, timeZone: values['time-zone'] },
        [admin],
        {
          existingStaff: 'fail',
        },
      );
      process.stdout.write(`Practice created: ${name} (${result.practiceId})\nAdmin: ${email}\n`);
      if (generated) process.stdout.write(`Password (shown once): ${password}\n`);
    } finally {
      await client.end();
    }
  },
);
