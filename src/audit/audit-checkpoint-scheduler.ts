import {
  Inject,
  Injectable,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import type { Logger } from 'pino';
import { loggableDatabaseError } from '../common/problem/database-errors';
import { AppConfig } from '../config/app-config';
import { APP_LOGGER } from '../config/config.module';
import { AuditCheckpointService } from './audit-checkpoint.service';

/**
 * Every `auditCheckpointIntervalSeconds` (0 turns it off) logs each chain's signed head as one
 * JSON line (`msg: "audit checkpoint"`): ids, a counter, hashes and a signature, no PHI. Shipping
 * these lines to a store the database's administrators cannot rewrite keeps the copy that a
 * rewritten tail is checked against. Every replica logs them: a duplicate line is harmless.
 */
@Injectable()
export class AuditCheckpointScheduler implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly log: Logger;
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private stopped = false;

  constructor(
    private readonly checkpoints: AuditCheckpointService,
    private readonly config: AppConfig,
    @Inject(APP_LOGGER) logger: Logger,
  ) {
    this.log = logger.child({ component: 'audit-checkpoint' });
  }

  onApplicationBootstrap(): void {
    if (this.config.auditCheckpointIntervalSeconds > 0) this.schedule();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  /** Logs the current checkpoint of every chain; returns how many were logged. */
  async logCheckpoints(): Promise<number> {
    const checkpoints = await this.checkpoints.allHeads();
    for (const checkpoint of checkpoints) {
      this.log.info({ auditCheckpoint: checkpoint }, 'audit checkpoint');
    }
    return checkpoints.length;
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.logCheckpoints()
        .then(() => undefined)
        .catch((error: unknown) => {
          this.log.warn(
            { database: loggableDatabaseError(error), errorType: (error as Error)?.name },
            'audit checkpoint logging failed',
          );
        })
        .finally(() => {
          this.running = undefined;
          this.schedule();
        });
    }, this.config.auditCheckpointIntervalSeconds * 1000);
    this.timer.unref();
  }
}
