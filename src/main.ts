// First: tracing instruments http and pg as they load (a no-op unless OTEL_ENABLED or OTEL_*).
import './tracing/tracing-preload';
import 'reflect-metadata';
import { createApp } from './bootstrap/create-app';
import { installShutdownHandlers } from './bootstrap/shutdown';
import { ConfigError, loadConfig } from './config/app-config';
import { createLogger } from './common/logging/logger';
import { openDatabaseServer, verifyApplicationRole } from './database/database-server';
import { runMigrations } from './database/migrate';
import { DEMO_LOGINS, DEMO_PRACTICE_NAME, seedDemoPracticeIfMissing } from './seed/demo-seed';

async function main(): Promise<void> {
  const config = loadConfig(process.env);
  const logger = createLogger(config.logLevel);
  const database = await openDatabaseServer(config, logger);
  try {
    // Migrations run as the owner and close; the API connects as the app role.
    const applied = await runMigrations(config.database, database.migrationUrl, database.appRole);
    if (applied.length > 0) logger.info({ migrations: applied }, 'migrations applied');
    await verifyApplicationRole(database, config, logger);
    const app = await createApp({ config, logger, databaseUrl: database.url });
    if (config.seedDemo) await seedDemo(app, database.migrationUrl, config.demoPassword, logger);
    installShutdownHandlers(app, database, logger, config.shutdownDrainMs);
    await app.listen(config.port, config.host);
    printBanner(await app.getUrl(), config.seedDemo ? config.demoPassword : undefined);
  } catch (error) {
    await database.stop();
    throw error;
  }
}

/**
 * First run: the demo practice, seeded through the API before it listens. A failure is logged
 * (the route and status only) and the API starts anyway: `npm run demo:reset` rebuilds it.
 */
async function seedDemo(
  app: Parameters<typeof seedDemoPracticeIfMissing>[0]['app'],
  ownerUrl: string,
  password: string,
  logger: ReturnType<typeof createLogger>,
): Promise<void> {
  try {
    if (await seedDemoPracticeIfMissing({ ownerUrl, app, password }))
      logger.info('demo practice seeded');
  } catch (error) {
    logger.error(
      { problem: error instanceof Error ? error.message : String(error) },
      'demo practice could not be seeded; run `npm run demo:reset` to rebuild it',
    );
  }
}

function printBanner(url: string, demoPassword: string | undefined): void {
  const base = url.replace('[::1]', 'localhost').replace('127.0.0.1', 'localhost');
  const lines = [
    '',
    `  Family therapy case management API is running`,
    `    API:     ${base}/api/v1`,
    `    Docs:    ${base}/docs  (OpenAPI JSON: ${base}/docs-json)`,
    `    Health:  ${base}/health/ready`,
  ];
  if (demoPassword) {
    lines.push(
      '',
      `  Demo practice "${DEMO_PRACTICE_NAME}", password ${demoPassword} for every login:`,
    );
    for (const login of DEMO_LOGINS) lines.push(`    ${login.email.padEnd(30)} ${login.role}`);
  }
  lines.push('');
  process.stdout.write(`${lines.join('\n')}\n`);
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) {
    process.stderr.write(`${error.message}\n`);
  } else {
    process.stderr.write(
      `Failed to start: ${error instanceof Error ? error.message : String(error)}\n`,
    );
  }
  process.exit(1);
});
