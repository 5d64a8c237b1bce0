// Mutation testing of the pure rule modules (`npm run test:mutation`, a few minutes; not in CI):
// each mutant must make one of their unit specs fail. See jest.mutation.config.js for the specs.
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'jest',
  // Each mutant runs only the specs that import its module (jest --findRelatedTests).
  jest: { configFile: 'jest.mutation.config.js', enableFindRelatedTests: true },
  // Mutants that do not type-check are discarded, not run; the checker compiles only the mutated
  // modules and what they import (tsconfig.mutation.json), not the whole project.
  checkers: ['typescript'],
  tsconfigFile: 'tsconfig.mutation.json',
  typescriptChecker: { prioritizePerformanceOverAccuracy: true },
  coverageAnalysis: 'perTest',
  mutate: [
    'src/access/client-access.ts',
    'src/audit/csv.ts',
    'src/boundary-agreements/agreement-status.ts',
    'src/calendar-feeds/calendar-ics.ts',
    'src/clients/client-status.ts',
    'src/common/pagination/cursor.ts',
    'src/intake/intake-form.ts',
    'src/session-notes/note-format.ts',
    'src/trust-goals/goal-status.ts',
    'src/trust-goals/trust-metrics.ts',
  ],
  ignorePatterns: ['dist', 'dist-bench', '.data', 'coverage', 'bench/results', 'reports'],
  reporters: ['clear-text', 'progress', 'html'],
  htmlReporter: { fileName: 'reports/mutation/mutation.html' },
  thresholds: { high: 95, low: 90, break: null },
  concurrency: 2,
  timeoutMS: 3000,
};
