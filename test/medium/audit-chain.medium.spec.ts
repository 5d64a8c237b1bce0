import type { DataSource } from 'typeorm';
import { PLATFORM_CHAIN_ID, comparePositions } from '../../src/audit/audit-chain';
import { AuditSealer } from '../../src/audit/audit-sealer';
import { AuditVerifier } from '../../src/audit/audit-verifier';
import { AuditService } from '../../src/audit/audit.service';
import { systemActor } from '../../src/common/actor/actor';
import { adminTransaction } from '../setup/database-roles';
import { isolatedDatabaseUrl } from '../setup/test-database';
import { mediumHarness, type MediumHarness } from './medium-harness';

// insufficient_privilege: the application role's grants refuse it, audit_refuse_change() anyone else.
const APPEND_ONLY = '42501';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The audit services of one running app, and helpers over them. */
function auditHarness(h: MediumHarness) {
  const get = () => ({
    dataSource: h.dataSource,
    audit: h.get(AuditService),
    sealer: h.get(AuditSealer),
    verifier: h.get(AuditVerifier),
    txHost: h.txHost,
  });

  const record = (practiceId: string | null, resourceId = 'r') =>
    get().audit.record({
      action: 'read',
      resourceType: 'client',
      resourceId,
      actor: systemActor(practiceId),
      practiceId,
    });

  /** Seals until every visible event of the chain is linked (other tests' open transactions hold the horizon back briefly). */
  const settle = async (chainId: string): Promise<void> => {
    const { sealer } = get();
    // Generous: on a loaded machine another worker's long transaction (a demo reset) can hold the
    // cluster-wide horizon back for seconds.
    const deadline = Date.now() + 30_000;
    for (;;) {
      await sealer.seal(chainId, { wait: true });
      const unlinked = await sealer.countUnlinked(chainId, await sealer.head(chainId));
      if (unlinked === 0) return;
      if (Date.now() > deadline) throw new Error(`${unlinked} events of the chain stay unlinked`);
      await sleep(20);
    }
  };

  const links = (chainId: string) =>
    get().dataSource.query<{ seq: number; event_id: string; event_tx_id: string }[]>(
      `SELECT seq::int AS seq, event_id, event_tx_id::text AS event_tx_id
         FROM audit_chain_links WHERE practice_id = $1 ORDER BY seq`,
      [chainId],
    );

  const eventIds = async (practiceId: string, resourceId?: string) =>
    (
      await get().dataSource.query<{ id: string }[]>(
        `SELECT id FROM audit_events
          WHERE practice_id = $1 AND ($2::text IS NULL OR resource_id = $2) ORDER BY id`,
        [practiceId, resourceId ?? null],
      )
    ).map((row) => row.id);

  return { get, record, settle, links, eventIds };
}

async function expectRefused(dataSource: DataSource, sql: string, params: unknown[] = []) {
  await expect(dataSource.query(sql, params)).rejects.toMatchObject({ code: APPEND_ONLY });
}

// One app for the storage and sealing specs. 50 transactions held open at once need 50 connections.
const medium = mediumHarness({ env: { DB_POOL_SIZE: '60' } });
const h = auditHarness(medium);

// Events themselves: see the storage spec of audit.medium.spec.ts.
describe('audit trail: append-only storage', () => {
  it('refuses UPDATE, DELETE and TRUNCATE of chain links', async () => {
    const practice = await medium.make.practice();
    await h.record(practice.id);
    await h.settle(practice.id);
    const ds = medium.dataSource;

    await expectRefused(
      ds,
      `UPDATE audit_chain_links SET sealed_at = now() WHERE practice_id = $1`,
      [practice.id],
    );
    await expectRefused(ds, `DELETE FROM audit_chain_links WHERE practice_id = $1`, [practice.id]);
    await expectRefused(ds, `TRUNCATE audit_chain_links`);
    expect(await h.links(practice.id)).toHaveLength(1);
  });

  it('hashes an event the same whatever the session time zone', async () => {
    const practice = await medium.make.practice();
    await h.record(practice.id);
    const digestIn = (timeZone: string) =>
      medium.dataSource.transaction(async (manager) => {
        await manager.query(`SELECT set_config('TimeZone', $1, true)`, [timeZone]);
        const [row] = await manager.query<{ digest: string }[]>(
          `SELECT encode(audit_event_digest(e), 'hex') AS digest FROM audit_events e
            WHERE practice_id = $1`,
          [practice.id],
        );
        return row?.digest;
      });

    expect(await digestIn('Pacific/Kiritimati')).toBe(await digestIn('America/Adak'));
  });
});

