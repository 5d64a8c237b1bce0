import type { IncomingMessage, ServerResponse } from 'node:http';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import helmet, { type HelmetOptions } from 'helmet';

/**
 * Helmet's headers, worked out once by running helmet against a recording response at start, then
 * set on every response in one pass. With static options (no per-request nonce) they depend on
 * nothing in the request, and helmet's chain of a dozen middleware functions per request was pure
 * overhead. Fails at start if a directive is a function, or helmet calls back with an error.
 */
export function securityHeaders(options: HelmetOptions): RequestHandler {
  const csp = options.contentSecurityPolicy;
  const directives = typeof csp === 'object' ? Object.values(csp.directives ?? {}) : [];
  // A directive computed per response (a nonce) would be computed once here and then frozen.
  if (directives.flat().some((value) => typeof value === 'function'))
    throw new Error('securityHeaders takes only static directives');
  const headers: [string, string][] = [];
  const removed: string[] = [];
  const recorder = {
    setHeader(name: string, value: string | number | readonly string[]) {
      headers.push([name, String(value)]);
      return recorder;
    },
    removeHeader(name: string) {
      removed.push(name);
    },
  };
  let finished = false;
  helmet(options)(
    {} as IncomingMessage,
    recorder as unknown as ServerResponse,
    (error?: unknown) => {
      if (error) throw error instanceof Error ? error : new Error('helmet failed at start');
      finished = true;
    },
  );
  if (!finished) throw new Error('helmet did not finish synchronously');
  return (_request: Request, response: Response, next: NextFunction): void => {
    for (const name of removed) response.removeHeader(name);
    for (const [name, value] of headers) response.setHeader(name, value);
    next();
  };
}
