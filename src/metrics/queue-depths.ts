import { Injectable } from '@nestjs/common';

/** Reports how many jobs of one queue wait to run; called at scrape time only. */
export type QueueDepthProbe = () => Promise<number>;

/**
 * The queues whose depth `/metrics` reports as `job_queue_depth{queue}`. A module with a queue
 * (the webhook outbox, housekeeping) registers a probe once at start; the probe runs only when
 * the metrics are scraped, never on the request path.
 */
@Injectable()
export class QueueDepths {
  private readonly probes = new Map<string, QueueDepthProbe>();

  register(queue: string, probe: QueueDepthProbe): void {
    this.probes.set(queue, probe);
  }

  entries(): [string, QueueDepthProbe][] {
    return [...this.probes];
  }
}
