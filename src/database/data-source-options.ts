import { types } from 'pg';
import type { DataSourceOptions } from 'typeorm';
import type { DatabaseConfig } from '../config/app-config';
import { migrations } from '../../migrations';
import { GuardedClient } from './guarded-client';

// DATE columns (dates of birth, discharge dates) stay 'YYYY-MM-DD' strings: turning them into a
// JavaScript Date at local midnight shifts them by a day in some time zones.
const PG_DATE_OID = 1082;
types.setTypeParser(PG_DATE_OID, (value) => value);

/**
 * One definition of the connection, shared by the API, the migration commands and the tests.
 *
 * The timeouts turn a hung or vanished database into a prompt error (answered 503) instead of a
 * request that never returns: `statement_timeout` is enforced by the server, `query_timeout` by the
 * client when the server does not answer at all, `connectionTimeoutMillis` bounds both connecting
 * and waiting for a free pooled connection.
 *
 * No entities: features write their own SQL (docs/database.md), and TypeORM only carries the
 * connection, the migrations and, through @nestjs-cls/transactional, the transactions.
 */
export function dataSourceOptions(
  config: DatabaseConfig,
  url: string,
  sessionSettings: Record<string, string> = {},
): DataSourceOptions {
  return {
    type: 'postgres',
    url,
    migrations,
    migrationsTableName: 'schema_migrations',
    migrationsTransactionMode: 'each',
    synchronize: false,
    migrationsRun: false,
    logging: false,
    applicationName: 'family-therapy-api',
    ssl: config.ssl ? { rejectUnauthorized: true } : false,
    extra: {
      Client: GuardedClient,
      max: config.poolSize,
      connectionTimeoutMillis: config.connectTimeoutMs,
      statement_timeout: config.statementTimeoutMs,
      query_timeout: config.statementTimeoutMs + 2000,
      idle_in_transaction_session_timeout: config.statementTimeoutMs * 3,
      idleTimeoutMillis: 30_000,
      keepAlive: true,
      ...startupOptions(sessionSettings),
    },
  };
}

/** Settings sent at connect (`-c name=value`), escaped as the server splits them. */
function startupOptions(settings: Record<string, string>): { options?: string } {
  const entries = Object.entries(settings);
  if (entries.length === 0) return {};
  const escape = (text: string) => text.replace(/[\\ ]/g, (character) => `\\${character}`);
  return { options: entries.map(([name, value]) => `-c ${name}=${escape(value)}`).join(' ') };
}
