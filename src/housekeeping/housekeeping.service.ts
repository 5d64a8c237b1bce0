import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type QueryRunner } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { purges, type Purge } from './housekeeping-purges';
import { PLATFORM_PRACTICE_ID } from '../practices/platform-practice';

/** Advisory lock key held by the one replica running housekeeping (any constant unique to it). */
export const HOUSEKEEPING_LOCK_KEY = 74_126_633;

/** Rows deleted per statement: each batch commits on its own, so row locks stay short. */
const BATCH_SIZE = 1000;

/** Longest a run keeps going before leaving the rest of a backlog to the next one. */
const RUN_BUDGET_MS = 5 * 60 * 1000;

export interface HousekeepingRun {
  /** Rows deleted, per kind (the keys of {@link purges}). */
  deleted: Record<string, number>;
  /** False when the run stopped early (shutdown or time budget): the next run carries on. */
  complete: boolean;
}

export interface RunOptions {
  /** Asked between batches: true stops the run after the batch in progress. */
  shouldStop?: () => boolean;
}

/**
 * Purges rows that have outlived their use, once across replicas.
 *
 * A run holds a transaction-scoped advisory lock on a connection of its own for as long as it
 * lasts, and deletes in batches on other connections, each batch its own short transaction. A
 * replica that does not get the lock skips; one that gets it after a run ended within the last
 * half interval skips too (it reads the run's audit event, written before the lock is released),
 * so replicas whose timers fire together purge once. If the process dies the lock dies with its
 * connection: there is no leader to elect or to lose.
 */
@Injectable()
export class HousekeepingService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly config: AppConfig,
  ) {}

  /** Runs the purge unless another replica is running it or just did; null when skipped. */
  async run(options: RunOptions = {}): Promise<HousekeepingRun | null> {
    const lock = this.dataSource.createQueryRunner();
    await lock.connect();
    try {
      await lock.startTransaction('READ COMMITTED');
      const run = await this.runHoldingLock(lock, options);
      await lock.commitTransaction();
      return run;
    } catch (error) {
      if (lock.isTransactionActive) await lock.rollbackTransaction().catch(() => undefined);
      throw error;
    } finally {
      await lock.release();
    }
  }

  private async runHoldingLock(
    lock: QueryRunner,
    options: RunOptions,
  ): Promise<HousekeepingRun | null> {
    const [acquired] = await lock.manager.query<{ locked: boolean }[]>(
      `SELECT pg_try_advisory_xact_lock($1) AS locked`,
      [HOUSEKEEPING_LOCK_KEY],
    );
    if (acquired?.locked !== true || (await this.ranRecently(lock))) return null;
    // The lock's transaction waits idle while the batches run elsewhere: let it, for the budget.
    await lock.manager.query(`SELECT set_config('idle_in_transaction_session_timeout', $1, true)`, [
      String(RUN_BUDGET_MS + 60_000),
    ]);
    const deadline = Date.now() + RUN_BUDGET_MS;
    const stop = () => (options.shouldStop?.() ?? false) || Date.now() > deadline;
    const deleted: Record<string, number> = {};
    let complete = true;
    for (const purge of purges(this.config)) {
      const { count, finished } = await this.purgeInBatches(purge, stop);
      deleted[purge.name] = count;
      if (!finished) {
        complete = false;
        break;
      }
    }
    await this.recordRun(lock, { deleted, complete });
    return { deleted, complete };
  }

  private async purgeInBatches(
    purge: Purge,
    stop: () => boolean,
  ): Promise<{ count: number; finished: boolean }> {
    let count = 0;
    for (;;) {
      if (stop()) return { count, finished: false };
      // SKIP LOCKED: a row a request is using right now (a refresh in progress) waits for next time.
      const lock = purge.lockRows === false ? '' : 'FOR UPDATE SKIP LOCKED';
      const remember = purge.remember ? `, remembered AS (${purge.remember})` : '';
      const [row] = await this.dataSource.query<{ deleted: number }[]>(
        `WITH gone AS (
           DELETE FROM ${purge.table} WHERE ctid = ANY (ARRAY(
             SELECT t.ctid FROM ${purge.table} t WHERE ${purge.expired} LIMIT ${BATCH_SIZE} ${lock}))
           RETURNING *)${remember}
         SELECT count(*)::int AS deleted FROM gone`,
      );
      const deleted = row?.deleted ?? 0;
      count += deleted;
      if (deleted < BATCH_SIZE) return { count, finished: true };
    }
  }

  /** A run ended less than half an interval ago (on any replica). */
  private async ranRecently(lock: QueryRunner): Promise<boolean> {
    const spacingSeconds = this.config.housekeepingIntervalSeconds / 2;
    if (spacingSeconds <= 0) return false;
    const [row] = await lock.manager.query<{ recent: boolean }[]>(
      `SELECT EXISTS (SELECT 1 FROM audit_events e
                       WHERE e.practice_id = $2::uuid AND e.resource_type = 'housekeeping'
                         AND e.occurred_at > now() - make_interval(secs => $1)) AS recent`,
      [spacingSeconds, PLATFORM_PRACTICE_ID],
    );
    return row?.recent === true;
  }

  /** The run's audit event: counts only, on the platform chain (it belongs to no practice). */
  private async recordRun(lock: QueryRunner, run: HousekeepingRun): Promise<void> {
    await lock.manager.query(
      `INSERT INTO audit_events (practice_id, actor_type, action, resource_type, outcome, metadata)
       VALUES ($2, 'system', 'purge', 'housekeeping', 'success', $1)`,
      [JSON.stringify({ ...run.deleted, complete: run.complete }), PLATFORM_PRACTICE_ID],
    );
  }
}
