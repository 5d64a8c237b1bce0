import type { INestApplication, RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { ModulesContainer } from '@nestjs/core';
import {
  HIDDEN_FROM_API_CLIENTS,
  IS_PUBLIC,
  REQUIRED_ROLES,
  REQUIRED_SCOPE,
} from '../../src/common/actor/decorators';
import { PipelineProbeModule } from '../fixtures/pipeline-probe.module';

/** One route of the running app, as its decorators declare it (path without the global prefix). */
export interface AppRoute {
  method: RequestMethod;
  path: string;
  isPublic: boolean;
  roles: string[] | undefined;
  /** The scope an API client needs; undefined: no API client may call the route. */
  scope: string | undefined;
  /** API clients get 404 here whatever their scopes. */
  hiddenFromApiClients: boolean;
}

/**
 * Every route of the app's controllers (test fixtures left out), read from the metadata Nest routes
 * by: a route added tomorrow is listed without anyone updating a test.
 */
export function appRoutes(app: INestApplication): AppRoute[] {
  const routes: AppRoute[] = [];
  for (const module of app.get(ModulesContainer).values()) {
    if (module.metatype === PipelineProbeModule) continue;
    for (const { metatype } of module.controllers.values()) {
      if (typeof metatype !== 'function') continue;
      const base = String(Reflect.getMetadata(PATH_METADATA, metatype) ?? '');
      for (const name of Object.getOwnPropertyNames(metatype.prototype)) {
        const handler = (metatype.prototype as Record<string, unknown>)[name];
        if (name === 'constructor' || typeof handler !== 'function') continue;
        const method = Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod | undefined;
        if (method === undefined) continue;
        const path =
          `/${[base, String(Reflect.getMetadata(PATH_METADATA, handler) ?? '')].filter(Boolean).join('/')}`
            .replace(/\/+/g, '/')
            .replace(/\/$/, '');
        const isPublic = Boolean(
          Reflect.getMetadata(IS_PUBLIC, handler) ?? Reflect.getMetadata(IS_PUBLIC, metatype),
        );
        const roles = (Reflect.getMetadata(REQUIRED_ROLES, handler) ??
          Reflect.getMetadata(REQUIRED_ROLES, metatype)) as string[] | undefined;
        const scope = (Reflect.getMetadata(REQUIRED_SCOPE, handler) ??
          Reflect.getMetadata(REQUIRED_SCOPE, metatype)) as string | undefined;
        const hiddenFromApiClients = Boolean(
          Reflect.getMetadata(HIDDEN_FROM_API_CLIENTS, handler) ??
          Reflect.getMetadata(HIDDEN_FROM_API_CLIENTS, metatype),
        );
        routes.push({ method, path, isPublic, roles, scope, hiddenFromApiClients });
      }
    }
  }
  return routes;
}
