import { tracingEnabled } from './tracing-switch';

/**
 * Imported first by `main.ts`: instrumentation patches `http` and `pg` as they load, so it must
 * be in place before anything else is imported. Reads `OTEL_*` itself for that reason (the
 * validated configuration comes later). With tracing off, OpenTelemetry is not even loaded.
 */
if (tracingEnabled(process.env)) {
  // A synchronous require on purpose: an import() would resolve after pg and http had loaded.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { startTracing } = require('./tracing') as typeof import('./tracing');
  const provider = startTracing();
  // Flush what is buffered when the process ends in order.
  process.once('beforeExit', () => void provider.shutdown());
}
