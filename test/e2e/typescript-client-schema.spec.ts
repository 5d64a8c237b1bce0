import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { REPO_ROOT } from '../setup/built-api';

const GENERATOR = join(REPO_ROOT, 'clients/typescript/scripts/generate-schema.js');
const COMMITTED_SCHEMA = join(REPO_ROOT, 'clients/typescript/src/schema.ts');

describe('the TypeScript client’s generated types', () => {
  // In a child process, because openapi-typescript's dependencies are ES modules that Node 20.19
  // requires natively but jest's CommonJS loader cannot.
  it('are what openapi-typescript makes of the committed document (`npm run client:generate`)', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, [GENERATOR, '--stdout'], {
      cwd: REPO_ROOT,
      maxBuffer: 64 * 1024 * 1024,
    });
    expect(stdout).toContain('export interface paths');
    expect(readFileSync(COMMITTED_SCHEMA, 'utf8')).toBe(stdout);
  });
});
