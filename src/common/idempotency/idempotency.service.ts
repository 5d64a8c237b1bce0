import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import type { StaffActor } from '../actor/actor';
import { COMMON_ERRORS } from '../problem/common-errors';
import { UnprocessableProblem, ValidationProblem } from '../problem/problem';
import type { IdempotencyScope } from './idempotency.decorators';

const KEY_FORMAT = /^[A-Za-z0-9._:-]{1,200}$/;

/** What a creating use case answered: replayed as is when the same request comes again. */
export interface CreatedResponse<T> {
  body: T;
  etag?: string;
  location?: string;
}

export class IdempotencyKeyReusedProblem extends UnprocessableProblem {
  constructor() {
    super(
      COMMON_ERRORS.idempotencyKeyReused,
      'This Idempotency-Key was already used with a different request body. Use a new key for a new request.',
      [{ field: 'Idempotency-Key', message: 'was used with a different request' }],
    );
  }
}

/**
 * `Idempotency-Key` for creating POSTs. Must run inside the use case's transaction: the key row is
 * inserted first, so a concurrent retry with the same key waits on it and then replays the first
 * answer; a failed attempt rolls the key back with everything else, so a retry runs afresh.
 */
@Injectable()
export class IdempotencyService {
  constructor(private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>) {}

  run<T>(
    actor: StaffActor,
    key: string | undefined,
    request: unknown,
    create: () => Promise<CreatedResponse<T>>,
  ): Promise<CreatedResponse<T> & { replayed: boolean }> {
    return this.runScoped(
      { practiceId: actor.practiceId, ownerId: actor.id },
      key,
      request,
      create,
    );
  }

  /** As {@link run}, for keys owned by something other than a signed-in staff member. */
  async runScoped<T>(
    scope: IdempotencyScope,
    key: string | undefined,
    request: unknown,
    create: () => Promise<CreatedResponse<T>>,
  ): Promise<CreatedResponse<T> & { replayed: boolean }> {
    if (key === undefined) return { ...(await create()), replayed: false };
    if (!KEY_FORMAT.test(key)) {
      throw new ValidationProblem([
        { field: 'Idempotency-Key', message: 'must be 1-200 letters, digits or ._:-' },
      ]);
    }
    const requestHash = createHash('sha256').update(canonicalJson(request)).digest();
    const inserted = await this.txHost.tx.query<unknown[]>(
      `INSERT INTO idempotency_keys (practice_id, actor_id, key, request_hash) VALUES ($1, $2, $3, $4)
       ON CONFLICT DO NOTHING RETURNING key`,
      [scope.practiceId, scope.ownerId, key, requestHash],
    );
    if (inserted.length === 0) {
      const [stored] = await this.txHost.tx.query<
        { request_hash: Buffer; response_body: StoredResponse<T> }[]
      >(
        `SELECT request_hash, response_body FROM idempotency_keys WHERE practice_id = $1 AND actor_id = $2 AND key = $3`,
        [scope.practiceId, scope.ownerId, key],
      );
      if (!stored || !stored.request_hash.equals(requestHash))
        throw new IdempotencyKeyReusedProblem();
      return { ...fromStored(stored.response_body), replayed: true };
    }
    const response = await create();
    await this.txHost.tx.query(
      `UPDATE idempotency_keys SET status_code = 201, response_body = $4
        WHERE practice_id = $1 AND actor_id = $2 AND key = $3`,
      [scope.practiceId, scope.ownerId, key, JSON.stringify(toStored(response))],
    );
    return { ...response, replayed: false };
  }
}

/**
 * The answer as stored. The body is kept as the JSON text it was sent as: jsonb reorders object
 * keys, and a replay should be the same bytes as the first answer. Keys stored before this shape
 * (`body` as jsonb) still replay, within their 24 hours.
 */
type StoredResponse<T> = Omit<CreatedResponse<T>, 'body'> & { json?: string; body?: T };

function toStored<T>({ body, ...headers }: CreatedResponse<T>): StoredResponse<T> {
  return { ...headers, json: JSON.stringify(body) };
}

function fromStored<T>({ json, body, ...headers }: StoredResponse<T>): CreatedResponse<T> {
  return { ...headers, body: json === undefined ? (body as T) : (JSON.parse(json) as T) };
}

/** JSON with object keys sorted, so that the same request always hashes the same. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, inner: unknown) =>
    inner && typeof inner === 'object' && !Array.isArray(inner)
      ? Object.fromEntries(Object.entries(inner).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : inner,
  );
}
