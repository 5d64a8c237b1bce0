import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { REPO_ROOT } from '../setup/built-api';
import { startTestApp, type TestApp } from '../setup/test-app';

/** The committed OpenAPI document: every API change shows as its diff in review. */
export const COMMITTED_DOCUMENT = join(REPO_ROOT, 'openapi/openapi.json');

describe('the committed OpenAPI document', () => {
  let testApp: TestApp;

  beforeAll(async () => {
    testApp = await startTestApp();
  });
  afterAll(() => testApp.close());

  it('is the document the code generates (`npm run openapi:export` rewrites it)', async () => {
    const { body } = await request(testApp.app.getHttpServer()).get('/docs-json').expect(200);
    const generated = `${JSON.stringify(body, null, 2)}\n`;
    if (process.env.OPENAPI_EXPORT === '1') writeFileSync(COMMITTED_DOCUMENT, generated);
    expect(readFileSync(COMMITTED_DOCUMENT, 'utf8')).toBe(generated);
  });
});
