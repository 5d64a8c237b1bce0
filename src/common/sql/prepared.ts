import { createHash } from 'node:crypto';
import type { PoolClient } from 'pg';
import { QueryFailedError, type EntityManager } from 'typeorm';

/**
 * Runs a hot read as a named prepared statement: PostgreSQL parses and plans it once per pooled
 * connection and then reuses the plan, which for the dashboards' statements saves more time than
 * executing them takes. Only for statements whose text comes from a small, fixed set (the name is
 * the text's hash, and each connection keeps every statement it has prepared); never for text
 * that varies with input, such as a list of placeholders.
 *
 * It runs on the manager's connection: inside a transaction on the transaction's, otherwise on one
 * borrowed from the pool for the statement. Errors are TypeORM's QueryFailedError, as from
 * `manager.query`, so they map to problems the same way.
 */
export async function queryPrepared<T>(
  manager: EntityManager,
  text: string,
  values: readonly unknown[],
): Promise<T[]> {
  const runner = manager.queryRunner ?? manager.connection.createQueryRunner();
  try {
    const client = (await runner.connect()) as PoolClient;
    const result = await client.query({ name: statementName(text), text, values: [...values] });
    return result.rows as T[];
  } catch (error) {
    throw error instanceof Error && 'code' in error
      ? new QueryFailedError(text, [...values], error)
      : error;
  } finally {
    if (!manager.queryRunner) await runner.release();
  }
}

const names = new Map<string, string>();

function statementName(text: string): string {
  let name = names.get(text);
  if (!name) {
    name = `p_${createHash('sha1').update(text).digest('hex')}`;
    names.set(text, name);
  }
  return name;
}
