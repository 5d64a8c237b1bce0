import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request, Response } from 'express';
import { AuditService } from '../audit/audit.service';
import { ForbiddenProblem } from '../common/problem/problem';
import { ActorRateLimiter } from '../common/rate-limit/actor-rate-limiter';
import { RequestContext } from '../common/request-context/request-context';
import type { StaffActor, StaffRole } from '../common/actor/actor';
import { UnauthenticatedProblem } from './auth-errors';
import { IS_PUBLIC, REQUIRED_ROLES } from '../common/actor/decorators';
import { TokenService } from './token.service';

const BEARER = /^Bearer ([A-Za-z0-9._~+/=-]+)$/;

/**
 * Default-deny: every route needs a valid access token unless it is marked `@Public()`, and a
 * route marked `@Roles(...)` answers 403 (audited) to any other role.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly tokens: TokenService,
    private readonly context: RequestContext,
    private readonly audit: AuditService,
    private readonly rateLimit: ActorRateLimiter,
  ) {}

  async canActivate(execution: ExecutionContext): Promise<boolean> {
    const targets = [execution.getHandler(), execution.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets)) return true;

    const request = execution.switchToHttp().getRequest<Request & { actor?: StaffActor }>();
    const match = BEARER.exec(request.headers.authorization ?? '');
    if (!match?.[1]) throw new UnauthenticatedProblem();
    const actor = await this.tokens.authenticate(match[1]);
    request.actor = actor;
    this.context.actor = actor;
    this.rateLimit.hit(actor.id, execution.switchToHttp().getResponse<Response>());

    const roles = this.reflector.getAllAndOverride<StaffRole[] | undefined>(
      REQUIRED_ROLES,
      targets,
    );
    if (roles && !roles.includes(actor.role)) {
      await this.audit.record({
        action: 'access_denied',
        resourceType: 'route',
        resourceId: `${request.method} ${(request.route as { path?: string } | undefined)?.path ?? ''}`,
        outcome: 'denied',
        metadata: { requiredRoles: roles.join(',') },
      });
      throw new ForbiddenProblem();
    }
    return true;
  }
}
