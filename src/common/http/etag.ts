import { COMMON_ERRORS } from '../problem/common-errors';
import { ProblemError } from '../problem/problem';

/** Strong ETag of a versioned record: changes whenever the record changes. */
export function etagOf(id: string, version: number): string {
  return `"${id}.${version}"`;
}

export class PreconditionFailedProblem extends ProblemError {
  constructor() {
    super({
      problem: COMMON_ERRORS.preconditionFailed,
      detail:
        'The record has changed since you read it (If-Match does not match its ETag). Reload and retry.',
    });
  }
}

/**
 * Honours `If-Match`: returns the version the caller saw (to be used in `WHERE version = $n`, so a
 * concurrent write between the check and the update still fails), or undefined without the header.
 * Throws 412 when the header names another version.
 */
export function expectedVersion(
  ifMatch: string | undefined,
  id: string,
  current: number,
): number | undefined {
  if (ifMatch === undefined) return undefined;
  assertIfMatch(ifMatch, etagOf(id, current));
  return current;
}

/**
 * Honours `If-Match` against any ETag (one derived from the record's content, for a table without
 * a version column): 412 when the header names none of it; nothing without the header. Call it
 * with the record locked, so that no write slips in between the check and the update.
 */
export function assertIfMatch(ifMatch: string | undefined, etag: string): void {
  if (ifMatch === undefined) return;
  const tags = ifMatch.split(',').map((tag) => tag.trim().replace(/^W\//, ''));
  if (!tags.includes('*') && !tags.includes(etag)) throw new PreconditionFailedProblem();
}

/** A resource view with the ETag of the version it shows. */
export interface Versioned<T> {
  view: T;
  etag: string;
}

/** Sets the `ETag` header and answers with the view: how controllers return a versioned resource. */
export function withEtag<T>(
  response: { setHeader(name: string, value: string): unknown },
  versioned: Versioned<T>,
): T {
  response.setHeader('ETag', versioned.etag);
  return versioned.view;
}
