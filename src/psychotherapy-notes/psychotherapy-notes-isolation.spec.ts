import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

const SRC = join(__dirname, '..');
const MODULE = relative(SRC, __dirname);

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

/**
 * Psychotherapy notes are excluded from every export, and readable by their author only: the one
 * way to keep both true as exports, dashboards and integrations arrive is that no code but this
 * module's service touches the table. A new reader must change this test, in review.
 */
describe('psychotherapy_notes isolation', () => {
  it('is read and written by the psychotherapy-notes module alone', () => {
    const mentions = (path: string) => /psychotherapy_notes/i.test(readFileSync(path, 'utf8'));
    const users = sourceFiles(SRC)
      .filter(mentions)
      .map((path) => relative(SRC, path));
    // The walk does find the table where it is used, so the empty answer below means something.
    expect(users).toContain(join(MODULE, 'psychotherapy-notes.service.ts'));
    const readers = users.filter((path) => !path.startsWith(`${MODULE}/`));
    expect(readers).toEqual([]);
  });
});
