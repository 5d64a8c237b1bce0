import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { Level, Logger } from 'pino';

// Paths that carry a secret of their own (a calendar feed's or an intake link's token is its only
// credential).
const SECRET_PATHS: [RegExp, string][] = [
  [/(\/calendar-feeds\/)[^/]+\.ics\/?$/, '$1[redacted].ics'],
  [/(\/intake\/)[^/]+\/?$/, '$1[redacted]'],
];

/** The request path as it may be logged: no query string, no secrets. */
export function loggablePath(url: string): string {
  const path = url.split('?')[0] ?? '';
  return SECRET_PATHS.reduce(
    (current, [pattern, replacement]) => current.replace(pattern, replacement),
    path,
  );
}

function levelOf(statusCode: number, error: Error | undefined): Level {
  return error || statusCode >= 500 ? 'error' : statusCode >= 400 ? 'warn' : 'info';
}

/**
 * One log line per request: request id, method, route path (never the query string, which can
 * carry names being searched), status, duration and, for a failure, the error's type only. Bodies
 * are never logged. Written instead of pino-http, which made two child loggers (and serialised the
 * request into their bindings) on every request even when its line would not be written: at
 * `LOG_LEVEL=warn` a successful request now costs a clock read and one listener, nothing more.
 */
export function httpLogger(logger: Logger): RequestHandler {
  return (request: Request, response: Response, next: NextFunction): void => {
    const started = Date.now();
    const ignored = request.url.startsWith('/health/');
    let done = false;
    const complete = (error?: Error): void => {
      if (done) return;
      done = true;
      response.removeListener('close', onEnd);
      response.removeListener('finish', onEnd);
      response.removeListener('error', complete);
      if (ignored && !error) return;
      const level = levelOf(response.statusCode, error);
      if (!logger.isLevelEnabled(level)) return;
      const failed = error !== undefined || response.statusCode >= 500;
      logger[level](
        {
          requestId: request.id,
          req: { method: request.method, path: loggablePath(request.originalUrl || request.url) },
          res: { statusCode: response.statusCode },
          ...(failed ? { err: { type: error ? error.constructor.name : 'Error' } } : {}),
          responseTime: Date.now() - started,
        },
        failed ? 'request errored' : 'request completed',
      );
    };
    const onEnd = (): void => complete();
    if (!ignored) {
      response.on('close', onEnd);
      response.on('finish', onEnd);
    }
    response.on('error', complete);
    next();
  };
}
