/**
 * The import graph of the production code: no circles anywhere, and nothing below the API imports from it
 * (activities, the worker, workflows and the Temporal doorway are used by the API, never the other way round).
 */
import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

const ROOT = path.resolve(__dirname, '..', '..');
const PRODUCTION = ['domain', 'db', 'temporal', 'workflows', 'activities', 'worker', 'api', 'config', 'observability', 'scripts', 'bench'];

function sourceFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === 'node_modules' ? [] : sourceFiles(full);
    return e.name.endsWith('.ts') && !e.name.endsWith('.d.ts') ? [full] : [];
  });
}

/** Relative imports of a file, resolved to files of the project (type-only imports included: they tie modules too). */
function importsOf(file: string): string[] {
  const info = ts.preProcessFile(fs.readFileSync(file, 'utf8'), true, true);
  return info.importedFiles
    .map((f) => f.fileName)
    .filter((spec) => spec.startsWith('.'))
    .map((spec) => resolve(path.resolve(path.dirname(file), spec)))
    .filter((f): f is string => f !== null);
}

function resolve(base: string): string | null {
  for (const candidate of [`${base}.ts`, path.join(base, 'index.ts'), base]) {
    if (fs.existsSync(candidate) && fs.statSync(candidate).isFile()) return candidate;
  }
  return null;
}

const rel = (f: string) => path.relative(ROOT, f);
const files = PRODUCTION.flatMap((d) => sourceFiles(path.join(ROOT, d)));
const graph = new Map(files.map((f) => [f, importsOf(f)]));

test('the production code has no import circle', () => {
  const cycles: string[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const stack: string[] = [];
  const visit = (f: string): void => {
    state.set(f, 'visiting');
    stack.push(f);
    for (const next of graph.get(f) ?? []) {
      if (state.get(next) === 'visiting') cycles.push([...stack.slice(stack.indexOf(next)), next].map(rel).join(' → '));
      else if (!state.has(next)) visit(next);
    }
    stack.pop();
    state.set(f, 'done');
  };
  for (const f of files) if (!state.has(f)) visit(f);
  expect(cycles).toEqual([]);
});

test.each(['activities', 'worker', 'workflows', 'temporal', 'domain', 'config', 'db', 'observability'])(
  'nothing in %s/ imports from api/',
  (dir) => {
    const arrows = [...graph]
      .filter(([f]) => rel(f).startsWith(`${dir}/`))
      .flatMap(([f, deps]) => deps.filter((d) => rel(d).startsWith('api/')).map((d) => `${rel(f)} → ${rel(d)}`));
    expect(arrows).toEqual([]);
  },
);

test('domain/ depends on nothing but itself (no Temporal, no API, no configuration)', () => {
  const arrows = [...graph]
    .filter(([f]) => rel(f).startsWith('domain/'))
    .flatMap(([f, deps]) => deps.filter((d) => !rel(d).startsWith('domain/')).map((d) => `${rel(f)} → ${rel(d)}`));
  expect(arrows).toEqual([]);
  const temporalImports = files
    .filter((f) => rel(f).startsWith('domain/') && /from '@temporalio\//.test(fs.readFileSync(f, 'utf8')))
    .map(rel);
  expect(temporalImports).toEqual([]);
});
