import {
  Inject,
  Injectable,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';
import { loggableDatabaseError } from '../common/problem/database-errors';
import { RepeatingTask } from '../common/scheduling/repeating-task';
import { AppConfig } from '../config/app-config';
import { APP_LOGGER } from '../config/config.module';
import { PLATFORM_CHAIN_ID } from './audit-chain';
import { AuditSealer } from './audit-sealer';

/**
 * The background loop: every `auditSealIntervalMs` (0 turns it off) it seals each chain that
 * received events since its last complete pass. Passes never overlap, shutdown waits for the one
 * in progress, and a failure is logged (codes only) and retried on the next pass.
 *
 * Several replicas may run it: each chain is sealed by whichever takes its lock first; the others
 * skip it and look again next time.
 */
@Injectable()
export class AuditSealScheduler implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly log: Logger;
  private readonly task: RepeatingTask;
  /** Every chain is known sealed below this transaction id (null: not known yet, scan them all). */
  private sealedBelow: string | null = null;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly sealer: AuditSealer,
    config: AppConfig,
    @Inject(APP_LOGGER) logger: Logger,
  ) {
    this.log = logger.child({ component: 'audit-sealer' });
    this.task = new RepeatingTask({
      name: 'audit sealing pass',
      intervalMs: config.auditSealIntervalMs,
      log: this.log,
      run: () => this.sealPending(),
    });
  }

  /** Every chain was sealed below this transaction id at the last complete pass (null: none yet). */
  get sealedThrough(): string | null {
    return this.sealedBelow;
  }

  onApplicationBootstrap(): void {
    this.task.start();
  }

  /** Stops the loop and waits for a pass in progress, so that none runs against a closed pool. */
  beforeApplicationShutdown(): Promise<void> {
    return this.task.stop();
  }

  /**
   * One pass of the background loop: seals every chain with events that can be linked now.
   * Returns the number of links appended.
   */
  async sealPending(): Promise<number> {
    const horizon = await this.currentHorizon();
    const chains =
      this.sealedBelow === null
        ? await this.chainsWithUnlinkedEvents(horizon)
        : await this.chainsWithEventsBetween(this.sealedBelow, horizon);
    let complete = true;
    let linked = 0;
    for (const chainId of chains) {
      if (this.task.stopped) return linked;
      try {
        const result = await this.sealer.seal(chainId);
        linked += result.linked;
        // Another replica is sealing it, perhaps only up to an older horizon: look again next time.
        if (result.skipped) complete = false;
      } catch (error) {
        complete = false;
        this.log.error(
          { database: loggableDatabaseError(error), errorType: (error as Error)?.name, chainId },
          'audit chain sealing failed',
        );
      }
    }
    if (complete) this.sealedBelow = horizon;
    return linked;
  }

  private async currentHorizon(): Promise<string> {
    const [row] = await this.dataSource.query<{ horizon: string }[]>(
      `SELECT pg_snapshot_xmin(pg_current_snapshot())::text AS horizon`,
    );
    if (!row) throw new Error('pg_current_snapshot() returned no row');
    return row.horizon;
  }

  /** Chains with an event in `[from, below)`; uses `ix_audit_events_tx`. */
  private async chainsWithEventsBetween(from: string, below: string): Promise<string[]> {
    const rows = await this.dataSource.query<{ chain_id: string }[]>(
      `SELECT DISTINCT e.practice_id AS chain_id FROM audit_events e
        WHERE e.tx_id >= $1::xid8 AND e.tx_id < $2::xid8`,
      [from, below],
    );
    return rows.map((row) => row.chain_id);
  }

  /**
   * Every chain with a linkable event after its last link: one index probe per practice (a loose
   * index scan). Run once per process, when nothing is known yet (another replica may have stopped
   * half-way through a pass).
   */
  private async chainsWithUnlinkedEvents(below: string): Promise<string[]> {
    const unlinkedAfterLastLink = `
      AND e.tx_id < $1::xid8
      AND (e.tx_id, e.id) > (COALESCE(last.event_tx_id, '0'::xid8), COALESCE(last.event_id, $2::uuid))`;
    const lastLinkOf = (chain: string) => `
      LEFT JOIN LATERAL (
        SELECT l.event_tx_id, l.event_id FROM audit_chain_links l
         WHERE l.practice_id = ${chain} ORDER BY l.seq DESC LIMIT 1) AS last ON true`;
    const rows = await this.dataSource.query<{ chain_id: string }[]>(
      `WITH RECURSIVE practices_with_events(practice_id) AS (
         (SELECT e.practice_id FROM audit_events e ORDER BY e.practice_id LIMIT 1)
         UNION ALL
         SELECT (SELECT e.practice_id FROM audit_events e
                  WHERE e.practice_id > p.practice_id ORDER BY e.practice_id LIMIT 1)
           FROM practices_with_events p WHERE p.practice_id IS NOT NULL
       )
       SELECT p.practice_id AS chain_id FROM practices_with_events p ${lastLinkOf('p.practice_id')}
        WHERE p.practice_id IS NOT NULL
          AND EXISTS (SELECT 1 FROM audit_events e
                       WHERE e.practice_id = p.practice_id ${unlinkedAfterLastLink})`,
      [below, PLATFORM_CHAIN_ID],
    );
    return rows.map((row) => row.chain_id);
  }
}
