import { createParamDecorator, SetMetadata, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import type { ApiScope, Caller, StaffActor, StaffRole } from './actor';

export const IS_PUBLIC = 'auth:public';
export const REQUIRED_ROLES = 'auth:roles';
export const REQUIRED_SCOPE = 'auth:scope';
export const HIDDEN_FROM_API_CLIENTS = 'auth:hidden-from-api-clients';
/** Set by `StaffAuthorOnly` (src/auth): a clinician's own act, refused to every API client. */
export const STAFF_AUTHOR_ONLY = 'auth:staff-author-only';

/** The route needs no access token (login, health, public intake form). Everything else does. */
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(IS_PUBLIC, true);

/** Only these staff roles may call the route; others get 403. */
export const Roles = (...roles: StaffRole[]): MethodDecorator & ClassDecorator =>
  SetMetadata(REQUIRED_ROLES, roles);

/**
 * An API client holding this scope may call the route too (staff are decided by `@Roles` alone).
 * A route without one answers 403 to every API client: default deny. Its handler takes the
 * caller with `@CurrentCaller()`, so the compiler makes its service handle both kinds.
 */
export const Scope = (scope: ApiScope): MethodDecorator & ClassDecorator =>
  SetMetadata(REQUIRED_SCOPE, scope);

/**
 * Records no API client may learn exist, whatever its scopes (psychotherapy notes): the route
 * answers them 404, as for a record out of reach, rather than 403.
 */
export const HiddenFromApiClients = (): MethodDecorator & ClassDecorator =>
  SetMetadata(HIDDEN_FROM_API_CLIENTS, true);

type AuthenticatedRequest = Request & { actor?: Caller };

/** The signed-in staff member (set by the global auth guard) on a route API clients cannot call. */
export const CurrentActor = createParamDecorator(
  (_data: unknown, context: ExecutionContext): StaffActor => {
    const actor = context.switchToHttp().getRequest<AuthenticatedRequest>().actor;
    if (!actor) throw new Error('CurrentActor used on a route without authentication');
    // The guard lets an API client through only to a route with @Scope, whose handler uses
    // @CurrentCaller; reaching here with one is a wiring mistake, never a permission to act.
    if (actor.kind !== 'staff') throw new Error('CurrentActor used on a route with @Scope');
    return actor;
  },
);

/** The staff member or API client calling a route marked `@Scope(...)`. */
export const CurrentCaller = createParamDecorator(
  (_data: unknown, context: ExecutionContext): Caller => {
    const actor = context.switchToHttp().getRequest<AuthenticatedRequest>().actor;
    if (!actor) throw new Error('CurrentCaller used on a route without authentication');
    return actor;
  },
);
