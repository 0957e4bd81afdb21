/**
 * Workflow code runs in Temporal's deterministic sandbox: it must not import Node built-ins (fs, crypto, …) nor
 * the Node-side SDK packages. The bundler would catch some of this at worker start; this test catches it in CI,
 * names the file, and covers everything workflows/ pulls in from domain/ (and anywhere else) transitively.
 * Type-only imports are erased by the compiler and are not followed.
 */
import { builtinModules } from 'node:module';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ts from 'typescript';

const ROOT = path.resolve(__dirname, '..', '..');

const BUILTINS = new Set(builtinModules.filter((m) => !m.startsWith('_')));
const FORBIDDEN_PACKAGES = ['@temporalio/worker', '@temporalio/client', '@temporalio/activity', '@temporalio/testing'];

interface ImportRef {
  specifier: string;
  line: number;
}

interface Violation {
  file: string;
  line: number;
  specifier: string;
  why: string;
  /** How the scan got there from a workflows/ file. */
  via: string[];
}

/** Why importing `specifier` from workflow code is forbidden, or null if it is allowed. */
function forbiddenBecause(specifier: string): string | null {
  if (specifier.startsWith('node:')) return 'Node built-in';
  if (BUILTINS.has(specifier) || BUILTINS.has(specifier.split('/')[0])) return 'Node built-in';
  const pkg = FORBIDDEN_PACKAGES.find((p) => specifier === p || specifier.startsWith(`${p}/`));
  if (pkg) return `${pkg} runs outside the workflow sandbox`;
  return null;
}

/** The module specifiers a source file imports at run time: import/export-from, require(), import(). */
function runtimeImports(source: string, fileName = 'source.ts'): ImportRef[] {
  const sf = ts.createSourceFile(fileName, source, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const refs: ImportRef[] = [];
  const add = (node: ts.Node, literal: ts.Expression | undefined): void => {
    if (literal && ts.isStringLiteralLike(literal)) {
      refs.push({ specifier: literal.text, line: sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1 });
    }
  };
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node)) {
      if (!isTypeOnlyImport(node)) add(node, node.moduleSpecifier);
    } else if (ts.isExportDeclaration(node)) {
      if (node.moduleSpecifier && !isTypeOnlyExport(node)) add(node, node.moduleSpecifier);
    } else if (ts.isImportEqualsDeclaration(node)) {
      if (!node.isTypeOnly && ts.isExternalModuleReference(node.moduleReference)) add(node, node.moduleReference.expression);
    } else if (ts.isCallExpression(node)) {
      const callee = node.expression;
      const isRequire = ts.isIdentifier(callee) && callee.text === 'require';
      const isDynamicImport = callee.kind === ts.SyntaxKind.ImportKeyword;
      if ((isRequire || isDynamicImport) && node.arguments.length > 0) add(node, node.arguments[0]);
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return refs;
}

function isTypeOnlyImport(node: ts.ImportDeclaration): boolean {
  const clause = node.importClause;
  if (!clause) return false; // `import 'x'` runs x
  if (clause.phaseModifier === ts.SyntaxKind.TypeKeyword) return true;
  if (clause.name) return false; // a default import is a value
  const bindings = clause.namedBindings;
  if (!bindings || ts.isNamespaceImport(bindings)) return false;
  return bindings.elements.length > 0 && bindings.elements.every((e) => e.isTypeOnly);
}

function isTypeOnlyExport(node: ts.ExportDeclaration): boolean {
  if (node.isTypeOnly) return true;
  const clause = node.exportClause;
  return !!clause && ts.isNamedExports(clause) && clause.elements.length > 0 && clause.elements.every((e) => e.isTypeOnly);
}

function resolveRelative(fromFile: string, specifier: string): string | null {
  const base = path.resolve(path.dirname(fromFile), specifier);
  const candidates = [base, `${base}.ts`, `${base}.tsx`, `${base}.js`, path.join(base, 'index.ts'), path.join(base, 'index.js')];
  // `./x.js` written for ESM may name `./x.ts`.
  if (/\.js$/.test(base)) candidates.push(base.replace(/\.js$/, '.ts'));
  return candidates.find((c) => fs.existsSync(c) && fs.statSync(c).isFile()) ?? null;
}

function listTsFiles(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((d) => d.isFile() && /\.tsx?$/.test(d.name) && !/\.(test|spec)\.tsx?$/.test(d.name))
    .map((d) => path.join(d.parentPath ?? (d as unknown as { path: string }).path, d.name))
    .sort();
}

