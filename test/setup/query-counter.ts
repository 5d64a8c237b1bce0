import { Client } from 'pg';
import { ACTOR_RATE_LIMIT_SQL_TAG } from '../../src/common/rate-limit/actor-rate-limiter';

/**
 * Counts the SQL statements sent to PostgreSQL while `work` runs (the real driver is wrapped, not
 * replaced: every statement still runs). Transaction control (BEGIN/COMMIT) is counted apart. The
 * per-actor rate limiter's once-a-second batch is not the use case's and is left out.
 */
export async function countQueries<T>(
  work: () => Promise<T>,
): Promise<{ result: T; statements: number; transactionControl: number; sql: string[] }> {
  const original = Client.prototype.query;
  const sql: string[] = [];
  let transactionControl = 0;
  Client.prototype.query = function (this: Client, ...args: unknown[]) {
    const first = args[0];
    const text =
      typeof first === 'string' ? first : ((first as { text?: string } | undefined)?.text ?? '');
    if (!text.startsWith(ACTOR_RATE_LIMIT_SQL_TAG)) {
      if (/^\s*(BEGIN|START TRANSACTION|COMMIT|ROLLBACK|SAVEPOINT|RELEASE)/i.test(text))
        transactionControl += 1;
      else sql.push(text.replace(/\s+/g, ' ').trim());
    }
    return (original as (...a: unknown[]) => unknown).apply(this, args);
  } as typeof Client.prototype.query;
  try {
    const result = await work();
    return { result, statements: sql.length, transactionControl, sql };
  } finally {
    Client.prototype.query = original;
  }
}
