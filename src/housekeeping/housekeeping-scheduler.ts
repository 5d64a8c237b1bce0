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
import { QueueDepths } from '../metrics/queue-depths';
import { HousekeepingService } from './housekeeping.service';

/** First run soon after start (a deployment purges without waiting a whole interval). */
const FIRST_RUN_MAX_DELAY_SECONDS = 60;

/**
 * Runs housekeeping every `housekeepingIntervalSeconds` (0 turns it off) on every replica; the
 * service makes sure only one of them purges. Shutdown stops a run after its current batch and
 * waits for it.
 */
@Injectable()
export class HousekeepingScheduler implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly task: RepeatingTask;
  /** Set when the last run stopped before purging everything due: the next one carries on. */
  private backlog = false;

  constructor(
    housekeeping: HousekeepingService,
    config: AppConfig,
    @Inject(APP_LOGGER) logger: Logger,
    queues: QueueDepths,
  ) {
    const log = logger.child({ component: 'housekeeping' });
    const interval = config.housekeepingIntervalSeconds;
    this.task = new RepeatingTask({
      name: 'housekeeping run',
      intervalMs: interval * 1000,
      firstDelayMs: Math.min(interval, FIRST_RUN_MAX_DELAY_SECONDS) * 1000,
      log,
      run: async () => {
        const run = await housekeeping.run({ shouldStop: () => this.task.stopped });
        if (run) this.backlog = !run.complete;
        // Counts only, as in the run's audit event.
        if (run) log.info({ deleted: run.deleted, complete: run.complete }, 'housekeeping ran');
      },
    });
    // Housekeeping is not a queue of jobs but one job that may leave a backlog: depth 0 or 1.
    queues.register('housekeeping', () => Promise.resolve(this.backlog ? 1 : 0));
  }

  onApplicationBootstrap(): void {
    this.task.start();
  }

  beforeApplicationShutdown(): Promise<void> {
    return this.task.stop();
  }
}
