import { Client } from 'pg';
import { ACTOR_RATE_LIMIT_SQL_TAG } from '../../src/common/rate-limit/actor-rate-limiter';

/** A statement as sent to PostgreSQL: its text, its values, and whether it was named (prepared). */
export interface SentStatement {
  sql: string;
  values: unknown[];
  prepared: boolean;
}

/**
 * Every statement sent to PostgreSQL while `work` runs, in order, as sent (the real driver is
 * wrapped, not replaced: every statement still runs).
 */
export async function catchStatements<T>(
  work: () => Promise<T>,
): Promise<{ result: T; sent: SentStatement[] }> {
  const original = Client.prototype.query;
  const sent: SentStatement[] = [];
  Client.prototype.query = function (this: Client, ...args: unknown[]) {
    const [first, values] = args as [
      string | { text?: string; values?: unknown[]; name?: string },
      unknown[],
    ];
    if (typeof first === 'string') sent.push({ sql: first, values: values ?? [], prepared: false });
    else
      sent.push({
        sql: first?.text ?? '',
        values: first?.values ?? [],
        prepared: Boolean(first?.name),
      });
    return (original as (...a: unknown[]) => unknown).apply(this, args);
  } as typeof Client.prototype.query;
  try {
    return { result: await work(), sent };
  } finally {
    Client.prototype.query = original;
  }
}

/**
 * Counts the SQL statements sent to PostgreSQL while `work` runs. Transaction control
 * (BEGIN/COMMIT) is counted apart. The per-actor rate limiter's once-a-second batch is not the use
 * case's and is left out.
 */
export async function countQueries<T>(
  work: () => Promise<T>,
): Promise<{ result: T; statements: number; transactionControl: number; sql: string[] }> {
  const { result, sent } = await catchStatements(work);
  const texts = sent.map((statement) => statement.sql);
  const own = texts.filter((text) => !text.startsWith(ACTOR_RATE_LIMIT_SQL_TAG));
  const control = /^\s*(BEGIN|START TRANSACTION|COMMIT|ROLLBACK|SAVEPOINT|RELEASE)/i;
  const sql = own.filter((text) => !control.test(text)).map((t) => t.replace(/\s+/g, ' ').trim());
  return { result, statements: sql.length, transactionControl: own.length - sql.length, sql };
}
