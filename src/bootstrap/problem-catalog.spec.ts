import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { ProblemCodes } from '../common/problem/problem';
import { catalogEntries, PROBLEM_CATALOG, problemTypeListing } from './problem-catalog';

const SRC = join(__dirname, '..');
const ROOT = join(SRC, '..');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.spec.ts') ? [path] : [];
  });
}

const errorsFiles = sourceFiles(SRC).filter((path) => path.endsWith('-errors.ts'));

describe('problem catalog', () => {
  it('gives a code the same status in every feature that declares it', () => {
    const statuses = new Map<string, Set<number>>();
    for (const { code, status } of catalogEntries()) {
      statuses.set(code, (statuses.get(code) ?? new Set()).add(status));
    }
    const split = [...statuses].filter(([, seen]) => seen.size > 1).map(([code]) => code);
    expect(split).toEqual([]);
  });

  it('declares each code once per feature, as a kebab-case word with a description', () => {
    for (const [feature, problems] of Object.entries(PROBLEM_CATALOG)) {
      const codes = Object.values<ProblemCodes[string]>(problems).map(({ code }) => code);
      expect({ feature, codes: new Set(codes).size }).toEqual({ feature, codes: codes.length });
    }
    for (const { code, description } of catalogEntries()) {
      expect(code).toMatch(/^[a-z]+(-[a-z]+)*$/);
      expect(description.length).toBeGreaterThan(10);
    }
  });

  it('lists each code once in the OpenAPI listing, naming every feature that answers with it', () => {
    const listing = problemTypeListing();
    expect(new Set(listing.map(({ type }) => type)).size).toBe(listing.length);
    const shared = listing.find(({ code }) => code === 'already-on-care-team');
    expect(shared).toMatchObject({
      type: 'urn:family-therapy:problem:already-on-care-team',
      status: 409,
      title: 'Conflict',
      features: ['clients', 'cases', 'emergency-access'],
    });
  });

  it('holds every errors map in src/', async () => {
    const catalogued = new Set<unknown>(Object.values(PROBLEM_CATALOG));
    const missing: string[] = [];
    for (const path of errorsFiles) {
      const exports = (await import(path)) as Record<string, unknown>;
      for (const [name, value] of Object.entries(exports)) {
        if (name.endsWith('_ERRORS') && !catalogued.has(value)) {
          missing.push(`${relative(SRC, path)}: ${name}`);
        }
      }
    }
    expect(errorsFiles.length).toBeGreaterThanOrEqual(Object.keys(PROBLEM_CATALOG).length);
    expect(missing).toEqual([]);
  });

  it('is the only place a code is written: no code literal outside the errors files', () => {
    const codes = [...new Set(catalogEntries().map(({ code }) => code))];
    const strays = sourceFiles(SRC)
      .filter((path) => !path.endsWith('-errors.ts'))
      .flatMap((path) => {
        const text = readFileSync(path, 'utf8');
        return codes
          .filter((code) => new RegExp(`['"\`]${code}['"\`]`).test(text))
          .map((code) => `${relative(SRC, path)}: ${code}`);
      });
    expect(strays).toEqual([]);
  });
});

describe('docs/errors.md', () => {
  const page = readFileSync(join(ROOT, 'docs', 'errors.md'), 'utf8');
  const sections = new Map(
    page
      .split(/^## /m)
      .slice(1)
      .map((section) => [section.slice(0, section.indexOf('\n')).trim(), section] as const),
  );

  it('has a section per feature of the catalog', () => {
    expect([...sections.keys()]).toEqual(expect.arrayContaining(Object.keys(PROBLEM_CATALOG)));
  });

  it('lists every code of the catalog under its feature, with its status', () => {
    const missing = catalogEntries()
      .filter(({ feature, code, status }) => {
        const row = new RegExp(`^\\|\\s*\`${code}\`\\s*\\|\\s*${status}\\s*\\|`, 'm');
        return !row.test(sections.get(feature) ?? '');
      })
      .map(({ feature, code }) => `${feature}: ${code}`);
    expect(missing).toEqual([]);
  });
});
