import type { Server } from 'node:http';
import type { INestApplication } from '@nestjs/common';
import type { Logger } from 'pino';
import type { DatabaseServer } from '../database/database-server';
import { ShutdownState } from '../health/shutdown-state';
import { HttpDrain } from './http-drain';

const HARD_STOP_MS = 30_000;

/**
 * SIGTERM / SIGINT stop the API in order: readiness answers 503 first and every response asks its
 * client to close the connection; after the configured drain delay (for load balancers) the HTTP
 * server stops accepting, lets in-flight requests finish and closes idle keep-alive connections
 * (see {@link HttpDrain}); then the pool closes, and last the embedded database stops with a clean
 * checkpoint. Must be installed before `listen`, so that every connection is tracked.
 */
export function installShutdownHandlers(
  app: INestApplication,
  database: DatabaseServer,
  logger: Logger,
  drainMs: number,
): void {
  const http = new HttpDrain(app.getHttpServer() as Server);
  let stopping = false;
  const stop = async (signal: NodeJS.Signals): Promise<void> => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    const hardStop = setTimeout(() => {
      logger.error('shutdown took too long; exiting');
      process.exit(1);
    }, HARD_STOP_MS);
    hardStop.unref();
    try {
      app.get(ShutdownState).beginDrain();
      http.beginDrain();
      if (drainMs > 0) await new Promise((resolve) => setTimeout(resolve, drainMs));
      // Before app.close(): Nest runs the modules' destroy hooks before it closes the server.
      await http.close();
      logger.info('HTTP server closed; in-flight requests done');
      await app.close();
      logger.info('application closed; stopping the database');
      await database.stop();
      logger.info('stopped cleanly');
      process.exit(0);
    } catch (error) {
      logger.error({ err: { type: (error as Error).name } }, 'shutdown failed');
      process.exit(1);
    }
  };
  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.once('SIGINT', () => void stop('SIGINT'));
}
