import type { Client } from 'pg';

/**
 * Deletes a practice and everything it holds, its audit trail included, in one transaction, as
 * the owner. Only for the demo practice: clinical records and their audit trail are otherwise
 * never deleted, which is why the append-only and guard triggers that refuse a DELETE (or UPDATE)
 * are switched off for this transaction alone (DDL is transactional: no other session ever sees
 * them off, and the lock they take holds back the API's writes to those tables for the moment it
 * lasts). The practice's audit chain goes with it; other practices' chains are separate.
 *
 * The tables are found from the catalog (every table with a `practice_id`), children before
 * parents, so a table added later is deleted from without changing this code.
 */
export async function deletePractice(client: Client, practiceId: string): Promise<void> {
  await client.query('BEGIN');
  try {
    const { tables, links } = await tenantSchema(client);
    const dependents = await dependentsWithoutPracticeId(client, tables);
    const triggers = await client.query<{ table: string; trigger: string }>(
      `SELECT c.relname AS table, t.tgname AS trigger
         FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
        WHERE c.relnamespace = current_schema()::regnamespace AND NOT t.tgisinternal
          AND (t.tgtype & 24) <> 0 AND c.relname = ANY($1)
        ORDER BY c.relname, t.tgname`,
      [[...tables, ...dependents.map((dependent) => dependent.child)]],
    );
    const toggle = async (state: 'DISABLE' | 'ENABLE') => {
      for (const { table, trigger } of triggers.rows) {
        await client.query(`ALTER TABLE ${ident(table)} ${state} TRIGGER ${ident(trigger)}`);
      }
    };
    await toggle('DISABLE');
    for (const { child, columns, parent, parentColumns } of dependents) {
      const list = (names: string[]) => names.map(ident).join(', ');
      await client.query(
        `DELETE FROM ${ident(child)} WHERE (${list(columns)}) IN
           (SELECT ${list(parentColumns)} FROM ${ident(parent)} WHERE practice_id = $1)`,
        [practiceId],
      );
    }
    await deleteChildrenFirst(client, practiceId, new Set(tables), links);
    await client.query(`DELETE FROM practices WHERE id = $1`, [practiceId]);
    await toggle('ENABLE');
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK');
    throw error;
  }
}

interface Link {
  child: string;
  parent: string;
  columns: string[];
  nullable: boolean;
}

async function tenantSchema(client: Client): Promise<{ tables: string[]; links: Link[] }> {
  const { rows: tables } = await client.query<{ name: string }>(
    `SELECT c.relname AS name FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid
      WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind IN ('r', 'p')
        AND a.attname = 'practice_id' AND NOT a.attisdropped
      ORDER BY c.relname`,
  );
  const { rows: links } = await client.query<Link>(
    `SELECT ch.relname AS child, pa.relname AS parent,
            array_agg(a.attname::text ORDER BY a.attnum) FILTER (WHERE a.attname <> 'practice_id') AS columns,
            coalesce(bool_and(NOT a.attnotnull) FILTER (WHERE a.attname <> 'practice_id'), false) AS nullable
       FROM pg_constraint k JOIN pg_class ch ON ch.oid = k.conrelid JOIN pg_class pa ON pa.oid = k.confrelid
       JOIN pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = ANY (k.conkey)
      WHERE k.contype = 'f' AND ch.relnamespace = current_schema()::regnamespace AND ch.oid <> pa.oid
      GROUP BY k.oid, ch.relname, pa.relname
      ORDER BY ch.relname, pa.relname`,
  );
  return { tables: tables.map((table) => table.name), links };
}

/**
 * Tables without a `practice_id` whose rows hang on a practice's rows (the links of its audit
 * chain): they go first, by what they reference.
 */
async function dependentsWithoutPracticeId(client: Client, tables: string[]) {
  const { rows } = await client.query<{
    child: string;
    columns: string[];
    parent: string;
    parentColumns: string[];
  }>(
    `SELECT ch.relname AS child, pa.relname AS parent,
            array(SELECT attname::text FROM unnest(k.conkey) WITH ORDINALITY u(n, i)
                    JOIN pg_attribute ON attrelid = k.conrelid AND attnum = u.n ORDER BY u.i) AS columns,
            array(SELECT attname::text FROM unnest(k.confkey) WITH ORDINALITY u(n, i)
                    JOIN pg_attribute ON attrelid = k.confrelid AND attnum = u.n ORDER BY u.i) AS "parentColumns"
       FROM pg_constraint k JOIN pg_class ch ON ch.oid = k.conrelid JOIN pg_class pa ON pa.oid = k.confrelid
      WHERE k.contype = 'f' AND ch.relnamespace = current_schema()::regnamespace
        AND pa.relname = ANY($1) AND NOT (ch.relname = ANY($1)) AND ch.relname <> 'practices'
      ORDER BY ch.relname, pa.relname`,
    [tables],
  );
  return rows;
}

/**
 * Deletes the practice's rows table by table, a table once no remaining table references it.
 * Where tables reference each other in a circle (a client and the intake submission it came
 * from), one nullable reference of the circle is cleared first: whichever the table's own checks
 * allow, tried under a savepoint.
 */
async function deleteChildrenFirst(
  client: Client,
  practiceId: string,
  remaining: Set<string>,
  allLinks: Link[],
): Promise<void> {
  let links = allLinks.filter((link) => remaining.has(link.child) && remaining.has(link.parent));
  while (remaining.size > 0) {
    const free = [...remaining].filter((table) => !links.some((link) => link.parent === table));
    if (free.length > 0) {
      for (const table of free) {
        await client.query(`DELETE FROM ${ident(table)} WHERE practice_id = $1`, [practiceId]);
        remaining.delete(table);
      }
      links = links.filter((link) => remaining.has(link.child));
      continue;
    }
    const broken = await breakOneCycle(client, practiceId, links);
    links = links.filter((link) => link !== broken);
  }
}

async function breakOneCycle(client: Client, practiceId: string, links: Link[]): Promise<Link> {
  const reaches = (from: string, to: string, seen = new Set<string>()): boolean =>
    from === to ||
    links.some(
      (link) =>
        link.child === from &&
        !seen.has(link.parent) &&
        reaches(link.parent, to, seen.add(link.parent)),
    );
  const inCycle = links.filter((link) => link.nullable && reaches(link.parent, link.child));
  for (const link of inCycle) {
    await client.query('SAVEPOINT unlink');
    try {
      const clear = link.columns.map((column) => `${ident(column)} = NULL`).join(', ');
      await client.query(`UPDATE ${ident(link.child)} SET ${clear} WHERE practice_id = $1`, [
        practiceId,
      ]);
      await client.query('RELEASE SAVEPOINT unlink');
      return link;
    } catch {
      await client.query('ROLLBACK TO SAVEPOINT unlink');
    }
  }
  throw new Error(
    `Tables reference each other in a cycle: ${links.map((l) => l.child).join(', ')}`,
  );
}

const ident = (name: string) => `"${name.replace(/"/g, '""')}"`;
