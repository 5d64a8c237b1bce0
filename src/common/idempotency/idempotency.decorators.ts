import { applyDecorators, SetMetadata, type Type } from '@nestjs/common';
import { ApiExtension } from '@nestjs/swagger';
import type { Request } from 'express';

export const IDEMPOTENCY_POLICY = 'idempotency:policy';

/** Whose keys a key belongs to: two owners may use the same key for different requests. */
export interface IdempotencyScope {
  practiceId: string;
  /** The signed-in staff member, or for a public route the credential it is reached by. */
  ownerId: string;
}

/** Finds the scope of a route that has no signed-in caller; undefined lets the route answer. */
export interface IdempotencyScopeResolver {
  resolve(request: Request): Promise<IdempotencyScope | undefined>;
}

export type IdempotencyPolicy =
  | { mode: 'in-service' }
  | { mode: 'not-taken'; reason: string }
  | { mode: 'scoped'; resolver: Type<IdempotencyScopeResolver> };

/** The OpenAPI extension that says why a POST does not take `Idempotency-Key`. */
export const NOT_TAKEN_EXTENSION = 'x-idempotency-key-not-taken';

/**
 * The use case takes the key itself (`IdempotencyService.run` inside its own transaction) and the
 * interceptor stands aside: psychotherapy notes store only the id and re-read the note on a replay;
 * the other routes marked so took their keys this way before the interceptor existed.
 */
export const IdempotencyInService = (): MethodDecorator =>
  SetMetadata(IDEMPOTENCY_POLICY, { mode: 'in-service' } satisfies IdempotencyPolicy);

/** A POST that must not take `Idempotency-Key`; the reason is published in the OpenAPI document. */
export const NoIdempotencyKey = (reason: string): MethodDecorator =>
  applyDecorators(
    SetMetadata(IDEMPOTENCY_POLICY, { mode: 'not-taken', reason } satisfies IdempotencyPolicy),
    ApiExtension(NOT_TAKEN_EXTENSION, { reason }),
  );

/** A creating POST without a signed-in caller: keys belong to what `resolver` finds. */
export const IdempotencyScopedBy = (resolver: Type<IdempotencyScopeResolver>): MethodDecorator =>
  SetMetadata(IDEMPOTENCY_POLICY, { mode: 'scoped', resolver } satisfies IdempotencyPolicy);
