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
import { HousekeepingService } from './housekeeping.service';

/** First run soon after start (a deployment purges without waiting a whole interval). */
const FIRST_RUN_MAX_DELAY_SECONDS = 60;

/**
 * Runs housekeeping every `housekeepingIntervalSeconds` (0 turns it off) on every replica; the
 * service makes sure only one of them purges. The timer never keeps the process alive, and
 * shutdown stops a run after its current batch and waits for it.
 */
@Injectable()
export class HousekeepingScheduler implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly log: Logger;
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private stopped = false;

  constructor(
    private readonly housekeeping: HousekeepingService,
    private readonly config: AppConfig,
    @Inject(APP_LOGGER) logger: Logger,
  ) {
    this.log = logger.child({ component: 'housekeeping' });
  }

  onApplicationBootstrap(): void {
    const interval = this.config.housekeepingIntervalSeconds;
    if (interval > 0) this.schedule(Math.min(interval, FIRST_RUN_MAX_DELAY_SECONDS));
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  private schedule(delaySeconds: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.runOnce().finally(() => {
        this.running = undefined;
        this.schedule(this.config.housekeepingIntervalSeconds);
      });
    }, delaySeconds * 1000);
    this.timer.unref();
  }

  private async runOnce(): Promise<void> {
    try {
      const run = await this.housekeeping.run({ shouldStop: () => this.stopped });
      // Counts only, as in the run's audit event.
      if (run) this.log.info({ deleted: run.deleted, complete: run.complete }, 'housekeeping ran');
    } catch (error) {
      this.log.warn(
        { database: loggableDatabaseError(error), errorType: (error as Error)?.name },
        'housekeeping run failed',
      );
    }
  }
}
