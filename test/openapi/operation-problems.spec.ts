import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../setup/built-api';
import { analyseOperationProblems } from './operation-problems-analysis';

/** The codes each handler's code can raise, committed for the OpenAPI document to list. */
export const OPERATION_PROBLEMS_FILE = join(REPO_ROOT, 'src/bootstrap/operation-problems.json');

describe('the problem codes each operation can answer with', () => {
  it('are what the code raises (`npm run openapi:export` rewrites the list)', () => {
    const analysed = `${JSON.stringify(analyseOperationProblems(REPO_ROOT), null, 2)}\n`;
    if (process.env.OPENAPI_EXPORT === '1') writeFileSync(OPERATION_PROBLEMS_FILE, analysed);
    expect(readFileSync(OPERATION_PROBLEMS_FILE, 'utf8')).toBe(analysed);
  });
});
