import { RequestMethod } from '@nestjs/common';
import { PATH_METADATA, METHOD_METADATA } from '@nestjs/common/constants';
import { ModulesContainer } from '@nestjs/core';
import { IS_PUBLIC, REQUIRED_ROLES } from '../../src/common/actor/decorators';
import { PipelineProbeModule } from '../fixtures/pipeline-probe.module';
import { startTestApp, type TestApp } from '../setup/test-app';

/**
 * Every route and what it requires, as one committed snapshot: a route that becomes public, or a
 * role that gains or loses a route, shows up as a diff in review.
 */
describe('route permissions', () => {
  let testApp: TestApp;

  beforeAll(async () => {
    testApp = await startTestApp();
  });
  afterAll(() => testApp.close());

  it('match the committed snapshot', () => {
    const lines: string[] = [];
    for (const module of testApp.app.get(ModulesContainer).values()) {
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
          const isPublic =
            Reflect.getMetadata(IS_PUBLIC, handler) ?? Reflect.getMetadata(IS_PUBLIC, metatype);
          const roles = (Reflect.getMetadata(REQUIRED_ROLES, handler) ??
            Reflect.getMetadata(REQUIRED_ROLES, metatype)) as string[] | undefined;
          const requirement = isPublic
            ? 'public'
            : roles
              ? `roles: ${roles.join(', ')}`
              : 'any signed-in staff';
          lines.push(`${RequestMethod[method].padEnd(6)} ${path.padEnd(55)} ${requirement}`);
        }
      }
    }
    expect(lines.sort().join('\n')).toMatchSnapshot();
  });
});
