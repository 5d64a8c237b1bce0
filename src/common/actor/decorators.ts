import { createParamDecorator, SetMetadata, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import type { StaffActor, StaffRole } from './actor';

export const IS_PUBLIC = 'auth:public';
export const REQUIRED_ROLES = 'auth:roles';

/** The route needs no access token (login, health, public intake form). Everything else does. */
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(IS_PUBLIC, true);

/** Only these staff roles may call the route; others get 403. */
export const Roles = (...roles: StaffRole[]): MethodDecorator & ClassDecorator =>
  SetMetadata(REQUIRED_ROLES, roles);

/** The signed-in staff member (set by the global auth guard). */
export const CurrentActor = createParamDecorator(
  (_data: unknown, context: ExecutionContext): StaffActor => {
    const request = context.switchToHttp().getRequest<Request & { actor?: StaffActor }>();
    if (!request.actor) throw new Error('CurrentActor used on a route without authentication');
    return request.actor;
  },
);
