import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AuditSealScheduler } from './audit-seal-scheduler';

/** Most recent events looked at: the figure is a gauge for operators, not an audit. */
export const SEAL_LAG_WINDOW = 10_000;

export interface SealLag {
  /** Recorded events not yet linked into their chain (counted among the latest 10,000). */
  unsealed: number;
  /** Age of the oldest of them in seconds; 0 when none. */
  oldestSeconds: number;
}

/**
 * How far the audit sealer is behind, for `/metrics` and detailed readiness. Looks only at events
 * from the horizon this process last sealed everything below (or the most recent ones when it has
 * not completed a pass), through `ix_audit_events_tx` and the links' unique event index, so a
 * scrape costs a short index range whatever the size of the trail.
 */
@Injectable()
export class AuditSealLag {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly scheduler: AuditSealScheduler,
  ) {}

  async measure(): Promise<SealLag> {
    const [row] = await this.dataSource.query<{ unsealed: number; oldest_seconds: number }[]>(
      `SELECT count(*)::int AS unsealed,
              COALESCE(extract(epoch FROM now() - min(e.occurred_at)), 0)::float8 AS oldest_seconds
         FROM (SELECT e.id, e.occurred_at FROM audit_events e
                WHERE e.tx_id >= $1::xid8 ORDER BY e.tx_id DESC LIMIT ${SEAL_LAG_WINDOW}) e
        WHERE NOT EXISTS (SELECT 1 FROM audit_chain_links l WHERE l.event_id = e.id)`,
      [this.scheduler.sealedThrough ?? '0'],
    );
    return { unsealed: row?.unsealed ?? 0, oldestSeconds: Math.max(0, row?.oldest_seconds ?? 0) };
  }
}
