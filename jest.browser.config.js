// The browser test: the main jest setup (embedded PostgreSQL, migrated template) with only the
// specs under test/browser, which need a Chromium (`CHROMIUM_PATH`, default /usr/bin/chromium).
// Kept out of `npm test` so that the suite needs nothing but Node.
const base = require('./jest.config.js');

/** @type {import('jest').Config} */
module.exports = {
  ...base,
  roots: ['<rootDir>/test'],
  testMatch: ['<rootDir>/test/browser/**/*.browser.ts'],
  maxWorkers: 1,
  testTimeout: 120_000,
};
