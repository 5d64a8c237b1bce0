import { createServer, type Server, type ServerResponse } from 'node:http';
import {
  Inject,
  Injectable,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import type { Logger } from 'pino';
import { ProblemError } from '../common/problem/problem';
import { AppConfig } from '../config/app-config';
import { APP_LOGGER } from '../config/config.module';
import { ReadinessService } from '../health/readiness.service';
import { AppMetrics } from './app-metrics';

/**
 * With `METRICS_PORT`, a port of its own for operators: `/metrics` and `/health/ready` with its
 * details. It is meant to be reachable from the monitoring network only, which is why it shows
 * the details without a token; the API's port then serves neither.
 */
@Injectable()
export class OperationsServer implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private server?: Server;

  constructor(
    private readonly config: AppConfig,
    private readonly metrics: AppMetrics,
    private readonly readiness: ReadinessService,
    @Inject(APP_LOGGER) private readonly logger: Logger,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const { enabled, port } = this.config.metrics;
    if (!enabled || port === undefined) return;
    const server = createServer((request, response) => {
      void this.answer(request.method, request.url, response);
    });
    await new Promise<void>((listening, failed) => {
      server.once('error', failed);
      server.listen(port, this.config.host, listening);
    });
    this.server = server;
    this.logger.info({ port }, 'operations port listening (/metrics, /health/ready)');
  }

  async beforeApplicationShutdown(): Promise<void> {
    const server = this.server;
    if (!server) return;
    server.closeAllConnections();
    await new Promise((closed) => server.close(closed));
  }

  private async answer(
    method: string | undefined,
    url: string | undefined,
    response: ServerResponse,
  ): Promise<void> {
    const path = url?.split('?')[0];
    response.setHeader('Cache-Control', 'no-store');
    if (method !== 'GET' || (path !== '/metrics' && path !== '/health/ready')) {
      response.writeHead(404).end();
      return;
    }
    try {
      if (path === '/metrics') {
        const body = await this.metrics.registry.metrics();
        response.writeHead(200, { 'Content-Type': this.metrics.registry.contentType }).end(body);
        return;
      }
      const details = await this.readiness.check(this.config.version, true);
      response.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify(details));
    } catch (error) {
      // Our own problems say why in words chosen for it; anything else (a driver error) might
      // name a host or a role, so it is only classed.
      const detail = error instanceof ProblemError ? error.message : 'The database did not answer.';
      response.writeHead(503, { 'Content-Type': 'application/json' });
      response.end(JSON.stringify({ status: 'unavailable', detail }));
    }
  }
}
