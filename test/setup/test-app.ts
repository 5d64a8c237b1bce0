import { generateKeyPairSync } from 'node:crypto';
import type { ModuleMetadata } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { getDataSourceToken } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { createApp } from '../../src/bootstrap/create-app';
import type { Clock } from '../../src/common/clock/clock';
import { loadConfig } from '../../src/config/app-config';
import { createLogger } from '../../src/common/logging/logger';
import { watchProblemAnswers } from './problem-contract';
import { workerDatabaseUrl } from './test-database';

/** One signing key per test process: two apps of one test sign with the same key, as replicas do. */
const AUDIT_SIGNING_KEY = generateKeyPairSync('ed25519')
  .privateKey.export({ type: 'pkcs8', format: 'pem' })
  .toString();

export interface TestApp {
  app: NestExpressApplication;
  dataSource: DataSource;
  close(): Promise<void>;
}

export interface TestAppOptions {
  env?: Record<string, string>;
  databaseUrl?: string;
  imports?: ModuleMetadata['imports'];
  clock?: Clock;
}

/** The real application, configured exactly as `main.ts` does, on this worker's database. */
export async function startTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const databaseUrl = options.databaseUrl ?? (await workerDatabaseUrl());
  const config = loadConfig({
    NODE_ENV: 'test',
    JWT_SECRET: 'test-secret-'.padEnd(48, 'x'),
    DATABASE_URL: databaseUrl,
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    DB_POOL_SIZE: '4',
    // Every test signs in from 127.0.0.1 against a shared worker database: only the rate-limit
    // test (on a database of its own) runs with real limits.
    LOGIN_RATE_LIMIT_PER_IP: '1000000',
    INTAKE_RATE_LIMIT_PER_TOKEN: '1000000',
    INTAKE_RATE_LIMIT_PER_IP: '1000000',
    ACTOR_RATE_LIMIT_PER_MINUTE: '1000000',
    AUDIT_SEAL_INTERVAL_MS: '0',
    AUDIT_SIGNING_KEY,
    AUDIT_CHECKPOINT_INTERVAL_SECONDS: '0',
    HOUSEKEEPING_INTERVAL_SECONDS: '0',
    // Only the webhook tests deliver (to a receiver of their own on 127.0.0.1).
    WEBHOOK_POLL_INTERVAL_MS: '0',
    ...options.env,
  });
  const logger = createLogger(config.logLevel);
  const app = await createApp({
    config,
    logger,
    databaseUrl,
    imports: options.imports,
    clock: options.clock,
  });
  const dataSource = app.get<DataSource>(getDataSourceToken());
  const undocumentedProblems = await watchProblemAnswers(app.getHttpServer());
  return {
    app,
    dataSource,
    close: async () => {
      await app.close();
      // Every e2e test doubles as a check of the document's error responses.
      const undocumented = undocumentedProblems();
      if (undocumented.length > 0)
        throw new Error(`Problems the OpenAPI document does not list:\n${undocumented.join('\n')}`);
    },
  };
}
