import { ClsServiceManager } from 'nestjs-cls';
import pino, { type Logger } from 'pino';

/**
 * Paths that may carry secrets or PHI if an object holding them is ever logged by mistake. The
 * first line of defence is not to log request bodies, query strings or database messages at all;
 * this is the second.
 */
const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["idempotency-key"]',
  'res.headers["set-cookie"]',
  '*.password',
  '*.newPassword',
  '*.currentPassword',
  '*.token',
  '*.accessToken',
  '*.refreshToken',
  '*.firstName',
  '*.lastName',
  '*.preferredName',
  '*.dateOfBirth',
  '*.email',
  '*.phone',
  '*.address',
  '*.text',
  '*.content',
];

/** JSON-lines logger; every line made inside a request carries that request's id. */
export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'family-therapy-api' },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      formatters: { level: (label) => ({ level: label }) },
      mixin(mergeObject) {
        // The HTTP logger's lines (see http-logger.ts) carry the request id already.
        if ('res' in mergeObject || 'req' in mergeObject) return {};
        const requestId = currentRequestId();
        return requestId ? { requestId } : {};
      },
    },
    destination,
  );
}

function currentRequestId(): string | undefined {
  try {
    const cls = ClsServiceManager.getClsService();
    return cls.isActive() ? cls.getId() : undefined;
  } catch {
    return undefined;
  }
}
