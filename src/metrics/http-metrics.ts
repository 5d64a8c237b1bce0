import type { NextFunction, Request, Response } from 'express';
import type { Histogram } from 'prom-client';

/** Requests that matched no route share one label: scanners must not grow the label set. */
export const UNMATCHED_ROUTE = 'unmatched';

/**
 * Times every request into `http_request_duration_seconds`, labelled by the route's template
 * (`/api/v1/clients/:id`, never the URL: ids are not labels, and a URL may carry PHI in its query)
 * and by status. The work per request is a clock read and one observation at the end.
 */
export function httpMetricsMiddleware(histogram: Histogram<'method' | 'route' | 'status_code'>) {
  return (request: Request, response: Response, next: NextFunction): void => {
    const started = process.hrtime.bigint();
    response.once('finish', () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const route = (request.route as { path?: unknown } | undefined)?.path;
      histogram.observe(
        {
          method: request.method,
          // Nest answers unknown paths from a catch-all route (`*path`).
          route: typeof route === 'string' && !route.startsWith('*') ? route : UNMATCHED_ROUTE,
          status_code: response.statusCode,
        },
        seconds,
      );
    });
    next();
  };
}
