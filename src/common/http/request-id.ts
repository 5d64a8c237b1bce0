import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';

declare module 'node:http' {
  interface IncomingMessage {
    /** Set by {@link requestIdMiddleware} before anything else reads the request. */
    id: string;
  }
}

export const REQUEST_ID_HEADER = 'X-Request-Id';

// A caller's id is kept only when it is short and plain, so it cannot smuggle text into logs.
const ACCEPTABLE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** Accepts the caller's `X-Request-Id` or makes one, and echoes it on the response. */
export function requestIdMiddleware(
  request: Request,
  response: Response,
  next: NextFunction,
): void {
  const offered = request.headers['x-request-id'];
  const id =
    typeof offered === 'string' && ACCEPTABLE_REQUEST_ID.test(offered) ? offered : randomUUID();
  request.id = id;
  response.setHeader(REQUEST_ID_HEADER, id);
  next();
}
