import type { RequestHandler } from 'express';
import type { Logger } from 'pino';
import { pinoHttp } from 'pino-http';

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

/**
 * One log line per request: method, route path (never the query string, which can carry names
 * being searched), status and duration. Bodies are never logged.
 */
export function httpLogger(logger: Logger): RequestHandler {
  return pinoHttp({
    logger,
    genReqId: (request) => request.id,
    customAttributeKeys: { reqId: 'requestId' },
    quietReqLogger: true,
    customLogLevel: (_request, response, error) =>
      error || response.statusCode >= 500 ? 'error' : response.statusCode >= 400 ? 'warn' : 'info',
    serializers: {
      req: (request: { method: string; url: string }) => ({
        method: request.method,
        path: loggablePath(request.url),
      }),
      res: (response: { statusCode: number }) => ({ statusCode: response.statusCode }),
      err: (error: { type?: string }) => ({ type: error.type }),
    },
    autoLogging: { ignore: (request) => request.url?.startsWith('/health/') ?? false },
  }) as RequestHandler;
}
