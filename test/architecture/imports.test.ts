import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { test } from 'node:test';

/**
 * STYLE.md: imports flow one way. app/server (the composition root) → dialects → http, query,
 * core, ops (the native API's import and export run the CLI's bulk operations); ops (bulk seed,
 * import, export) → query, core, db; cli → everything below it;
 * http → core; query → core, db; core → db. A dialect never touches the database; core never
 * knows HTTP; http never knows a dialect.
 */
const SRC = join(import.meta.dirname, '..', '..', 'src');

const FORBIDDEN: readonly { readonly layer: string; readonly may_not: readonly RegExp[]; readonly why: string }[] = [
  {
    layer: 'core',
    may_not: [/\/http\//, /\/dialects\//, /\/query\//, /\/ops\//, /\/cli\//, /^\/(app|server)\.js$/, /^fastify/, /^@fastify\//],
    why: 'core depends on db only',
  },
  { layer: 'db', may_not: [/\/core\//, /\/http\//, /\/dialects\//, /\/query\//, /\/ops\//, /\/cli\//, /^\/(app|server)\.js$/], why: 'db is the bottom layer' },
  { layer: 'query', may_not: [/\/http\//, /\/dialects\//, /\/ops\//, /\/cli\//, /^\/(app|server)\.js$/, /^fastify/], why: 'query knows no HTTP' },
  {
    layer: 'http',
    may_not: [/\/db\//, /\/dialects\//, /\/ops\//, /\/cli\//, /^\/(app|server)\.js$/, /^kysely$/, /^better-sqlite3$/, /^pg$/],
    why: 'http reaches data through core and knows no dialect',
  },
  {
    layer: 'dialects',
    may_not: [/\/db\//, /\/cli\//, /^\/(app|server)\.js$/, /^kysely$/, /^better-sqlite3$/, /^pg$/],
    why: 'a dialect never touches the database',
  },
  { layer: 'ops', may_not: [/\/http\//, /\/dialects\//, /\/cli\//, /^\/(app|server)\.js$/, /^fastify/], why: 'bulk operations know no HTTP' },
];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  // Type-only imports carry no runtime dependency but still count: the rule is about knowledge.
  return [...text.matchAll(/^\s*(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]/gm)].map((m) => m[1]!);
}

test('imports flow one way between layers', () => {
  const violations: string[] = [];
  for (const file of sourceFiles(SRC)) {
    const layer = relative(SRC, file).split('/')[0]!;
    const rules = FORBIDDEN.find((rule) => rule.layer === layer);
    if (!rules) continue;
    for (const specifier of importsOf(file)) {
      const normalized = specifier.startsWith('.') ? '/' + relative(SRC, join(file, '..', specifier)) : specifier;
      if (rules.may_not.some((pattern) => pattern.test(normalized))) {
        violations.push(`${relative(SRC, file)} imports ${specifier} (${rules.why})`);
      }
    }
  }
  assert.deepEqual(violations, []);
});

test('a dialect imports no other dialect, only the shared Rails-family module', () => {
  const violations: string[] = [];
  const dialects = join(SRC, 'dialects');
  for (const file of sourceFiles(dialects)) {
    const own = relative(dialects, file).split('/')[0]!;
    for (const specifier of importsOf(file)) {
      if (!specifier.startsWith('.')) continue;
      const target = relative(dialects, join(file, '..', specifier)).split('/');
      if (target[0] === '..' || target[0] === own || target[0] === 'rails') continue;
      violations.push(`${relative(SRC, file)} imports ${specifier}`);
    }
  }
  assert.deepEqual(violations, []);
});

test('the Rails-family module imports no dialect', () => {
  const rails = join(SRC, 'dialects', 'rails');
  const violations = sourceFiles(rails).flatMap((file) =>
    importsOf(file)
      .filter((specifier) => specifier.startsWith('.') && relative(join(SRC, 'dialects'), join(file, '..', specifier)).split('/')[0] !== 'rails')
      .filter((specifier) => relative(SRC, join(file, '..', specifier)).startsWith('dialects/'))
      .map((specifier) => `${relative(SRC, file)} imports ${specifier}`),
  );
  assert.deepEqual(violations, []);
});
