import { Injectable, RequestMethod, type Type } from '@nestjs/common';
import { INTERCEPTORS_METADATA, METHOD_METADATA } from '@nestjs/common/constants';
import { MetadataScanner, ModulesContainer } from '@nestjs/core';
import { IdempotencyInterceptor } from './idempotency.interceptor';

/** Every POST handler of every controller the app has: the functions its routes call. */
export function postHandlers(modules: ModulesContainer): object[] {
  const scanner = new MetadataScanner();
  return [...modules.values()].flatMap((module) =>
    [...module.controllers.values()].flatMap(({ metatype }) => {
      const prototype = (metatype as Type | null)?.prototype as Record<string, object> | undefined;
      if (!prototype) return [];
      return scanner
        .getAllMethodNames(prototype)
        .map((name) => prototype[name]!)
        .filter((handler) => Reflect.getMetadata(METHOD_METADATA, handler) === RequestMethod.POST);
    }),
  );
}

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
    for (const handler of postHandlers(modules)) {
      // The metadata is the handler's, shared by every app of the process (tests start
      // several): an earlier app's interceptor is replaced, never run as well.
      const others = (
        (Reflect.getMetadata(INTERCEPTORS_METADATA, handler) ?? []) as unknown[]
      ).filter((attached) => !(attached instanceof IdempotencyInterceptor));
      Reflect.defineMetadata(INTERCEPTORS_METADATA, [interceptor, ...others], handler);
    }
  }
}
