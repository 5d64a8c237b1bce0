import { RequestMethod } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { Application, NextFunction, Request, Response } from 'express';
import { AppModule, type AppModuleOptions } from '../app.module';
import { requestIdMiddleware } from '../common/http/request-id';
import { securityHeaders } from '../common/http/security-headers';
import { httpLogger } from '../common/logging/http-logger';
import { NestPinoLogger } from '../common/logging/nest-logger';
import { ProblemDetailsFilter } from '../common/problem/problem-details.filter';
import { AppValidationPipe } from '../common/validation/validation.pipe';
import { AppMetrics } from '../metrics/app-metrics';
import { httpMetricsMiddleware } from '../metrics/http-metrics';
import { setupOpenApi } from './openapi';
import { dropPassThroughEnhancers } from './pass-through-enhancers';

export const API_PREFIX = 'api/v1';
export const BODY_LIMIT = '1mb';

/**
 * Helmet's default policy, less `upgrade-insecure-requests`: served over plain HTTP on any host
 * but localhost (a container behind `docker-compose`, a colleague's machine), it makes the browser
 * fetch Swagger UI's scripts and styles over HTTPS, which nothing answers, and the page stays
 * blank. TLS belongs to whatever terminates it in front of the API, which can add the directive.
 */
export const CONTENT_SECURITY_DIRECTIVES = { 'upgrade-insecure-requests': null };

/** Builds the fully configured application; used by `main.ts` and by the e2e tests alike. */
export async function createApp(options: AppModuleOptions): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(options), {
    logger: new NestPinoLogger(options.logger),
    bodyParser: false,
    abortOnError: false,
  });
  const { config, logger } = options;
  dropPassThroughEnhancers(app);

  app.set('trust proxy', config.trustProxy);
  app.disable('x-powered-by');
  const metrics = app.get(AppMetrics);
  if (metrics.enabled) app.use(httpMetricsMiddleware(metrics.httpDuration));
  // Before Nest's routes and outside the API prefix; no token (Prometheus scrapes it as is).
  if (metrics.onApiPort)
    (app.getHttpAdapter().getInstance() as Application).get('/metrics', metrics.handler);
  app.use(requestIdMiddleware);
  app.use(httpLogger(logger));
  app.use(securityHeaders({ contentSecurityPolicy: { directives: CONTENT_SECURITY_DIRECTIVES } }));
  app.enableCors({
    origin: config.corsOrigins.length > 0 ? config.corsOrigins : false,
    exposedHeaders: [
      'X-Request-Id',
      'ETag',
      'Location',
      'Retry-After',
      'RateLimit-Limit',
      'RateLimit-Remaining',
      'RateLimit-Reset',
      'RateLimit-Policy',
    ],
  });
  // Everything under /api may carry client data: no browser or proxy may keep a copy.
  app.use(`/${API_PREFIX}`, (_request: Request, response: Response, next: NextFunction) => {
    response.setHeader('Cache-Control', 'no-store');
    next();
  });
  app.useBodyParser('json', {
    limit: BODY_LIMIT,
    type: ['application/json', 'application/*+json'],
  });
  app.setGlobalPrefix(API_PREFIX, {
    exclude: [
      { path: 'health/live', method: RequestMethod.GET },
      { path: 'health/ready', method: RequestMethod.GET },
    ],
  });
  app.useGlobalPipes(new AppValidationPipe());
  app.useGlobalFilters(new ProblemDetailsFilter(logger));
  if (config.docsEnabled) setupOpenApi(app, config.version);
  await app.init();
  return app;
}
