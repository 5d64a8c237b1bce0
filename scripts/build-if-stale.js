// Runs `nest build` only when something dist/ is built from changed since the last build made by
// this script, so an operator command started twice does not compile twice. It compares file
// modification times (src/, migrations/, the compiler and package settings) with a stamp written
// after each successful build; `--force` always builds.
const { spawnSync } = require('node:child_process');
const {
  existsSync,
  readdirSync,
  statSync,
  mkdirSync,
  writeFileSync,
  utimesSync,
} = require('node:fs');
const { join, resolve } = require('node:path');

const root = resolve(__dirname, '..');
const stamp = join(root, 'dist', '.build-stamp');
const inputs = [
  'src',
  'migrations',
  'tsconfig.json',
  'tsconfig.build.json',
  'nest-cli.json',
  'package.json',
  'package-lock.json',
];

/** The newest modification time under `path` (ms), spec files left out: they are not built. */
function newest(path) {
  if (!existsSync(path)) return 0;
  const stats = statSync(path);
  if (!stats.isDirectory()) return path.endsWith('.spec.ts') ? 0 : stats.mtimeMs;
  let latest = stats.mtimeMs;
  for (const entry of readdirSync(path)) latest = Math.max(latest, newest(join(path, entry)));
  return latest;
}

const built = existsSync(stamp) ? statSync(stamp).mtimeMs : 0;
const changed = Math.max(...inputs.map((input) => newest(join(root, input))));
if (!process.argv.includes('--force') && built > 0 && changed <= built) {
  process.stderr.write('dist/ is up to date; not rebuilding.\n');
  process.exit(0);
}

// Taken before the build: a file saved while it compiles is newer than the stamp, so it counts.
const startedAt = new Date();
const nest = require.resolve('@nestjs/cli/bin/nest.js', { paths: [root] });
const result = spawnSync(process.execPath, [nest, 'build'], { cwd: root, stdio: 'inherit' });
if (result.status !== 0) process.exit(result.status ?? 1);
mkdirSync(join(root, 'dist'), { recursive: true });
writeFileSync(stamp, `${startedAt.toISOString()}\n`);
utimesSync(stamp, startedAt, startedAt);
