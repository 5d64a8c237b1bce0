import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Request, Response } from 'express';
import type { Pool } from 'pg';
import { Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { DataSource } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';
import { AuditSealLag, type SealLag } from '../audit/audit-seal-lag';
import { AppConfig } from '../config/app-config';
import { QueueDepths } from './queue-depths';

export type HttpDurationLabels = 'method' | 'route' | 'status_code';

/**
 * The process's Prometheus metrics, on a registry of its own (two apps in one test process, as
 * replicas, never share counters). Only counts, durations and route templates: nothing that
 * names a person, a client or a record. Everything but the request histogram is read when
 * scraped, so the request path pays one observation and nothing else.
 */
@Injectable()
export class AppMetrics {
  readonly registry = new Registry();
  readonly httpDuration: Histogram<HttpDurationLabels>;
  readonly enabled: boolean;
  /** True when `/metrics` is served on the API's own port (no `METRICS_PORT`). */
  readonly onApiPort: boolean;

  constructor(
    config: AppConfig,
    @InjectDataSource() dataSource: DataSource,
    sealLag: AuditSealLag,
    queues: QueueDepths,
  ) {
    this.enabled = config.metrics.enabled;
    this.onApiPort = this.enabled && config.metrics.port === undefined;
    this.httpDuration = new Histogram({
      name: 'http_request_duration_seconds',
      help: 'HTTP requests by method, route template and status',
      labelNames: ['method', 'route', 'status_code'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [this.registry],
    });
    if (!this.enabled) return;
    // Includes nodejs_eventloop_lag_seconds and its percentiles.
    collectDefaultMetrics({ register: this.registry });
    const pool = () => (dataSource.driver as PostgresDriver).master as Pool | undefined;
    new Gauge({
      name: 'db_pool_connections_in_use',
      help: 'Database connections of this process checked out of the pool',
      registers: [this.registry],
      collect() {
        const current = pool();
        this.set(current ? current.totalCount - current.idleCount : 0);
      },
    });
    new Gauge({
      name: 'db_pool_waiting_requests',
      help: 'Requests of this process waiting for a free database connection',
      registers: [this.registry],
      collect() {
        this.set(pool()?.waitingCount ?? 0);
      },
    });
    // Both audit gauges come from one query per scrape: the registry collects every metric at
    // once, so the second caller shares the first one's measurement.
    let measuring: Promise<SealLag | undefined> | undefined;
    const measureLag = () =>
      (measuring ??= sealLag
        .measure()
        // A database that does not answer leaves the gauges as they were.
        .catch(() => undefined)
        .finally(() => (measuring = undefined)));
    new Gauge({
      name: 'audit_events_unsealed',
      help: 'Audit events recorded but not yet linked into their hash chain (among the latest 10,000)',
      registers: [this.registry],
      async collect() {
        const lag = await measureLag();
        if (lag) this.set(lag.unsealed);
      },
    });
    new Gauge({
      name: 'audit_seal_lag_seconds',
      help: 'Age of the oldest audit event not yet linked into its hash chain',
      registers: [this.registry],
      async collect() {
        const lag = await measureLag();
        if (lag) this.set(lag.oldestSeconds);
      },
    });
    new Gauge({
      name: 'job_queue_depth',
      help: 'Jobs waiting in each background queue',
      labelNames: ['queue'],
      registers: [this.registry],
      async collect() {
        for (const [queue, probe] of queues.entries()) {
          const depth = await probe().catch(() => undefined);
          if (depth !== undefined) this.set({ queue }, depth);
        }
      },
    });
  }

  /** Express handler answering the scrape in Prometheus' text format. */
  readonly handler = async (_request: Request, response: Response): Promise<void> => {
    const body = await this.registry.metrics();
    response.setHeader('Content-Type', this.registry.contentType);
    response.setHeader('Cache-Control', 'no-store');
    response.end(body);
  };
}
