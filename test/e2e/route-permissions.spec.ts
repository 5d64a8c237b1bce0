import { RequestMethod } from '@nestjs/common';
import { appRoutes } from '../setup/routes';
import { startTestApp, type TestApp } from '../setup/test-app';

/**
 * Every route and what it requires, as one committed snapshot: a route that becomes public, a role
 * that gains or loses a route, or a route opened to API keys (its scope), shows up as a diff in review.
 * A line without "API keys" is refused to every API client (default deny).
 */
describe('route permissions', () => {
  let testApp: TestApp;

  beforeAll(async () => {
    testApp = await startTestApp();
  });
  afterAll(() => testApp.close());

  it('match the committed snapshot', () => {
    const lines = appRoutes(testApp.app).map((route) => {
      const { method, path, isPublic, roles, scope, hiddenFromApiClients } = route;
      const requirement = isPublic
        ? 'public'
        : roles
          ? `roles: ${roles.join(', ')}`
          : 'any signed-in staff';
      const apiClients = isPublic
        ? ''
        : hiddenFromApiClients
          ? ' | API keys: 404'
          : scope
            ? ` | API keys: ${scope}`
            : '';
      return `${RequestMethod[method].padEnd(6)} ${path.padEnd(55)} ${requirement}${apiClients}`;
    });
    expect(lines.sort().join('\n')).toMatchSnapshot();
  });
});
