import {
  Global,
  Module,
  RequestMethod,
  type CallHandler,
  type ExecutionContext,
  type NestInterceptor,
  type Type,
} from '@nestjs/common';
import { INTERCEPTORS_METADATA, METHOD_METADATA } from '@nestjs/common/constants';
import { HttpAdapterHost, MetadataScanner, ModulesContainer } from '@nestjs/core';
import type { Request } from 'express';
import type { Observable } from 'rxjs';
import { IdempotencyInterceptor } from './idempotency.interceptor';
import { IdempotencyService } from './idempotency.service';

/** Each application's interceptor, by the Express application its requests arrive on. */
const interceptors = new WeakMap<object, IdempotencyInterceptor>();

/**
 * What the POST handlers carry. Handlers are shared by every application built in the process
 * (tests build several), so it hands each request to its own application's interceptor.
 */
const onCreatingRoutes: NestInterceptor = {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const own = interceptors.get(context.switchToHttp().getRequest<Request>().app);
    if (!own) throw new Error('no idempotency interceptor for this application');
    return own.intercept(context, next);
  },
};

/** `Idempotency-Key` on every creating POST (the interceptor), and the service it runs on. */
@Global()
@Module({
  providers: [IdempotencyService, IdempotencyInterceptor],
  exports: [IdempotencyService],
})
export class IdempotencyModule {
  /**
   * Puts the interceptor on every POST handler of every controller, so that no route has to
   * remember it, rather than on every route: a global interceptor wraps each request of every
   * method in observables (rxjs) only to let all but POSTs through, ~4% of a read's CPU. Done
   * while the application is built, before the router reads each handler's interceptors.
   */
  constructor(
    modules: ModulesContainer,
    adapter: HttpAdapterHost,
    interceptor: IdempotencyInterceptor,
  ) {
    interceptors.set(adapter.httpAdapter.getInstance<object>(), interceptor);
    const scanner = new MetadataScanner();
    for (const module of modules.values()) {
      for (const { metatype } of module.controllers.values()) {
        const prototype = (metatype as Type | undefined)?.prototype as
          Record<string, unknown> | undefined;
        if (!prototype) continue;
        for (const name of scanner.getAllMethodNames(prototype)) {
          const handler = prototype[name] as object;
          if (Reflect.getMetadata(METHOD_METADATA, handler) !== RequestMethod.POST) continue;
          const own = (Reflect.getMetadata(INTERCEPTORS_METADATA, handler) ?? []) as unknown[];
          if (own.includes(onCreatingRoutes)) continue;
          Reflect.defineMetadata(INTERCEPTORS_METADATA, [onCreatingRoutes, ...own], handler);
        }
      }
    }
  }
}
