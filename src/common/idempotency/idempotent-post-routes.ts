import { Injectable, RequestMethod, type Type } from '@nestjs/common';
import { INTERCEPTORS_METADATA, METHOD_METADATA } from '@nestjs/common/constants';
import { MetadataScanner, ModulesContainer } from '@nestjs/core';
import { IdempotencyInterceptor } from './idempotency.interceptor';

/**
 * Puts the idempotency interceptor on every POST handler, and only there. As a global interceptor
 * it wrapped every GET in an Observable pipeline that does nothing for a GET (about 5% of a read's
 * CPU). Runs while Nest creates its providers, before `app.init()` registers the routes, which is
 * when handlers' interceptor metadata is read; the instance is attached, not the class, so Nest
 * needs no provider of it in the controller's module.
 */
@Injectable()
export class IdempotentPostRoutes {
  constructor(modules: ModulesContainer, interceptor: IdempotencyInterceptor) {
    const scanner = new MetadataScanner();
    for (const module of modules.values()) {
      for (const { metatype } of module.controllers.values()) {
        const prototype = (metatype as Type | null)?.prototype as
          Record<string, unknown> | undefined;
        if (!prototype) continue;
        for (const name of scanner.getAllMethodNames(prototype)) {
          const handler = prototype[name] as object;
          if (Reflect.getMetadata(METHOD_METADATA, handler) !== RequestMethod.POST) continue;
          // The metadata is the handler's, shared by every app of the process (tests start
          // several): an earlier app's interceptor is replaced, never run as well.
          const others = (
            (Reflect.getMetadata(INTERCEPTORS_METADATA, handler) ?? []) as unknown[]
          ).filter((attached) => !(attached instanceof IdempotencyInterceptor));
          Reflect.defineMetadata(INTERCEPTORS_METADATA, [interceptor, ...others], handler);
        }
      }
    }
  }
}
