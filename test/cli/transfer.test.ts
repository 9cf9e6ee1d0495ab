import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { jsonLine, runRoster } from '../support/run-roster.js';

let source: TestDatabase;
let target: TestDatabase;
let dir: string;

before(async () => {
  [source, target] = await Promise.all([createTestDatabase(), createTestDatabase()]);
  dir = mkdtempSync(join(tmpdir(), 'roster-cli-transfer-'));
});
after(async () => {
  await Promise.all([source.drop(), target.drop()]);
  rmSync(dir, { recursive: true, force: true });
});

test('seed prints a JSON summary on stdout and the demo password on stderr', async () => {
  const result = await runRoster(['seed', '--users', '1200', '--batch', '500', '--random-seed', '9'], { url: source.url });
  assert.equal(result.code, 0, result.stderr);
  const summary = jsonLine(result);
  assert.deepEqual([summary.users, summary.first_id, summary.last_id], [1200, 1, 1200]);
  assert.ok((summary.bans as number) > 0);
  assert.match(result.stderr, /seeded 1200 user\(s\) in .* password for all: roster-demo-password/);
});

test('seed refuses a count that is not a whole number', async () => {
  const result = await runRoster(['seed', '--users', 'many'], { url: source.url });
  assert.notEqual(result.code, 0);
  assert.equal(result.stdout, '');
  assert.match(result.stderr, /--users must be a whole number/);
});

test('export to stdout, import from stdin, export to a file: identical lines', async () => {
  await runRoster(['users', 'create', '--name', 'with_email', '--password', 'long enough password', '--email', 'w@example.com'], { url: source.url });
  const exported = await runRoster(['export'], { url: source.url });
  assert.equal(exported.code, 0, exported.stderr);
  assert.match(exported.stderr, /exported 1201 user\(s\)/);
  const lines = exported.stdout.trimEnd().split('\n');
  assert.equal(lines.length, 1201);
  assert.equal((JSON.parse(lines.at(-1) as string) as { email: string }).email, 'w@example.com');
  const imported = await runRoster(['import'], { url: target.url, input: exported.stdout });
  assert.equal(imported.code, 0, imported.stderr);
  assert.match(imported.stderr, /imported 1201 of 1201 user\(s\), 0 failed/);
  const file = join(dir, 'again.jsonl');
  const again = await runRoster(['export', '--output', file], { url: target.url });
  assert.deepEqual([again.code, again.stdout], [0, '']);
  assert.equal(readFileSync(file, 'utf8'), exported.stdout);
});

test('import reports each bad line by number on stderr, imports the rest, and exits 1', async () => {
  const file = join(dir, 'mixed.jsonl');
  writeFileSync(file, ['{"name":"good_one"}', '{"name":"good_one"}', '{oops', '{"name":"good_two","level":"high"}', '{"name":"good_three"}'].join('\n'));
  const result = await runRoster(['import', '--input', file], { url: target.url });
  assert.equal(result.code, 1);
  assert.equal(result.stdout, '');
  // Unreadable lines are reported as read, taken names when their batch is written.
  const reported = result.stderr.split('\n').filter((line) => line.startsWith('roster: line '));
  assert.deepEqual(reported.map((line) => line.split(':').slice(0, 2).join(':')).sort(), ['roster: line 2', 'roster: line 3', 'roster: line 4']);
  assert.match(result.stderr, /imported 2 of 5 user\(s\), 3 failed/);
  const shown = await runRoster(['users', 'show', 'good_three'], { url: target.url });
  assert.equal(jsonLine(shown).name, 'good_three');
});

test('import of a missing file fails with a message', async () => {
  const result = await runRoster(['import', '--input', join(dir, 'missing.jsonl')], { url: target.url });
  assert.notEqual(result.code, 0);
  assert.equal(result.stdout, '');
  assert.match(result.stderr, /ENOENT|no such file/);
});
