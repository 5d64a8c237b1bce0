// The unit specs of the pure rule modules, for mutation testing (stryker.config.mjs): the same swc
// transform as jest.config.js, but no global setup, so no embedded PostgreSQL boots per run.
const base = require('./jest.config.js');

/** @type {import('jest').Config} */
module.exports = {
  rootDir: base.rootDir,
  roots: ['<rootDir>/src'],
  testMatch: [
    '<rootDir>/src/access/client-access.spec.ts',
    '<rootDir>/src/audit/csv.spec.ts',
    '<rootDir>/src/boundary-agreements/agreement-status.spec.ts',
    '<rootDir>/src/calendar-feeds/calendar-ics.spec.ts',
    '<rootDir>/src/clients/client-status.spec.ts',
    '<rootDir>/src/common/pagination/cursor.spec.ts',
    '<rootDir>/src/intake/intake-form.spec.ts',
    '<rootDir>/src/session-notes/note-format.spec.ts',
    '<rootDir>/src/trust-goals/*.spec.ts',
  ],
  transform: base.transform,
  transformIgnorePatterns: base.transformIgnorePatterns,
  moduleFileExtensions: base.moduleFileExtensions,
  testEnvironment: 'node',
};
