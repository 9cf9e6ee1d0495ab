import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { assertFailure, jsonLine, runRoster, type RunResult } from '../support/run-roster.js';

let database: TestDatabase;
const roster = (args: readonly string[], input?: string): Promise<RunResult> =>
  runRoster(args, { url: database.url, ...(input === undefined ? {} : { input }) });

before(async () => {
  database = await createTestDatabase();
});
after(() => database.drop());

const USER_KEYS = ['id', 'uuid', 'name', 'email', 'level', 'level_string', 'created_at'];

test('users create prints the user as one line of JSON, without any password', async () => {
  const result = await roster([
    'users',
    'create',
    '--name',
    'Alice Smith',
    '--password',
    'correct horse battery',
    '--email',
    'alice@example.com',
    '--level',
    'gold',
  ]);
  assert.equal(result.code, 0, result.stderr);
  const user = jsonLine(result);
  assert.deepEqual(Object.keys(user), USER_KEYS);
  assert.deepEqual(
    { ...user, uuid: null, created_at: null },
    { id: 1, uuid: null, name: 'Alice_Smith', email: 'alice@example.com', level: 30, level_string: 'Gold', created_at: null },
  );
  assert.match(user.uuid as string, /^[0-9a-f-]{36}$/);
  assert.ok(Math.abs(Date.parse(user.created_at as string) - Date.now()) < 60_000);
  assert.doesNotMatch(result.stdout, /password|hash|argon/i);
});

test('users create takes the level as a number and the password from stdin', async () => {
  const result = await roster(['users', 'create', '--name', 'bob', '--password-stdin', '--level', '40'], 'from stdin 123\n');
  assert.equal(result.code, 0, result.stderr);
  assert.deepEqual([jsonLine(result).level, jsonLine(result).level_string], [40, 'Moderator']);
});

test('users create refuses bad input with a message and nothing on stdout', async () => {
  const results = await Promise.all([
    roster(['users', 'create', '--name', 'alice_smith', '--password', 'another long one']),
    roster(['users', 'create', '--name', 'carol', '--password', 'short']),
    roster(['users', 'create', '--name', 'carol', '--password', 'long enough pw', '--level', 'emperor']),
    roster(['users', 'create', '--password', 'long enough pw']),
    roster(['users', 'create', '--name', 'carol']),
  ]);
  assertFailure(results[0], /name .*taken/);
  assertFailure(results[1], /password is too short/);
  assertFailure(results[2], /invalid level "emperor"/);
  assertFailure(results[3], /--name/);
  assertFailure(results[4], /password/);
});

test('users set-level, rename, show and delete act on a user by name, ignoring case', async () => {
  const promoted = await roster(['users', 'set-level', 'ALICE_SMITH', 'admin']);
  assert.equal(promoted.code, 0, promoted.stderr);
  assert.deepEqual([jsonLine(promoted).level, jsonLine(promoted).level_string], [50, 'Admin']);
  const renamed = await roster(['users', 'rename', 'alice_smith', 'alice_jones']);
  assert.equal(jsonLine(renamed).name, 'alice_jones');
  const shown = await roster(['users', 'show', 'Alice_Jones']);
  assert.deepEqual(Object.keys(jsonLine(shown)), USER_KEYS);
  assert.equal(jsonLine(shown).id, 1);
  const deleted = await roster(['users', 'delete', 'alice_jones']);
  assert.equal(deleted.code, 0, deleted.stderr);
  assert.deepEqual([jsonLine(deleted).id, jsonLine(deleted).name, jsonLine(deleted).email], [1, 'user_1', null]);
});

test('users commands on an unknown user or level fail cleanly', async () => {
  const results = await Promise.all([
    roster(['users', 'show', 'nobody_here']),
    roster(['users', 'set-level', 'bob', '25']),
    roster(['users', 'delete', 'nobody_here']),
    roster(['users', 'rename', 'bob', 'user_99']),
    roster(['users', 'frobnicate']),
    roster(['users']),
  ]);
  assertFailure(results[0], /no user named "nobody_here"/);
  assertFailure(results[1], /invalid level "25"/);
  assertFailure(results[2], /no user named/);
  assertFailure(results[3], /name/);
  assertFailure(results[4], /unknown command/);
  assertFailure(results[5], /Usage: roster users/);
});

test('--help prints usage on stdout and exits 0; the seed help names the demo password', async () => {
  const help = await roster(['seed', '--help']);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /roster-demo-password/);
  assert.equal(help.stderr, '');
});
