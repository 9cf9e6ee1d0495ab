import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { authenticateBearer } from '../../src/core/auth/authenticate.js';
import { openCore, type OpenCore } from '../../src/core/create-core.js';
import { hashSecret } from '../../src/core/auth/secrets.js';
import { verifyStackProjectKey } from '../../src/core/orgs/stack-projects.js';
import { createTestDatabase, testConfig, type TestDatabase } from '../support/database.js';
import { assertFailure, jsonLine, runRoster, type RunResult } from '../support/run-roster.js';

const DAY = 86_400_000;
let database: TestDatabase;
let core: OpenCore;
const roster = (args: readonly string[]): Promise<RunResult> => runRoster(args, { url: database.url });

before(async () => {
  database = await createTestDatabase();
  core = await openCore(testConfig(database.url));
  await Promise.all(['dana', 'erin', 'fay'].map((name) => roster(['users', 'create', '--name', name, '--password', 'long enough password'])));
});
after(async () => {
  await core.close();
  await database.drop();
});

test('tokens create prints only the secret, which then authenticates its user', async () => {
  const result = await roster(['tokens', 'create', '--user', 'DANA', '--name', 'ci', '--scopes', 'users:index, users:show', '--expires', '30d']);
  assert.equal(result.code, 0, result.stderr);
  assert.equal(result.stderr, '');
  const secret = result.stdout.trimEnd();
  assert.equal(result.stdout, `${secret}\n`);
  assert.match(secret, /^[A-Za-z0-9_-]{43,}$/);
  const viewer = await authenticateBearer(core, secret, null);
  assert.equal(viewer?.user?.name, 'dana');
  const key = await core.db.selectFrom('api_keys').selectAll().where('token_hash', '=', hashSecret(secret)).executeTakeFirstOrThrow();
  assert.deepEqual([key.name, JSON.parse(key.scopes)], ['ci', ['users:index', 'users:show']]);
  assert.ok(Math.abs((key.expires_at as number) - (Date.now() + 30 * DAY)) < 60_000);
});

test('tokens create for an unknown user, or with a bad option, prints nothing on stdout', async () => {
  const results = await Promise.all([
    roster(['tokens', 'create', '--user', 'nobody_here']),
    roster(['tokens', 'create', '--user', 'dana', '--expires', 'soon']),
    roster(['tokens', 'create', '--user', 'dana', '--scopes', 'not a scope']),
    roster(['tokens', 'create']),
  ]);
  assertFailure(results[0], /no user named "nobody_here"/);
  assertFailure(results[1], /invalid duration "soon"/);
  assertFailure(results[2], /scopes/);
  assertFailure(results[3], /--user/);
});

test('bans create prints the ban as JSON; durations from the table, forever is permanent', async () => {
  const timed = await roster(['bans', 'create', '--user', 'erin', '--reason', 'spam links', '--duration', '3mo']);
  assert.equal(timed.code, 0, timed.stderr);
  const ban = jsonLine(timed);
  assert.deepEqual(Object.keys(ban), ['id', 'kind', 'user_id', 'user_name', 'actor_id', 'reason', 'created_at', 'expires_at', 'in_force']);
  assert.deepEqual([ban.kind, ban.user_name, ban.actor_id, ban.reason, ban.in_force], ['ban', 'erin', null, 'spam links', true]);
  assert.equal(Date.parse(ban.expires_at as string) - Date.parse(ban.created_at as string), 3 * 2_629_746_000); // Danbooru's month, as the one parser reads it
  const permanent = jsonLine(await roster(['bans', 'create', '--user', 'fay', '--reason', 'ban evasion', '--duration', 'forever']));
  assert.equal(permanent.expires_at, null);
  const banned = await core.db.selectFrom('sanctions').select(['user_id', 'expires_at']).orderBy('id').execute();
  assert.equal(banned.length, 2);
});

test('bans create refuses unknown users, bad durations and a user already banned', async () => {
  const results = await Promise.all([
    roster(['bans', 'create', '--user', 'nobody_here', '--reason', 'x', '--duration', '1d']),
    roster(['bans', 'create', '--user', 'dana', '--reason', 'x', '--duration', '0d']),
    roster(['bans', 'create', '--user', 'erin', '--reason', 'again', '--duration', '1d']),
    roster(['bans', 'create', '--user', 'dana', '--reason', 'x']),
  ]);
  assertFailure(results[0], /no user named/);
  assertFailure(results[1], /invalid duration "0d"/);
  assertFailure(results[2], /roster: /);
  assertFailure(results[3], /--duration/);
});

test('stack projects create prints the project id and its three keys', async () => {
  const result = await roster(['stack', 'projects', 'create', '--name', 'Demo app']);
  assert.equal(result.code, 0, result.stderr);
  const created = jsonLine(result);
  assert.deepEqual(Object.keys(created), ['project_id', 'publishable_client_key', 'secret_server_key', 'super_secret_admin_key']);
  const id = created.project_id as string;
  assert.ok(await verifyStackProjectKey(core, id, 'client', created.publishable_client_key as string));
  assert.ok(await verifyStackProjectKey(core, id, 'server', created.secret_server_key as string));
  assert.ok(await verifyStackProjectKey(core, id, 'admin', created.super_secret_admin_key as string));
  assertFailure(await roster(['stack', 'projects', 'create', '--name', '   ']), /display_name/);
});
