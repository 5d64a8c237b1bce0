import type { Logger } from 'pino';
import { loggableDatabaseError } from '../problem/database-errors';

export interface RepeatingTaskOptions {
  /** Names the task in the warning a failed run logs. */
  name: string;
  /** Pause between the end of one run and the start of the next; 0 never starts the task. */
  intervalMs: number;
  /** Wait before the first run (defaults to the interval). */
  firstDelayMs?: number;
  log: Logger;
  run: () => Promise<unknown>;
}

/**
 * Background work repeated in every API process (the audit sealer, checkpoint log lines,
 * housekeeping). Each run starts only after the previous one ended, so runs never overlap; the
 * timer never keeps the process alive; a failed run is logged with codes only and the next one
 * still comes; and `stop()` waits for a run in progress, so none outlives the pool it uses.
 */
export class RepeatingTask {
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private stopping = false;

  constructor(private readonly options: RepeatingTaskOptions) {}

  /** True once `stop()` was called: long runs check it between their steps. */
  get stopped(): boolean {
    return this.stopping;
  }

  start(): void {
    if (this.options.intervalMs > 0)
      this.schedule(this.options.firstDelayMs ?? this.options.intervalMs);
  }

  async stop(): Promise<void> {
    this.stopping = true;
    clearTimeout(this.timer);
    await this.running;
  }

  private schedule(delayMs: number): void {
    if (this.stopping) return;
    this.timer = setTimeout(() => {
      this.running = this.options
        .run()
        .then(
          () => undefined,
          (error: unknown) => {
            this.options.log.warn(
              { database: loggableDatabaseError(error), errorType: (error as Error)?.name },
              `${this.options.name} failed`,
            );
          },
        )
        .finally(() => {
          this.running = undefined;
          this.schedule(this.options.intervalMs);
        });
    }, delayMs);
    this.timer.unref();
  }
}
