import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';
import { APP_LOGGER } from '../config/config.module';
import {
  GENESIS_HASH,
  PLATFORM_CHAIN_ID,
  comparePositions,
  eventsOfChain,
  type ChainPosition,
} from './audit-chain';
import type { LinkRow } from './audit-chain.row';
import { AuditSealer } from './audit-sealer';

const BATCH_SIZE = 2000;

/** What a walk of one chain found. */
export interface ChainVerification {
  /** True when every link and every linked event is intact and no event was slipped in. */
  ok: boolean;
  /** Links found intact from the start of the chain (all of them when `ok`). */
  checked: number;
  /** The first event, in chain order, whose link or content does not hold; null when `ok`. */
  firstBrokenEventId: string | null;
  /** Events recorded after the last link, not linkable yet (their transaction was still open). */
  unsealed: number;
}

/**
 * Walks a chain link by link. Each link must follow the previous one (seq, prev_hash), hash
 * correctly, and point to an event that still exists and still has the content it was sealed
 * with; and no event may sit between two links unlinked (an event inserted with a forged, older
 * transaction id). Event digests are recomputed in SQL by the same function the sealer used.
 */
@Injectable()
export class AuditVerifier {
  private readonly log: Logger;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly sealer: AuditSealer,
    @Inject(APP_LOGGER) logger: Logger,
  ) {
    this.log = logger.child({ component: 'audit-verifier' });
  }

  /** Seals what can be sealed, then verifies the chain (a practice id, or the platform chain). */
  async verify(chainId: string): Promise<ChainVerification> {
    await this.sealer.seal(chainId, { wait: true });
    const head = await this.sealer.head(chainId);
    const result = await this.walk(chainId, head?.seq ?? 0);
    const unsealed = await this.sealer.countUnlinked(chainId, head);
    if (!result.ok) {
      // Ids only: a chain id is a practice id and the event id is an opaque key.
      this.log.warn(
        { chainId, firstBrokenEventId: result.firstBrokenEventId },
        'audit chain verification failed',
      );
    }
    return { ...result, unsealed };
  }

  private async walk(
    chainId: string,
    lastSeq: number,
  ): Promise<Omit<ChainVerification, 'unsealed'>> {
    let expectedSeq = 1;
    let prevHash = GENESIS_HASH;
    let prevPosition: ChainPosition = { txId: '0', eventId: PLATFORM_CHAIN_ID };
    while (expectedSeq <= lastSeq) {
      const links = await this.linksFrom(chainId, expectedSeq - 1, lastSeq);
      if (links.length === 0) {
        // The head said there were more links: some were removed from the end.
        return this.broken(expectedSeq - 1, null);
      }
      // The first link of the batch that does not hold, if any.
      let bad: { link: LinkRow; index: number } | null = null;
      let previous = prevHash;
      for (const [index, link] of links.entries()) {
        if (
          Number(link.seq) !== expectedSeq + index ||
          !link.prev_hash.equals(previous) ||
          !link.link_intact ||
          !link.event_intact
        ) {
          bad = { link, index };
          break;
        }
        previous = link.link_hash;
      }
      const upTo = bad?.link ?? links.at(-1);
      if (!upTo) break;
      const orphan = await this.firstUnlinkedEvent(chainId, prevPosition, positionOf(upTo));
      if (orphan) {
        const before = links.filter((link) => comparePositions(positionOf(link), orphan) < 0);
        return this.broken(expectedSeq - 1 + before.length, orphan.eventId);
      }
      if (bad) return this.broken(expectedSeq - 1 + bad.index, bad.link.event_id);
      expectedSeq += links.length;
      prevHash = previous;
      prevPosition = positionOf(upTo);
    }
    return { ok: true, checked: lastSeq, firstBrokenEventId: null };
  }

  private broken(checked: number, eventId: string | null) {
    return { ok: false, checked, firstBrokenEventId: eventId };
  }

  private linksFrom(chainId: string, afterSeq: number, lastSeq: number): Promise<LinkRow[]> {
    return this.dataSource.query<LinkRow[]>(
      `SELECT l.seq::text AS seq, l.event_id, l.event_tx_id::text AS event_tx_id, l.prev_hash,
              l.link_hash,
              sha256(l.prev_hash || l.event_hash) = l.link_hash AS link_intact,
              COALESCE(e.id IS NOT NULL
                       AND e.tx_id = l.event_tx_id
                       AND audit_event_digest(e) = l.event_hash, false) AS event_intact
         FROM audit_chain_links l
         LEFT JOIN audit_events e ON e.practice_id = l.practice_id AND e.id = l.event_id
        WHERE l.practice_id = $1::uuid AND l.seq > $2 AND l.seq <= $3
        ORDER BY l.seq
        LIMIT ${BATCH_SIZE}`,
      [chainId, afterSeq, lastSeq],
    );
  }

  /** The first event of the chain in `(after, upTo]` that has no link. */
  private async firstUnlinkedEvent(
    chainId: string,
    after: ChainPosition,
    upTo: ChainPosition,
  ): Promise<ChainPosition | null> {
    const [row] = await this.dataSource.query<{ id: string; tx_id: string }[]>(
      `SELECT e.id, e.tx_id::text AS tx_id FROM audit_events e
        WHERE ${eventsOfChain('$1')}
          AND (e.tx_id, e.id) > ($2::xid8, $3::uuid)
          AND (e.tx_id, e.id) <= ($4::xid8, $5::uuid)
          AND NOT EXISTS (SELECT 1 FROM audit_chain_links l
                           WHERE l.practice_id = e.practice_id AND l.event_id = e.id)
        ORDER BY e.tx_id, e.id
        LIMIT 1`,
      [chainId, after.txId, after.eventId, upTo.txId, upTo.eventId],
    );
    return row ? { txId: row.tx_id, eventId: row.id } : null;
  }
}

function positionOf(link: LinkRow): ChainPosition {
  return { txId: link.event_tx_id, eventId: link.event_id };
}
