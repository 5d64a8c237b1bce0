/** Runs one parameterised statement (a pg client, a data source). */
export type CatalogQuery = <T>(sql: string, params: unknown[]) => Promise<T[]>;

/** Tables that belong to no practice: the tenants themselves, migrations, and rate-limit counters. */
export const NON_TENANT_TABLES = ['practices', 'schema_migrations', 'rate_limit_buckets'];

/**
 * The one exception to "every unique key leads with practice_id": lookups that arrive without a
 * practice (a token, a sign-in email) keep a global unique index on that one column.
 */
export const GLOBAL_LOOKUP_COLUMNS = ['token_hash', 'key_hash', 'email'];

const TENANT_TABLE = `
  c.relkind IN ('r', 'p') AND NOT c.relispartition AND c.relname <> ALL ($1::text[])
  AND c.relnamespace = current_schema()::regnamespace`;

/**
 * What makes a schema distributable by practice, checked in the catalog (issue 14): every tenant
 * table has a NOT NULL uuid `practice_id`; every unique index of one (primary keys included)
 * leads with it, but for a single-column global lookup index; every foreign key between two
 * tenant tables pairs `practice_id` with `practice_id`. Answers one line per breach, sorted.
 */
export async function tenantKeyBreaches(query: CatalogQuery): Promise<string[]> {
  const rows = await query<{ breach: string }>(
    `SELECT 'no NOT NULL uuid practice_id: ' || c.relname AS breach
       FROM pg_class c
       LEFT JOIN pg_attribute a
         ON a.attrelid = c.oid AND a.attname = 'practice_id' AND NOT a.attisdropped
      WHERE ${TENANT_TABLE}
        AND (a.attnum IS NULL OR NOT a.attnotnull OR a.atttypid <> 'uuid'::regtype)
     UNION ALL
     SELECT 'unique index not led by practice_id: ' || c.relname || '.' || i.relname
       FROM pg_index x
       JOIN pg_class c ON c.oid = x.indrelid
       JOIN pg_class i ON i.oid = x.indexrelid
       LEFT JOIN pg_attribute first
         ON first.attrelid = c.oid AND first.attnum = x.indkey[0] AND x.indkey[0] <> 0
      WHERE ${TENANT_TABLE} AND x.indisunique
        AND first.attname IS DISTINCT FROM 'practice_id'
        AND NOT (x.indnkeyatts = 1 AND first.attname = ANY ($2::text[]))
     UNION ALL
     SELECT 'foreign key not composite on practice_id: ' || c.relname || '.' || con.conname
       FROM pg_constraint con
       JOIN pg_class c ON c.oid = con.conrelid
       JOIN pg_class target ON target.oid = con.confrelid
      WHERE con.contype = 'f' AND ${TENANT_TABLE}
        AND target.relname <> ALL ($1::text[])
        AND NOT EXISTS (
          SELECT 1 FROM unnest(con.conkey, con.confkey) AS k(source, referenced)
            JOIN pg_attribute s ON s.attrelid = con.conrelid AND s.attnum = k.source
            JOIN pg_attribute r ON r.attrelid = con.confrelid AND r.attnum = k.referenced
           WHERE s.attname = 'practice_id' AND r.attname = 'practice_id')
     ORDER BY 1`,
    [NON_TENANT_TABLES, GLOBAL_LOOKUP_COLUMNS],
  );
  return rows.map((row) => row.breach);
}

/** The tenant tables the check covers, sorted. */
export async function tenantTables(query: CatalogQuery): Promise<string[]> {
  const rows = await query<{ name: string }>(
    `SELECT c.relname AS name FROM pg_class c WHERE ${TENANT_TABLE} ORDER BY 1`,
    [NON_TENANT_TABLES],
  );
  return rows.map((row) => row.name);
}
