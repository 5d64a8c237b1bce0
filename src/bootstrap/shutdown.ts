import type { INestApplication } from '@nestjs/common';
import type { Logger } from 'pino';
import type { DatabaseServer } from '../database/database-server';
import { ShutdownState } from '../health/shutdown-state';

const HARD_STOP_MS = 30_000;

/**
 * SIGTERM / SIGINT stop the API in order: readiness answers 503 first, then (after the configured
 * drain delay, for load balancers) the HTTP server stops accepting and lets in-flight requests
 * finish, the pool closes, and last the embedded database stops with a clean checkpoint.
 */
export function installShutdownHandlers(
  app: INestApplication,
  database: DatabaseServer,
  logger: Logger,
  drainMs: number,
): void {
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
      if (drainMs > 0) await new Promise((resolve) => setTimeout(resolve, drainMs));
      await app.close();
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
