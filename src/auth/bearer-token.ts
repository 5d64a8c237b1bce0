import type { Request } from 'express';

const BEARER = /^Bearer ([A-Za-z0-9._~+/=-]+)$/;

/** The credential of `Authorization: Bearer …`, from the header only (never a query string). */
export function bearerToken(request: Request): string | null {
  return BEARER.exec(request.headers.authorization ?? '')?.[1] ?? null;
}
