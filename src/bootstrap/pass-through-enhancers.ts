import type { INestApplication } from '@nestjs/common';
import { ApplicationConfig } from '@nestjs/core';

/**
 * nestjs-cls registers a global guard and a global interceptor even when neither is mounted (this
 * app mounts its middleware instead): plain objects that let everything through. Left in place,
 * every route has an interceptor, so Nest runs every request through an rxjs pipeline for nothing
 * (about 3% of a read's CPU, with the garbage it leaves). Removed here, after `NestFactory.create`
 * has applied the global enhancers and before `app.init()` builds each route's pipeline from them.
 * Only plain objects with that one method go: every enhancer of this app is a class instance.
 */
export function dropPassThroughEnhancers(app: INestApplication): void {
  const config = app.get(ApplicationConfig);
  dropPlain(config.getGlobalInterceptors(), 'intercept');
  dropPlain(config.getGlobalGuards(), 'canActivate');
}

function dropPlain(enhancers: object[], method: string): void {
  for (let index = enhancers.length - 1; index >= 0; index -= 1) {
    const enhancer = enhancers[index]!;
    const keys = Object.keys(enhancer);
    if (
      Object.getPrototypeOf(enhancer) === Object.prototype &&
      keys.length === 1 &&
      keys[0] === method
    )
      enhancers.splice(index, 1);
  }
}
