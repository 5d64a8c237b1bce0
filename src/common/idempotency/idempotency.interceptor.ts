import {
  Injectable,
  type CallHandler,
  type ExecutionContext,
  type NestInterceptor,
} from '@nestjs/common';
import { HTTP_CODE_METADATA } from '@nestjs/common/constants';
import { ModuleRef, Reflector } from '@nestjs/core';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import type { Request, Response } from 'express';
import { defaultIfEmpty, from, lastValueFrom, type Observable } from 'rxjs';
import type { StaffActor } from '../actor/actor';
import {
  IDEMPOTENCY_POLICY,
  type IdempotencyPolicy,
  type IdempotencyScope,
} from './idempotency.decorators';
import { IdempotencyService } from './idempotency.service';

/** Answer headers a replay repeats: what the client needs to find what it created. */
const REPLAYED_HEADERS = { etag: 'ETag', location: 'Location' } as const;

/**
 * `Idempotency-Key` for every creating POST (a POST answering 201), so no route has to remember
 * it. The key row and the use case share one transaction, opened here: the use case's own
 * `withTransaction` joins it, so a failed attempt leaves no key behind and a concurrent retry
 * waits on the key row, then replays. Keys belong to the practice and the signed-in caller, or to
 * what a public route's `@IdempotencyScopedBy` resolver finds.
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  constructor(
    private readonly reflector: Reflector,
    private readonly moduleRef: ModuleRef,
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly idempotency: IdempotencyService,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const request = context.switchToHttp().getRequest<Request & { actor?: StaffActor }>();
    const key = request.get('idempotency-key');
    if (request.method !== 'POST' || key === undefined) return next.handle();
    const handler = context.getHandler();
    // A POST with its own @HttpCode acts on something that exists; only 201s create.
    if (this.reflector.get(HTTP_CODE_METADATA, handler) !== undefined) return next.handle();
    const policy = this.reflector.get<IdempotencyPolicy | undefined>(IDEMPOTENCY_POLICY, handler);
    if (policy && policy.mode !== 'scoped') return next.handle();
    return from(this.replayOrCreate(context, request, key, policy, next));
  }

  private async replayOrCreate(
    context: ExecutionContext,
    request: Request & { actor?: StaffActor },
    key: string,
    policy: IdempotencyPolicy | undefined,
    next: CallHandler,
  ): Promise<unknown> {
    const handle = () => lastValueFrom(next.handle().pipe(defaultIfEmpty(undefined)));
    const scope: IdempotencyScope | undefined =
      policy?.mode === 'scoped'
        ? await this.moduleRef.get(policy.resolver, { strict: false }).resolve(request)
        : request.actor && { practiceId: request.actor.practiceId, ownerId: request.actor.id };
    if (!scope) return handle();
    const response = context.switchToHttp().getResponse<Response>();
    // The route pattern and its parameters are part of the request: the same key and body sent to
    // another client's route is another request.
    const fingerprint = {
      route: (request.route as { path?: string } | undefined)?.path ?? request.path,
      params: request.params,
      body: request.body as unknown,
    };
    const outcome = await this.txHost.withTransaction(() =>
      this.idempotency.runScoped(scope, key, fingerprint, async () => {
        const body: unknown = await handle();
        return {
          body,
          etag: headerOf(response, REPLAYED_HEADERS.etag),
          location: headerOf(response, REPLAYED_HEADERS.location),
        };
      }),
    );
    if (outcome.replayed) {
      if (outcome.etag) response.setHeader(REPLAYED_HEADERS.etag, outcome.etag);
      if (outcome.location) response.setHeader(REPLAYED_HEADERS.location, outcome.location);
      response.setHeader('Idempotency-Replayed', 'true');
    }
    return outcome.body;
  }
}

function headerOf(response: Response, name: string): string | undefined {
  const value = response.getHeader(name);
  return value === undefined ? undefined : String(value);
}