describe('audit trail: sealing', () => {
  it('links 50 concurrently audited transactions into one unbroken chain, seq 1..50', async () => {
    const practice = await medium.make.practice();
    const { audit, sealer, verifier, txHost } = h.get();
    const count = 50;
    let inserted = 0;
    let openAll!: () => void;
    const allInserted = new Promise<void>((resolve) => (openAll = resolve));

    const writes = Array.from({ length: count }, (_, index) =>
      txHost.withTransaction(async () => {
        await audit.record({
          action: 'update',
          resourceType: 'client',
          resourceId: `w${index}`,
          changedFields: ['pronouns'],
          actor: systemActor(practice.id),
        });
        inserted += 1;
        if (inserted === count) openAll();
        // All 50 are open at once, then commit in random order.
        await allInserted;
        await sleep(Math.random() * 40);
      }),
    );
    let writing = true;
    const sealing = (async () => {
      while (writing) {
        await sealer.seal(practice.id);
        await sleep(2);
      }
    })();
    await Promise.all(writes);
    writing = false;
    await sealing;
    await h.settle(practice.id);

    const links = await h.links(practice.id);
    expect(links.map((link) => link.seq)).toEqual(Array.from({ length: count }, (_, i) => i + 1));
    expect(links.map((link) => link.event_id).sort()).toEqual(await h.eventIds(practice.id));
    // In (tx_id, id) order, whatever the commit order was.
    const positions = links.map((link) => ({ txId: link.event_tx_id, eventId: link.event_id }));
    expect([...positions].sort(comparePositions)).toEqual(positions);
    expect(await verifier.verify(practice.id)).toEqual({
      ok: true,
      checked: count,
      firstBrokenEventId: null,
      unsealed: 0,
    });
  });

  it('links more events than one batch holds, ties on the transaction id included', async () => {
    const practice = await medium.make.practice();
    // Two transactions of 2,300 events each: batches of 2,000 end inside a transaction.
    for (let round = 0; round < 2; round += 1) {
      await medium.dataSource.query(
        `INSERT INTO audit_events (practice_id, actor_type, action, resource_type, outcome)
         SELECT $1, 'system', 'read', 'client', 'success' FROM generate_series(1, 2300)`,
        [practice.id],
      );
    }
    await h.settle(practice.id);

    const links = await h.links(practice.id);
    expect(links).toHaveLength(4600);
    expect(links.at(-1)?.seq).toBe(4600);
    expect(await h.get().verifier.verify(practice.id)).toEqual({
      ok: true,
      checked: 4600,
      firstBrokenEventId: null,
      unsealed: 0,
    });
  });

  it('leaves no event and no link for an audited transaction that rolls back', async () => {
    const practice = await medium.make.practice();
    const { txHost } = h.get();

    await expect(
      txHost.withTransaction(async () => {
        await h.record(practice.id, 'rolled-back');
        await h.get().sealer.seal(practice.id);
        throw new Error('use case failed');
      }),
    ).rejects.toThrow('use case failed');
    await h.record(practice.id, 'committed');
    await h.settle(practice.id);

    expect(await h.eventIds(practice.id, 'rolled-back')).toEqual([]);
    const [committed] = await h.eventIds(practice.id, 'committed');
    expect(await h.links(practice.id)).toEqual([
      expect.objectContaining({ seq: 1, event_id: committed }),
    ]);
    expect((await h.get().verifier.verify(practice.id)).ok).toBe(true);
  });

  it('does not skip a transaction that stays open while the sealer runs', async () => {
    const practice = await medium.make.practice();
    const { txHost, sealer } = h.get();
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let recorded!: () => void;
    const isRecorded = new Promise<void>((resolve) => (recorded = resolve));

    const open = txHost.withTransaction(async () => {
      await h.record(practice.id, 'early');
      recorded();
      await gate;
    });
    await isRecorded;
    await h.record(practice.id, 'late'); // commits at once, with a later transaction id
    await sealer.seal(practice.id, { wait: true });

    // 'late' is committed, but linking it now would leave no place for 'early' before it.
    expect(await h.links(practice.id)).toEqual([]);

    release();
    await open;
    await h.settle(practice.id);
    const [early] = await h.eventIds(practice.id, 'early');
    const [late] = await h.eventIds(practice.id, 'late');
    expect((await h.links(practice.id)).map((link) => [link.seq, link.event_id])).toEqual([
      [1, early],
      [2, late],
    ]);
    expect((await h.get().verifier.verify(practice.id)).ok).toBe(true);
  });

  it('links events of no practice into the platform chain, under the platform practice', async () => {
    await h.record(null, 'platform-event');
    await h.settle(PLATFORM_CHAIN_ID);
    const [row] = await medium.dataSource.query<{ practice_id: string }[]>(
      `SELECT l.practice_id FROM audit_chain_links l
         JOIN audit_events e ON e.practice_id = l.practice_id AND e.id = l.event_id
        WHERE e.resource_id = 'platform-event'`,
    );
    expect(row?.practice_id).toBe(PLATFORM_CHAIN_ID);
    expect((await h.get().verifier.verify(PLATFORM_CHAIN_ID)).ok).toBe(true);
  });
});

