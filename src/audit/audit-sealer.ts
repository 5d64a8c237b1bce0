import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import {
  GENESIS_HASH,
  PLATFORM_CHAIN_ID,
  SEAL_LOCK_CLASS,
  eventsOfChain,
  linkHash,
  type ChainPosition,
} from './audit-chain';
import type { LastLinkRow } from './audit-chain.row';

const BATCH_SIZE = 2000;

export interface SealOptions {
  /**
   * Wait for another sealer of the chain (another replica) to finish instead of skipping the chain.
   * On-demand sealing (verify, export) waits so that it covers everything committed before it.
   */
  wait?: boolean;
}

export interface SealResult {
  /** Links appended by this call. */
  linked: number;
  /** True when another sealer held the chain and `wait` was off: nothing was done. */
  skipped: boolean;
}

/** The last link of a chain, or none. */
export interface ChainHead extends ChainPosition {
  seq: number;
  linkHash: Buffer;
}

/**
 * Links recorded audit events into their practice's hash chain, off the request path.
 *
 * Events are linked in `(tx_id, id)` order, and only those whose transaction id is below the
 * horizon — the oldest transaction still running anywhere in the cluster — because only those
 * belong to transactions that have ended: a transaction that commits late can then never have its
 * event slip in behind a link already made, and one that rolls back leaves no event to link.
 * Writers never wait on the chain; sealers of one chain take turns on an advisory lock. The
 * background loop is {@link AuditSealScheduler}.
 */
@Injectable()
export class AuditSealer {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * Appends links for every event of the chain that can be linked now, in one transaction.
   * `chainId` is a practice id, or {@link PLATFORM_CHAIN_ID}.
   */
  async seal(chainId: string, options: SealOptions = {}): Promise<SealResult> {
    return this.dataSource.transaction('READ COMMITTED', async (manager) => {
      if (!(await this.lockChain(manager, chainId, options.wait ?? false))) {
        return { linked: 0, skipped: true };
      }
      // Read after the lock (a new statement, so a new snapshot under READ COMMITTED): a sealer
      // that held the lock has committed its links by now and they are seen here.
      const { horizon, head } = await this.readHead(manager, chainId);
      let prev: ChainHead | null = head;
      let linked = 0;
      for (;;) {
        const events = await manager.query<{ id: string; tx_id: string; event_hash: Buffer }[]>(
          `SELECT e.id, e.tx_id::text AS tx_id, audit_event_digest(e) AS event_hash
             FROM audit_events e
            WHERE ${eventsOfChain('$1')}
              AND e.tx_id < $2::xid8
              AND (e.tx_id, e.id) > ($3::xid8, $4::uuid)
            ORDER BY e.tx_id, e.id
            LIMIT ${BATCH_SIZE}`,
          [chainId, horizon, prev?.txId ?? '0', prev?.eventId ?? PLATFORM_CHAIN_ID],
        );
        if (events.length === 0) break;
        prev = await this.appendLinks(manager, chainId, prev, events);
        linked += events.length;
        if (events.length < BATCH_SIZE) break;
      }
      return { linked, skipped: false };
    });
  }

  /** Events of the chain after its last link: not linkable yet (their transaction was open). */
  async countUnlinked(chainId: string, head: ChainPosition | null): Promise<number> {
    const [row] = await this.dataSource.query<{ count: number }[]>(
      `SELECT count(*)::int AS count FROM audit_events e
        WHERE ${eventsOfChain('$1')} AND (e.tx_id, e.id) > ($2::xid8, $3::uuid)`,
      [chainId, head?.txId ?? '0', head?.eventId ?? PLATFORM_CHAIN_ID],
    );
    return row?.count ?? 0;
  }

  /** The last link of the chain, or null when nothing has been linked yet. */
  async head(chainId: string): Promise<ChainHead | null> {
    return (await this.readHead(this.dataSource.manager, chainId)).head;
  }

  private async lockChain(manager: EntityManager, chainId: string, wait: boolean) {
    if (wait) {
      await manager.query(`SELECT pg_advisory_xact_lock($1, hashtext($2::text))`, [
        SEAL_LOCK_CLASS,
        chainId,
      ]);
      return true;
    }
    const [row] = await manager.query<{ locked: boolean }[]>(
      `SELECT pg_try_advisory_xact_lock($1, hashtext($2::text)) AS locked`,
      [SEAL_LOCK_CLASS, chainId],
    );
    return row?.locked === true;
  }

  private async readHead(
    manager: EntityManager,
    chainId: string,
  ): Promise<{ horizon: string; head: ChainHead | null }> {
    const [row] = await manager.query<LastLinkRow[]>(
      `SELECT pg_snapshot_xmin(pg_current_snapshot())::text AS horizon,
              last.seq::text AS seq, last.event_tx_id::text AS event_tx_id, last.event_id,
              last.link_hash
         FROM (SELECT 1) AS one
         LEFT JOIN LATERAL (
           SELECT l.seq, l.event_tx_id, l.event_id, l.link_hash FROM audit_chain_links l
            WHERE l.practice_id = $1::uuid ORDER BY l.seq DESC LIMIT 1) AS last ON true`,
      [chainId],
    );
    if (!row) throw new Error('the chain head query returned no row');
    const head =
      row.seq && row.event_tx_id && row.event_id && row.link_hash
        ? {
            seq: Number(row.seq),
            txId: row.event_tx_id,
            eventId: row.event_id,
            linkHash: row.link_hash,
          }
        : null;
    return { horizon: row.horizon, head };
  }

  private async appendLinks(
    manager: EntityManager,
    chainId: string,
    head: ChainHead | null,
    events: { id: string; tx_id: string; event_hash: Buffer }[],
  ): Promise<ChainHead> {
    const columns = {
      seq: [] as number[],
      eventId: [] as string[],
      txId: [] as string[],
      eventHash: [] as Buffer[],
      prevHash: [] as Buffer[],
      linkHash: [] as Buffer[],
    };
    let seq = head?.seq ?? 0;
    let prevHash = head?.linkHash ?? GENESIS_HASH;
    for (const event of events) {
      seq += 1;
      const hash = linkHash(prevHash, event.event_hash);
      columns.seq.push(seq);
      columns.eventId.push(event.id);
      columns.txId.push(event.tx_id);
      columns.eventHash.push(event.event_hash);
      columns.prevHash.push(prevHash);
      columns.linkHash.push(hash);
      prevHash = hash;
    }
    await manager.query(
      `INSERT INTO audit_chain_links
         (practice_id, seq, event_id, event_tx_id, event_hash, prev_hash, link_hash)
       SELECT $1::uuid, t.seq, t.event_id, t.event_tx_id::xid8, t.event_hash, t.prev_hash,
              t.link_hash
         FROM unnest($2::bigint[], $3::uuid[], $4::text[], $5::bytea[], $6::bytea[], $7::bytea[])
           AS t(seq, event_id, event_tx_id, event_hash, prev_hash, link_hash)`,
      [
        chainId,
        columns.seq,
        columns.eventId,
        columns.txId,
        columns.eventHash,
        columns.prevHash,
        columns.linkHash,
      ],
    );
    const last = events.at(-1);
    if (!last) throw new Error('appendLinks needs at least one event');
    return { seq, txId: last.tx_id, eventId: last.id, linkHash: prevHash };
  }
}
