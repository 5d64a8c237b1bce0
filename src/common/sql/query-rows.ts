import type { Client } from 'pg';
import type { EntityManager } from 'typeorm';

/**
 * Runs one statement and answers its rows, for code that runs both inside the application (a
 * TypeORM manager or query runner: {@link rowsOfManager}) and outside it (seeds and the benchmark on
 * a plain pg client: {@link rowsOf}).
 */
export type QueryRows = <T>(sql: string, params: unknown[]) => Promise<T[]>;

export function rowsOf(client: Pick<Client, 'query'>): QueryRows {
  return async <T>(sql: string, params: unknown[]) => (await client.query(sql, params)).rows as T[];
}

/**
 * Over a TypeORM manager: pass the transaction host's `tx` at the time of the call, so the
 * statements join the use case's transaction. (An UPDATE without RETURNING answers no rows worth
 * reading: TypeORM gives `[rows, count]` for it.)
 */
export function rowsOfManager(manager: Pick<EntityManager, 'query'>): QueryRows {
  return <T>(sql: string, params: unknown[]) => manager.query<T[]>(sql, params);
}