describe('audit trail: background sealing', () => {
  const background = mediumHarness({ env: { AUDIT_SEAL_INTERVAL_MS: '25' } });
  const h = auditHarness(background);

  async function waitForLinks(chainId: string, count: number) {
    const deadline = Date.now() + 15_000;
    while ((await h.links(chainId)).length < count) {
      if (Date.now() > deadline) throw new Error('the background sealer did not link the events');
      await sleep(25);
    }
  }

  it('links new events of every practice on its own, pass after pass', async () => {
    const first = await background.make.practice();
    const second = await background.make.practice();
    await h.record(first.id);
    await waitForLinks(first.id, 1);

    await h.record(first.id);
    await h.record(second.id);
    await waitForLinks(first.id, 2);
    await waitForLinks(second.id, 1);
  });
});

describe('audit trail: verification', () => {
  // Tampering needs DDL (disabling triggers, dropping a foreign key): on a database of its own.
  const isolated = mediumHarness(async () => ({
    databaseUrl: await isolatedDatabaseUrl('audit_tamper'),
  }));
  const h = auditHarness(isolated);

  /** A practice with three sealed events; returns their ids in chain order. */
  async function sealedChain(): Promise<{ practiceId: string; events: string[] }> {
    const practice = await isolated.make.practice();
    for (const name of ['one', 'two', 'three']) await h.record(practice.id, name);
    await h.settle(practice.id);
    return {
      practiceId: practice.id,
      events: (await h.links(practice.id)).map((link) => link.event_id),
    };
  }

  /** Runs statements as the superuser with the append-only trigger of `table` disabled. */
  async function behindTheTrigger(table: string, statements: string[], params: unknown[][]) {
    await adminTransaction(isolated.dataSource, async (query) => {
      await query(`ALTER TABLE ${table} DISABLE TRIGGER tg_${table}_append_only`);
      for (const [index, sql] of statements.entries()) await query(sql, params[index]);
      await query(`ALTER TABLE ${table} ENABLE TRIGGER tg_${table}_append_only`);
    });
  }

  it('reports an untouched chain as intact', async () => {
    const { practiceId } = await sealedChain();
    expect(await h.get().verifier.verify(practiceId)).toEqual({
      ok: true,
      checked: 3,
      firstBrokenEventId: null,
      unsealed: 0,
    });
  });

  it('names an event altered behind the trigger', async () => {
    const { practiceId, events } = await sealedChain();
    const untouched = await sealedChain();
    await behindTheTrigger(
      'audit_events',
      [`UPDATE audit_events SET changed_fields = '{diagnosis}' WHERE id = $1`],
      [[events[1]]],
    );

    expect(await h.get().verifier.verify(practiceId)).toEqual({
      ok: false,
      checked: 1,
      firstBrokenEventId: events[1],
      unsealed: 0,
    });
    expect((await h.get().verifier.verify(untouched.practiceId)).ok).toBe(true);
  });

  it('names an event deleted behind the trigger', async () => {
    const { practiceId, events } = await sealedChain();
    await adminTransaction(isolated.dataSource, async (query) => {
      await query(`ALTER TABLE audit_chain_links DROP CONSTRAINT fk_audit_chain_links_event`);
      await query(`ALTER TABLE audit_events DISABLE TRIGGER tg_audit_events_append_only`);
      await query(`DELETE FROM audit_events WHERE id = $1`, [events[2]]);
      await query(`ALTER TABLE audit_events ENABLE TRIGGER tg_audit_events_append_only`);
      await query(`ALTER TABLE audit_chain_links ADD CONSTRAINT fk_audit_chain_links_event
        FOREIGN KEY (practice_id, event_id) REFERENCES audit_events (practice_id, id) NOT VALID`);
    });

    expect(await h.get().verifier.verify(practiceId)).toMatchObject({
      ok: false,
      checked: 2,
      firstBrokenEventId: events[2],
    });
  });

  it('names the event of a link whose hash was altered', async () => {
    const { practiceId, events } = await sealedChain();
    await behindTheTrigger(
      'audit_chain_links',
      [`UPDATE audit_chain_links SET link_hash = sha256('forged'::bytea) WHERE event_id = $1`],
      [[events[0]]],
    );

    expect(await h.get().verifier.verify(practiceId)).toMatchObject({
      ok: false,
      checked: 0,
      firstBrokenEventId: events[0],
    });
  });

  it('names an event slipped in behind the sealer with a forged transaction id', async () => {
    const { practiceId } = await sealedChain();
    const [forged] = await isolated.dataSource.query<{ id: string }[]>(
      `INSERT INTO audit_events (practice_id, tx_id, actor_type, action, resource_type, outcome)
       VALUES ($1, '3', 'system', 'read', 'client', 'success') RETURNING id`,
      [practiceId],
    );

    expect(await h.get().verifier.verify(practiceId)).toMatchObject({
      ok: false,
      checked: 0,
      firstBrokenEventId: forged?.id,
    });
  });
});
