import { RequestMethod } from '@nestjs/common';
import { appRoutes } from '../setup/routes';
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
    const lines = appRoutes(testApp.app).map(({ method, path, isPublic, roles }) => {
      const requirement = isPublic
        ? 'public'
        : roles
          ? `roles: ${roles.join(', ')}`
          : 'any signed-in staff';
      return `${RequestMethod[method].padEnd(6)} ${path.padEnd(55)} ${requirement}`;
    });
    expect(lines.sort().join('\n')).toMatchSnapshot();
  });
});
