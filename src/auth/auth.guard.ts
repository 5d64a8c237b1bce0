import { Injectable, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import {
  AuthGuard as PassportAuthGuard,
  type AuthGuardAuthenticateOptions,
} from '@nestjs/passport';
import type { Request, Response } from 'express';
import { AuditService } from '../audit/audit.service';
import type { ApiClientActor, ApiScope, Caller, StaffRole } from '../common/actor/actor';
import {
  HIDDEN_FROM_API_CLIENTS,
  IS_PUBLIC,
  REQUIRED_ROLES,
  REQUIRED_SCOPE,
  STAFF_AUTHOR_ONLY,
} from '../common/actor/decorators';
import { ForbiddenProblem, NotFoundProblem } from '../common/problem/problem';
import { ActorRateLimiter } from '../common/rate-limit/actor-rate-limiter';
import { RequestContext } from '../common/request-context/request-context';
import { API_KEY_STRATEGY } from './api-key.strategy';
import {
  InsufficientScopeProblem,
  StaffAuthorRequiredProblem,
  UnauthenticatedProblem,
} from './auth-errors';
import { bearerToken } from './bearer-token';
import { JWT_STRATEGY } from './jwt-access.strategy';

type AuthenticatedRequest = Request & { actor?: Caller };

// The API-key strategy goes first: it steps aside at once for anything not shaped like a key.
const STRATEGIES = [API_KEY_STRATEGY, JWT_STRATEGY];
const AUTHENTICATE_OPTIONS: AuthGuardAuthenticateOptions = { session: false, property: 'actor' };

/**
 * Default-deny: every route needs a staff access token or an API key (the two passport strategies)
 * unless it is marked `@Public()`. Staff are then held to `@Roles(...)`; an API client to the route's
 * `@Scope(...)`, and a route without one is refused to every API client. Refusals answer 403 and are
 * audited; a route `@HiddenFromApiClients()` answers an API client 404, as if it did not exist.
 */
@Injectable()
export class AuthGuard extends PassportAuthGuard(STRATEGIES) {
  constructor(
    private readonly reflector: Reflector,
    private readonly context: RequestContext,
    private readonly audit: AuditService,
    private readonly rateLimit: ActorRateLimiter,
  ) {
    super();
  }

  override async canActivate(execution: ExecutionContext): Promise<boolean> {
    const targets = [execution.getHandler(), execution.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets)) return true;

    await super.canActivate(execution);
    const http = execution.switchToHttp();
    const request = http.getRequest<AuthenticatedRequest>();
    const actor = request.actor!;
    this.context.actor = actor;
    this.rateLimit.hit(actor.id, http.getResponse<Response>());

    if (actor.kind === 'api_client') {
      await this.permitApiClient(actor, request, targets);
      return true;
    }
    const roles = this.reflector.getAllAndOverride<StaffRole[] | undefined>(
      REQUIRED_ROLES,
      targets,
    );
    if (roles && !roles.includes(actor.role)) {
      await this.deny(request, { requiredRoles: roles.join(',') });
      throw new ForbiddenProblem();
    }
    return true;
  }

  override getAuthenticateOptions(): AuthGuardAuthenticateOptions {
    return AUTHENTICATE_OPTIONS;
  }

  /** Passport's answer: a strategy's own problem, or one 401 whichever part was wrong. */
  override handleRequest<T>(
    error: unknown,
    actor: T,
    _info: unknown,
    execution: ExecutionContext,
  ): T {
    if (error) throw error instanceof Error ? error : new UnauthenticatedProblem();
    if (!actor) {
      const presented = bearerToken(execution.switchToHttp().getRequest<Request>()) !== null;
      throw presented
        ? new UnauthenticatedProblem('The access token is invalid or expired.')
        : new UnauthenticatedProblem();
    }
    return actor;
  }

  private async permitApiClient(
    actor: ApiClientActor,
    request: Request,
    targets: Parameters<Reflector['getAllAndOverride']>[1],
  ): Promise<void> {
    if (this.reflector.getAllAndOverride<boolean>(HIDDEN_FROM_API_CLIENTS, targets)) {
      await this.deny(request, { hiddenFromApiClients: true });
      throw new NotFoundProblem('The record');
    }
    if (this.reflector.getAllAndOverride<boolean>(STAFF_AUTHOR_ONLY, targets)) {
      await this.deny(request, { staffAuthorRequired: true });
      throw new StaffAuthorRequiredProblem();
    }
    const scope = this.reflector.getAllAndOverride<ApiScope | undefined>(REQUIRED_SCOPE, targets);
    if (!scope || !actor.scopes.includes(scope)) {
      await this.deny(request, { requiredScope: scope ?? null });
      throw new InsufficientScopeProblem(scope ?? null);
    }
  }

  private deny(request: Request, metadata: Record<string, string | boolean | null>) {
    return this.audit.record({
      action: 'access_denied',
      resourceType: 'route',
      resourceId: `${request.method} ${(request.route as { path?: string } | undefined)?.path ?? ''}`,
      outcome: 'denied',
      metadata,
    });
  }
}
