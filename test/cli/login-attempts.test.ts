import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { openCore, type OpenCore } from '../../src/core/create-core.js';
import { login } from '../../src/core/auth/sessions.js';
import { createUser } from '../../src/core/users/users.js';
import { SYSTEM } from '../../src/core/access/viewer.js';
import { createTestDatabase, testConfig, type TestDatabase } from '../support/database.js';
import { runRoster } from '../support/run-roster.js';

let database: TestDatabase;
let core: OpenCore;

before(async () => {
  database = await createTestDatabase();
  core = await openCore(testConfig(database.url));
  await createUser(core, SYSTEM, { name: 'hana', password: 'a long enough phrase' });
  await login(core, { login: 'hana', password: 'a long enough phrase', ip: '192.0.2.5' });
  await login(core, { login: 'hana', password: 'not the phrase', ip: '198.51.100.5' }).catch(() => undefined);
});
after(async () => {
  await core.close();
  await database.drop();
});

test('roster login-attempts lists attempts newest first, one JSON line each, with filters', async () => {
  const all = await runRoster(['login-attempts'], { url: database.url });
  assert.equal(all.code, 0, all.stderr);
  const lines = all.stdout
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as { login: string; ip: string; success: boolean; reason: string; created_at: string });
  assert.deepEqual(
    lines.map((a) => [a.login, a.ip, a.success, a.reason]),
    [
      ['hana', '198.51.100.5', false, 'wrong_password'],
      ['hana', '192.0.2.5', true, 'success'],
    ],
  );
  assert.match(lines[0]!.created_at, /^\d{4}-\d\d-\d\dT/);
  const failed = await runRoster(['login-attempts', '--user', 'HANA', '--failed'], { url: database.url });
  assert.equal(failed.stdout.trim().split('\n').length, 1);
  const paged = await runRoster(['login-attempts', '--limit', '1'], { url: database.url });
  assert.match(paged.stderr, /more: --before \d+/);
  const bad = await runRoster(['login-attempts', '--limit', '0'], { url: database.url });
  assert.notEqual(bad.code, 0);
  assert.equal(bad.stdout, '');
});
