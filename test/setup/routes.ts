import type { INestApplication, RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { ModulesContainer } from '@nestjs/core';
import { IS_PUBLIC, REQUIRED_ROLES } from '../../src/common/actor/decorators';
import { PipelineProbeModule } from '../fixtures/pipeline-probe.module';

/** One route of the running app, as its decorators declare it (path without the global prefix). */
export interface AppRoute {
  method: RequestMethod;
  path: string;
  isPublic: boolean;
  roles: string[] | undefined;
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
        routes.push({ method, path, isPublic, roles });
      }
    }
  }
  return routes;
}
