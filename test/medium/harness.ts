import type { INestApplicationContext } from '@nestjs/common';
import { ClsService } from 'nestjs-cls';
import type { Actor } from '../../src/common/actor/actor';
import { RequestContext } from '../../src/common/request-context/request-context';

/**
 * Runs `work` as if inside a request made by `actor`, without HTTP: services find the actor (and
 * the audit trail its name) in the request context, as the auth guard would have left it.
 */
export function runAs<T>(
  app: INestApplicationContext,
  actor: Actor,
  work: () => Promise<T>,
): Promise<T> {
  const cls = app.get(ClsService);
  return cls.run(() => {
    app.get(RequestContext).actor = actor;
    return work();
  });
}
