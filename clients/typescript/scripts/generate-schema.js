// Writes src/schema.ts, the types of every path, operation and schema of the API's OpenAPI
// document; with --stdout it prints them instead, which the repository's staleness test compares
// with the committed file. Plain CommonJS so that it runs on Node 20.19 without a build step
// (openapi-typescript's own dependencies are ES modules, loaded through Node's require(esm)).
const { readFile, writeFile } = require('node:fs/promises');
const { resolve } = require('node:path');

const PACKAGE_ROOT = resolve(__dirname, '..');
const DEFAULT_DOCUMENT = resolve(PACKAGE_ROOT, '../../openapi/openapi.json');
const SCHEMA_FILE = resolve(PACKAGE_ROOT, 'src/schema.ts');

async function generateSchemaSource(documentPath = DEFAULT_DOCUMENT) {
  const { default: openapiTS, astToString, COMMENT_HEADER } = require('openapi-typescript');
  const document = JSON.parse(await readFile(documentPath, 'utf8'));
  // A property with a default is one the caller may leave out: without `defaultNonNullable: false`
  // every defaulted request field (a check-in's `commitmentsKept`, a goal's `priority`) would be required.
  const ast = await openapiTS(document, { silent: true, defaultNonNullable: false });
  return COMMENT_HEADER + astToString(ast);
}

async function main(args) {
  const toStdout = args.includes('--stdout');
  const [documentArg] = args.filter((arg) => arg !== '--stdout');
  const documentPath = documentArg ? resolve(documentArg) : DEFAULT_DOCUMENT;
  const source = await generateSchemaSource(documentPath);
  if (toStdout) return void process.stdout.write(source);
  await writeFile(SCHEMA_FILE, source);
  process.stdout.write(`${documentPath} → ${SCHEMA_FILE}\n`);
}

module.exports = { generateSchemaSource, SCHEMA_FILE, DEFAULT_DOCUMENT };

if (require.main === module) {
  main(process.argv.slice(2)).catch((error) => {
    process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
    process.exitCode = 1;
  });
}
