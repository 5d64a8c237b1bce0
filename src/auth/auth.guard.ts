import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request, Response } from 'express';
import passport from 'passport';
import { API_KEY_PREFIX } from '../api-clients/api-key';
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

const AUTHENTICATE_OPTIONS: passport.AuthenticateOptions = { session: false };

/** What a route's decorators ask of its callers, read once per route. */
interface RouteRules {
  isPublic: boolean;
  roles: StaffRole[] | undefined;
  hiddenFromApiClients: boolean;
  staffAuthorOnly: boolean;
  scope: ApiScope | undefined;
}

/**
 * Default-deny: every route needs a staff access token or an API key (the two passport strategies)
 * unless it is marked `@Public()`. Staff are then held to `@Roles(...)`; an API client to the route's
 * `@Scope(...)`, and a route without one is refused to every API client. Refusals answer 403 and are
 * audited; a route `@HiddenFromApiClients()` answers an API client 404, as if it did not exist.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly context: RequestContext,
    private readonly audit: AuditService,
    private readonly rateLimit: ActorRateLimiter,
  ) {}

  /**
   * Decorator metadata never changes after start: looked up once per route, not per request. By
   * class, then handler: an inherited handler may serve classes whose own decorators differ.
   */
  private readonly rulesByRoute = new WeakMap<object, WeakMap<object, RouteRules>>();

  async canActivate(execution: ExecutionContext): Promise<boolean> {
    const rules = this.rulesOf(execution);
    if (rules.isPublic) return true;

    const http = execution.switchToHttp();
    const request = http.getRequest<AuthenticatedRequest>();
    const response = http.getResponse<Response>();
    const actor = await this.authenticate(request, response);
    request.actor = actor;
    this.context.actor = actor;
    this.rateLimit.hit(actor.id, response);

    if (actor.kind === 'api_client') {
      await this.permitApiClient(actor, request, rules);
      return true;
    }
    const { roles } = rules;
    if (roles && !roles.includes(actor.role)) {
      await this.deny(request, { requiredRoles: roles.join(',') });
      throw new ForbiddenProblem();
    }
    return true;
  }

  /**
   * Runs the one passport strategy the credential's shape calls for: an API key (`ftk_live_…`)
   * or, for anything else, a staff access token. Tried in turn, every staff request also ran
   * the API-key strategy just to see it step aside.
   */
  private authenticate(request: Request, response: Response): Promise<Caller> {
    const token = bearerToken(request);
    const strategy = token?.startsWith(API_KEY_PREFIX) ? API_KEY_STRATEGY : JWT_STRATEGY;
    return new Promise<Caller>((resolve, reject) => {
      const done = (error: unknown, actor: Caller | false | undefined) => {
        // Passport's answer: a strategy's own problem, or one 401 whichever part was wrong.
        if (error) reject(error instanceof Error ? error : new UnauthenticatedProblem());
        else if (actor) resolve(actor);
        else
          reject(
            token === null
              ? new UnauthenticatedProblem()
              : new UnauthenticatedProblem('The access token is invalid or expired.'),
          );
      };
      const middleware = passport.authenticate(strategy, AUTHENTICATE_OPTIONS, done) as (
        request: Request,
        response: Response,
        next: (error?: unknown) => void,
      ) => void;
      middleware(request, response, (error) => done(error, false));
    });
  }

  private rulesOf(execution: ExecutionContext): RouteRules {
    const [handler, controller] = [execution.getHandler(), execution.getClass()];
    let ofController = this.rulesByRoute.get(controller);
    if (!ofController) this.rulesByRoute.set(controller, (ofController = new WeakMap()));
    let rules = ofController.get(handler);
    if (!rules) {
      const targets = [handler, controller];
      const read = <T>(key: string) => this.reflector.getAllAndOverride<T>(key, targets);
      rules = {
        isPublic: read<boolean | undefined>(IS_PUBLIC) === true,
        roles: read<StaffRole[] | undefined>(REQUIRED_ROLES),
        hiddenFromApiClients: read<boolean | undefined>(HIDDEN_FROM_API_CLIENTS) === true,
        staffAuthorOnly: read<boolean | undefined>(STAFF_AUTHOR_ONLY) === true,
        scope: read<ApiScope | undefined>(REQUIRED_SCOPE),
      };
      ofController.set(handler, rules);
    }
    return rules;
  }

  private async permitApiClient(
    actor: ApiClientActor,
    request: Request,
    rules: RouteRules,
  ): Promise<void> {
    if (rules.hiddenFromApiClients) {
      await this.deny(request, { hiddenFromApiClients: true });
      throw new NotFoundProblem('The record');
    }
    if (rules.staffAuthorOnly) {
      await this.deny(request, { staffAuthorRequired: true });
      throw new StaffAuthorRequiredProblem();
    }
    const { scope } = rules;
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
