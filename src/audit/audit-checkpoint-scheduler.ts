import {
  Inject,
  Injectable,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import type { Logger } from 'pino';
import { RepeatingTask } from '../common/scheduling/repeating-task';
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
  private readonly task: RepeatingTask;

  constructor(
    private readonly checkpoints: AuditCheckpointService,
    config: AppConfig,
    @Inject(APP_LOGGER) logger: Logger,
  ) {
    this.log = logger.child({ component: 'audit-checkpoint' });
    this.task = new RepeatingTask({
      name: 'audit checkpoint logging',
      intervalMs: config.auditCheckpointIntervalSeconds * 1000,
      log: this.log,
      run: () => this.logCheckpoints(),
    });
  }

  onApplicationBootstrap(): void {
    this.task.start();
  }

  beforeApplicationShutdown(): Promise<void> {
    return this.task.stop();
  }

  /** Logs the current checkpoint of every chain; returns how many were logged. */
  async logCheckpoints(): Promise<number> {
    const checkpoints = await this.checkpoints.allHeads();
    for (const checkpoint of checkpoints) {
      this.log.info({ auditCheckpoint: checkpoint }, 'audit checkpoint');
    }
    return checkpoints.length;
  }
}
