import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { assertFailure, jsonLine, runRoster, type RunResult } from '../support/run-roster.js';

/** The Civitai model from the command line: subscriptions (tiers), mutes, the avatar's level. */
let database: TestDatabase;
const roster = (args: readonly string[]): Promise<RunResult> => runRoster(args, { url: database.url });

before(async () => {
  database = await createTestDatabase();
  const created = await roster(['users', 'create', '--name', 'carol', '--password', 'correct horse battery']);
  assert.equal(created.code, 0, created.stderr);
});
after(() => database.drop());

test('subscriptions add, list and cancel print JSON; a bad tier fails cleanly', async () => {
  const added = await roster(['subscriptions', 'add', '--user', 'CAROL', '--product', 'monthly', '--tier', 'gold', '--expires-at', '2099-01-01T00:00:00Z']);
  assert.equal(added.code, 0, added.stderr);
  const subscription = jsonLine(added);
  assert.deepEqual(
    { ...subscription, created_at: null },
    { id: 1, user_id: 1, product: 'monthly', tier: 'gold', created_at: null, expires_at: '2099-01-01T00:00:00.000Z', canceled_at: null, is_active: true },
  );
  const canceled = await roster(['subscriptions', 'cancel', '1']);
  assert.equal(canceled.code, 0, canceled.stderr);
  assert.equal(jsonLine(canceled).is_active, false);
  const listed = await roster(['subscriptions', 'list', '--user', 'carol']);
  assert.equal(listed.code, 0, listed.stderr);
  assert.equal(listed.stdout.trim().split('\n').length, 1);
  assert.notEqual(jsonLine(listed).canceled_at, null);
  assertFailure(
    await roster(['subscriptions', 'add', '--user', 'carol', '--product', 'x', '--tier', 'platinum']),
    /tier must be one of free, founder, bronze, silver, gold/,
  );
});

test('mutes create mutes an account; users set-avatar-nsfw sets its avatar level and refuses others', async () => {
  const muted = await roster(['mutes', 'create', '--user', 'carol', '--reason', 'spam', '--duration', '1d']);
  assert.equal(muted.code, 0, muted.stderr);
  assert.deepEqual([jsonLine(muted).kind, jsonLine(muted).in_force], ['mute', true]);
  const rated = await roster(['users', 'set-avatar-nsfw', 'carol', 'X']);
  assert.equal(rated.code, 0, rated.stderr);
  assert.equal(jsonLine(rated).avatar_nsfw, 'X');
  assertFailure(await roster(['users', 'set-avatar-nsfw', 'carol', 'R']), /invalid avatar level "R" \(use None, Soft, Mature, X\)/);
});
