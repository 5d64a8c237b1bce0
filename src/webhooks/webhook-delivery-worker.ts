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
import { WebhookDeliveryService } from './webhook-delivery.service';

/**
 * Looks for due webhook deliveries every `WEBHOOK_POLL_INTERVAL_MS` (0 turns it off) in every API
 * process; claiming with SKIP LOCKED keeps replicas from sending the same delivery. Shutdown lets
 * the batch in flight finish (each send is bounded by its timeout) and claims nothing more.
 */
@Injectable()
export class WebhookDeliveryWorker implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly task: RepeatingTask;

  constructor(
    deliveries: WebhookDeliveryService,
    config: AppConfig,
    @Inject(APP_LOGGER) logger: Logger,
    queues: QueueDepths,
  ) {
    // Reported by every process, the worker on or off: the outbox is one queue for all of them.
    queues.register('webhooks', () => deliveries.dueCount());
    const log = logger.child({ component: 'webhooks' });
    this.task = new RepeatingTask({
      name: 'webhook delivery',
      intervalMs: config.webhooks.pollIntervalMs,
      log,
      run: async () => {
        const sent = await deliveries.deliverDue(() => this.task.stopped);
        if (sent > 0) log.debug({ sent }, 'webhook deliveries attempted');
      },
    });
  }

  onApplicationBootstrap(): void {
    this.task.start();
  }

  beforeApplicationShutdown(): Promise<void> {
    return this.task.stop();
  }
}
