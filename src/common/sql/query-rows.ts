import type { Client } from 'pg';

/**
 * Runs one statement and answers its rows, for code that runs both inside the application (a
 * TypeORM manager or query runner: `(sql, params) => manager.query(sql, params)`) and outside it
 * (seeds and the benchmark on a plain pg client: {@link rowsOf}).
 */
export type QueryRows = <T>(sql: string, params: unknown[]) => Promise<T[]>;

export function rowsOf(client: Pick<Client, 'query'>): QueryRows {
  return async <T>(sql: string, params: unknown[]) => (await client.query(sql, params)).rows as T[];
}
