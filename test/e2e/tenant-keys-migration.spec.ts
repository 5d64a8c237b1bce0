import { LeadTenantKeysWithPractice1763713400000 } from '../../migrations/1763713400000-lead-tenant-keys-with-practice';
import { checkChainAgainstCheckpoint } from '../../src/audit/audit-checkpoint';
import { PLATFORM_PRACTICE_ID } from '../../src/practices/platform-practice';
import {
  fillPracticeBeforeTenantKeys,
  sealFirstLinksBeforeTenantKeys,
  type Sql,
} from '../fixtures/previous-schema-practice';
import { schemaBefore } from '../setup/schema-before';
import { tenantKeyBreaches, tenantTables } from '../setup/tenant-keys-catalog';

/** Per table: rows per practice, and a digest of every row without its practice column. */
type Census = Record<string, { perPractice: Record<string, number>; digest: string }>;

/**
 * What a table holds, comparable across the migration: the practice column is `chain_id` on the
 * chain links before it and NULL on platform events before it, so it is counted apart (NULL as the
 * platform practice) and left out of the row digest.
 */
async function census(sql: Sql, tables: string[]): Promise<Census> {
  const result: Census = {};
  for (const table of tables) {
    const [practiceColumn] = await sql<{ name: string }>(
      `SELECT column_name AS name FROM information_schema.columns
        WHERE table_schema = current_schema() AND table_name = $1
          AND column_name IN ('practice_id', 'chain_id')`,
      [table],
    );
    const column = practiceColumn?.name ?? 'practice_id';
    const counts = await sql<{ practice: string; n: number }>(
      `SELECT coalesce(${column}, $1::uuid)::text AS practice, count(*)::int AS n
         FROM ${table} GROUP BY 1`,
      [PLATFORM_PRACTICE_ID],
    );
    const [digest] = await sql<{ digest: string }>(
      `SELECT md5(coalesce(string_agg(v::text, '|' ORDER BY v::text), '')) AS digest
         FROM (SELECT to_jsonb(t) - 'practice_id' - 'chain_id' AS v FROM ${table} t) AS rows`,
    );
    result[table] = {
      perPractice: Object.fromEntries(counts.map((row) => [row.practice, row.n])),
      digest: digest!.digest,
    };
  }
  return result;
}

/**
 * Issue 14's migration over data written by the schema before it: two practices with a row in
 * every tenant table, platform events, and sealed chain links. Every row, id and reference must
 * come through, the chains must still verify, and `down` must bring the same data back.
 */
describe(LeadTenantKeysWithPractice1763713400000.name, () => {
  const db = schemaBefore('tenant_keys', LeadTenantKeysWithPractice1763713400000);
  const { sql } = db;

  it('keeps every row and reference of two practices, and the chains still verify', async () => {
    const practices = [
      await fillPracticeBeforeTenantKeys(sql, 'Before A'),
      await fillPracticeBeforeTenantKeys(sql, 'Before B'),
    ];
    await sealFirstLinksBeforeTenantKeys(sql);
    const query = async <T>(text: string, params: unknown[]) => sql<T>(text, params);
    const tables = await tenantTables(query);
    const before = await census(sql, tables);
    // Every tenant table holds rows of both practices: nothing escapes the comparison.
    for (const table of tables) {
      expect({ table, practices: Object.keys(before[table]!.perPractice) }).toEqual({
        table,
        practices: expect.arrayContaining(practices),
      });
    }
    // The previous schema is what the catalog check exists to refuse.
    expect(await tenantKeyBreaches(query)).toEqual(
      expect.arrayContaining([
        'no NOT NULL uuid practice_id: audit_chain_links',
        'unique index not led by practice_id: clients.pk_clients',
      ]),
    );

    await db.migrate(new LeadTenantKeysWithPractice1763713400000(), 'up');

    expect(await tenantKeyBreaches(query)).toEqual([]);
    const after = await census(sql, tables);
    expect(after).toEqual(before);
    // The composite references join as before, e.g. every link to its event, every note to its
    // session, every rating to its check-in.
    const [joins] = await sql<Record<string, number>>(
      `SELECT
         (SELECT count(*)::int FROM audit_chain_links l
            JOIN audit_events e ON e.practice_id = l.practice_id AND e.id = l.event_id) AS links,
         (SELECT count(*)::int FROM session_notes n
            JOIN therapy_sessions s ON s.practice_id = n.practice_id AND s.id = n.session_id
                                   AND s.client_id = n.client_id) AS notes,
         (SELECT count(*)::int FROM goal_check_in_ratings r
            JOIN goal_check_ins ci ON ci.practice_id = r.practice_id AND ci.id = r.check_in_id) AS ratings,
         (SELECT count(*)::int FROM intake_invitations i
            JOIN intake_submissions s ON s.practice_id = i.practice_id AND s.id = i.submission_id) AS intake`,
    );
    expect(joins).toEqual({
      links: 3,
      notes: 2,
      ratings: 4,
      intake: 2,
    });
    const [platform] = await sql<{ n: number }>(
      `SELECT count(*)::int AS n FROM audit_events WHERE practice_id = $1`,
      [PLATFORM_PRACTICE_ID],
    );
    expect(platform!.n).toBe(1);
    // The links sealed before still hash from their events: the platform practice digests as null did.
    for (const practiceId of [...practices, PLATFORM_PRACTICE_ID]) {
      const [head] = await sql<{ link_hash: Buffer }>(
        `SELECT link_hash FROM audit_chain_links WHERE practice_id = $1 AND seq = 1`,
        [practiceId],
      );
      const check = await checkChainAgainstCheckpoint(query, {
        practiceId,
        seq: 1,
        headHash: head!.link_hash.toString('hex'),
        checkpointAt: new Date().toISOString(),
        keyId: 'k',
      });
      expect({ practiceId, check }).toEqual({ practiceId, check: { ok: true, linksChecked: 1 } });
    }

    // And back: down restores the previous keys with the same rows.
    await db.migrate(new LeadTenantKeysWithPractice1763713400000(), 'down');
    expect(await census(sql, tables)).toEqual(before);
    const [nullable] = await sql<{ n: number }>(
      `SELECT count(*)::int AS n FROM audit_events WHERE practice_id IS NULL`,
    );
    expect(nullable!.n).toBe(1);
  });
});