/** Scans every file under `<root>/workflows` and every project file they reach through run-time relative imports. */
function scanWorkflowCode(root: string): { violations: Violation[]; visited: string[] } {
  const rel = (f: string) => path.relative(root, f).split(path.sep).join('/');
  const via = new Map<string, string[]>();
  const queue = listTsFiles(path.join(root, 'workflows'));
  for (const f of queue) via.set(f, []);
  const violations: Violation[] = [];
  for (let i = 0; i < queue.length; i++) {
    const file = queue[i];
    for (const ref of runtimeImports(fs.readFileSync(file, 'utf8'), file)) {
      const why = forbiddenBecause(ref.specifier);
      if (why) {
        violations.push({ file: rel(file), line: ref.line, specifier: ref.specifier, why, via: via.get(file)! });
        continue;
      }
      if (!ref.specifier.startsWith('.')) continue; // a package: the bundler vets it
      const target = resolveRelative(file, ref.specifier);
      if (!target) {
        violations.push({ file: rel(file), line: ref.line, specifier: ref.specifier, why: 'unresolvable import', via: via.get(file)! });
      } else if (!via.has(target)) {
        via.set(target, [...via.get(file)!, rel(file)]);
        queue.push(target);
      }
    }
  }
  return { violations, visited: queue.map(rel) };
}

describe('workflow code imports no Node built-ins and no Node-side SDK packages', () => {
  test('workflows/ and everything it imports', () => {
    const { violations, visited } = scanWorkflowCode(ROOT);
    // Fails with the offending file, line, import and the chain that reached it.
    expect(violations).toEqual([]);
    // The scan really walked the graph: the workflows and the domain rules they rest on.
    expect(visited).toEqual(
      expect.arrayContaining(['workflows/case.ts', 'workflows/ledger.ts', 'domain/rules.ts', 'domain/actions.ts', 'domain/case.ts']),
    );
    // Type-only imports are not followed: activities/ runs in the worker, outside the sandbox.
    expect(visited).not.toContain('activities/index.ts');
  });
});

describe('the scanner itself', () => {
  const flagged = (source: string) =>
    runtimeImports(source)
      .filter((r) => forbiddenBecause(r.specifier))
      .map((r) => r.specifier);

  test('flags every way of importing a built-in or a Node-side SDK package', () => {
    const source = [
      "import fs from 'fs';",
      "import { readFile } from 'node:fs/promises';",
      "import * as pathNs from 'path';",
      "import { createHash } from 'crypto';",
      "import 'http';",
      "export * from 'os';",
      "export { spawn } from 'child_process';",
      "import net = require('net');",
      "const url = require('url');",
      "async function f() { await import('zlib'); }",
      "import { Worker } from '@temporalio/worker';",
      "import { Client } from '@temporalio/client';",
      "import { Context } from '@temporalio/activity';",
      "import { x } from '@temporalio/worker/lib/something';",
      "import { mixed, type T } from 'events';",
      "import { format } from 'util/types';",
    ].join('\n');
    expect(flagged(source)).toEqual([
      'fs',
      'node:fs/promises',
      'path',
      'crypto',
      'http',
      'os',
      'child_process',
      'net',
      'url',
      'zlib',
      '@temporalio/worker',
      '@temporalio/client',
      '@temporalio/activity',
      '@temporalio/worker/lib/something',
      'events',
      'util/types',
    ]);
  });

  test('lets through what the sandbox allows: type-only imports, comments, strings, workflow packages', () => {
    const source = [
      "import type { Stats } from 'fs';",
      "import { type IncomingMessage } from 'http';",
      "export type { Worker } from '@temporalio/worker';",
      "// import fs from 'fs';",
      "/* require('child_process') */",
      "const label = 'crypto';",
      "import { proxyActivities } from '@temporalio/workflow';",
      "import { ApplicationFailure } from '@temporalio/common';",
      "import { z } from 'zod';",
      "import { refuse } from '../domain/rules';",
      "import { fsLike } from './fs';",
    ].join('\n');
    expect(flagged(source)).toEqual([]);
  });

  test('catches a violation two imports deep, naming the file and the chain', () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'huiying-scan-'));
    try {
      const write = (file: string, text: string) => {
        fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
        fs.writeFileSync(path.join(root, file), text);
      };
      write('workflows/index.ts', "export { caseWorkflow } from './case';\n");
      write(
        'workflows/case.ts',
        "import type { Activities } from '../activities';\nimport { rule } from '../domain/rules';\nexport const caseWorkflow = rule;\n",
      );
      write('domain/rules.ts', "import { stamp } from './clock';\nexport const rule = stamp;\n");
      write(
        'domain/clock.ts',
        "import { randomUUID } from 'node:crypto';\nimport os from 'os';\nexport const stamp = () => randomUUID() + os.hostname();\n",
      );
      write('activities/index.ts', "import fs from 'fs';\nexport type Activities = typeof fs;\n");

      const { violations } = scanWorkflowCode(root);
      expect(violations).toEqual([
        { file: 'domain/clock.ts', line: 1, specifier: 'node:crypto', why: 'Node built-in', via: ['workflows/case.ts', 'domain/rules.ts'] },
        { file: 'domain/clock.ts', line: 2, specifier: 'os', why: 'Node built-in', via: ['workflows/case.ts', 'domain/rules.ts'] },
      ]);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});
