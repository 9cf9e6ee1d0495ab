import assert from 'node:assert/strict';
import { test } from 'node:test';
import bcrypt from 'bcryptjs';
import { CoreError } from '../../src/core/errors.js';
import { Level } from '../../src/core/access/levels.js';
import { banUser, muteUser } from '../../src/core/moderation/moderation.js';
import { seedUsers } from '../../src/ops/seed.js';
import { login } from '../../src/core/auth/sessions.js';
import { exportUsers, importUsers, type ImportFailure } from '../../src/ops/transfer.js';
import { createUser, deleteUser, renameUser } from '../../src/core/users/users.js';
import { ANONYMOUS, SYSTEM, viewerFor } from '../../src/core/access/viewer.js';
import { createTestCore, type TestCore } from '../support/database.js';

async function exportAll(core: TestCore, batchSize = 1000): Promise<string> {
  let text = '';
  for await (const chunk of exportUsers(core, SYSTEM, { batchSize })) text += chunk;
  return text;
}

/** Feeds `text` in small byte chunks, so lines and multi-byte characters straddle chunks. */
function chunked(text: string, size = 7): Buffer[] {
  const bytes = Buffer.from(text, 'utf8');
  const chunks: Buffer[] = [];
  for (let start = 0; start < bytes.length; start += size) chunks.push(bytes.subarray(start, start + size));
  return chunks;
}

async function importText(
  core: TestCore,
  text: string,
  batchSize = 7,
): Promise<{ summary: Awaited<ReturnType<typeof importUsers>>; failures: ImportFailure[] }> {
  const failures: ImportFailure[] = [];
  const summary = await importUsers(core, SYSTEM, chunked(text), { batchSize, onFailure: (f) => failures.push(f) });
  return { summary, failures };
}

/**
 * A database with everything the format carries: Argon2id and bcrypt hashes, a deleted user,
 * name history, a ban by a moderator created after the banned user, a lifted mute, an inviter
 * with a higher id, metadata, preferences, counters, a subscription, and seeded users.
 */
async function populate(core: TestCore): Promise<void> {
  await createUser(core, SYSTEM, { name: 'argon_anna', password: 'anna password 1', email: 'Anna@Example.com', emailVerified: true });
  await createUser(core, SYSTEM, { name: 'bcrypt_ben', passwordHash: bcrypt.hashSync('ben old password', 4) });
  const gone = await createUser(core, SYSTEM, { name: 'gone_gina', password: 'gina password 1' });
  await deleteUser(core, SYSTEM, gone.id);
  const renamed = await createUser(core, SYSTEM, { name: 'old_olga', password: 'olga password 1' });
  await renameUser(core, SYSTEM, renamed.id, 'new_olga');
  const banned = await createUser(core, SYSTEM, { name: 'banned_bob', password: 'bob password 11' });
  const moderator = await createUser(core, SYSTEM, { name: 'mod_maria', password: 'maria password', level: Level.Moderator });
  const asModerator = viewerFor(moderator, { kind: 'session', id: 0 }, null);
  await banUser(core, asModerator, { userId: banned.id, reason: 'Spam – “quoted” 漢字', durationMs: null });
  await muteUser(core, asModerator, { userId: renamed.id, reason: 'flooding', durationMs: 86_400_000 });
  await core.db.updateTable('users').set({ inviter_id: moderator.id }).where('id', '=', renamed.id).execute();
  await core.db
    .updateTable('users')
    .set({
      client_metadata: '{"theme":"dark","n":[1,2]}',
      server_metadata: '{"plan":"pro"}',
      client_read_only_metadata: '"ro"',
      preferences: '{"per_page":50,"flags":{"enable_safe_mode":true}}',
      favorite_count: 12,
      upload_points: -3,
      risk_scores: '{"sign_up":{"bot":0,"free_trial_abuse":10}}',
      country_code: 'NL',
      last_ip_addr: '203.0.113.9',
      last_logged_in_at: 1_600_000_000_123,
    })
    .where('id', '=', moderator.id)
    .execute();
  await core.db
    .insertInto('subscriptions')
    .values({ user_id: moderator.id, product: 'civitai', tier: 'gold', created_at: 1_700_000_000_000, expires_at: null, canceled_at: null })
    .execute();
  await seedUsers(core, SYSTEM, { users: 150, batchSize: 40, randomSeed: 3 });
}

test('export → import into an empty database → export gives identical lines; old passwords still work', async () => {
  const source = await createTestCore();
  const target = await createTestCore();
  try {
    await populate(source);
    const first = await exportAll(source, 16);
    const lines = first.trimEnd().split('\n');
    assert.equal(lines.length, 156);
    const ids = lines.map((line) => (JSON.parse(line) as { id: number }).id);
    assert.deepEqual(
      ids,
      [...ids].sort((a, b) => a - b),
    );
    const { summary, failures } = await importText(target, first);
    assert.deepEqual(failures, []);
    assert.deepEqual(summary, { lines: 156, imported: 156, failed: 0, idsChanged: 0, uuidsChanged: 0, unresolvedReferences: 0 });
    assert.equal(await exportAll(target), first);
    for (const [name, password] of [
      ['bcrypt_ben', 'ben old password'],
      ['argon_anna', 'anna password 1'],
      ['new_olga', 'olga password 1'],
    ]) {
      const signedIn = await login(target, { login: name as string, password: password as string, ip: null });
      assert.equal(signedIn.user.name, name);
    }
    await assert.rejects(login(target, { login: 'banned_bob', password: 'bob password 11', ip: null }));
    const deleted = JSON.parse(lines[2] as string) as Record<string, unknown>;
    assert.equal(deleted.is_deleted, true);
    assert.match(deleted.name as string, /^user_3$/);
  } finally {
    await source.dispose();
    await target.dispose();
  }
});

test('the exported line holds the hash, history, sanctions and metadata but nothing of sessions or keys', async () => {
  const core = await createTestCore();
  try {
    await populate(core);
    const lines = (await exportAll(core))
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    const ben = lines.find((l) => l.name === 'bcrypt_ben') as Record<string, unknown>;
    assert.match(ben.password_hash as string, /^\$2[aby]\$04\$/);
    const olga = lines.find((l) => l.name === 'new_olga') as Record<string, unknown>;
    assert.deepEqual(
      (olga.name_changes as Record<string, unknown>[]).map((c) => [c.old_name, c.new_name]),
      [['old_olga', 'new_olga']],
    );
    assert.equal((olga.sanctions as Record<string, unknown>[])[0]?.kind, 'mute');
    const maria = lines.find((l) => l.name === 'mod_maria') as Record<string, unknown>;
    assert.equal(olga.inviter_id, maria.id);
    assert.deepEqual(maria.client_metadata, { theme: 'dark', n: [1, 2] });
    assert.deepEqual(maria.preferences, { per_page: 50, flags: { enable_safe_mode: true } });
    assert.equal((maria.counters as Record<string, number>).upload_points, -3);
    assert.equal(maria.last_logged_in_at, '2020-09-13T12:26:40.123Z');
    assert.deepEqual(maria.subscriptions, [{ product: 'civitai', tier: 'gold', created_at: '2023-11-14T22:13:20.000Z', expires_at: null, canceled_at: null }]);
    for (const line of lines) assert.ok(!('sessions' in line) && !('api_keys' in line) && !('token_hash' in line));
  } finally {
    await core.dispose();
  }
});

test('importing into a database in use: taken ids move and references follow, taken names fail alone', async () => {
  const source = await createTestCore();
  const target = await createTestCore();
  try {
    await populate(source);
    const text = await exportAll(source);
    for (const name of ['someone_else', 'another_one', 'argon_anna']) await createUser(target, SYSTEM, { name, password: 'long enough password' });
    const { summary, failures } = await importText(target, text, 50);
    assert.deepEqual(failures, [{ line: 1, message: 'name "argon_anna" is already taken' }]);
    assert.equal(summary.imported, 155);
    // Ids 1-3 are taken; a user moved to the next free id may in turn take a later user's id.
    assert.ok(summary.idsChanged >= 2 && summary.idsChanged < 155, String(summary.idsChanged));
    const bob = await target.db.selectFrom('users').select('id').where('name', '=', 'banned_bob').executeTakeFirstOrThrow();
    const maria = await target.db.selectFrom('users').select('id').where('name', '=', 'mod_maria').executeTakeFirstOrThrow();
    const ban = await target.db.selectFrom('sanctions').selectAll().where('user_id', '=', bob.id).executeTakeFirstOrThrow();
    assert.equal(ban.actor_id, maria.id);
    const olga = await target.db.selectFrom('users').select(['inviter_id', 'uuid']).where('name', '=', 'new_olga').executeTakeFirstOrThrow();
    assert.equal(olga.inviter_id, maria.id);
    const deleted = await target.db.selectFrom('users').select(['id', 'name']).where('is_deleted', '=', 1).executeTakeFirstOrThrow();
    assert.equal(deleted.name, `user_${deleted.id}`);
    // Importing again: every name is taken now, nothing changes.
    const again = await importText(target, text, 50);
    assert.equal(again.summary.imported, 0);
    assert.equal(again.failures.length, 156);
  } finally {
    await source.dispose();
    await target.dispose();
  }
});

test('bad lines are reported with their numbers and skipped; the rest are imported', async () => {
  const core = await createTestCore();
  try {
    const text = [
      '{"name":"first_ok","email":"first@example.com","level":30,"created_at":"2020-01-02T03:04:05.678Z"}',
      'this is not JSON',
      '{"name":"extra_field","bogus":1}',
      '{"name":"bad_level","level":25}',
      '{"name":"plain_password","password_hash":"hunter2"}',
      '',
      '{"name":"with space","created_at":1577934245678,"sanctions":[{"kind":"ban","reason":"r","created_at":"2021-01-01T00:00:00.000Z","actor_id":999}]}',
      '{"name":"bad_time","created_at":"yesterday"}',
      '{"name":"user_12"}',
      '{"name":"twice"}',
      '{"name":"TWICE"}',
    ].join('\r\n');
    const { summary, failures } = await importText(core, text, 3);
    assert.deepEqual(
      failures.map((f) => f.line),
      [2, 3, 4, 5, 8, 9, 11],
    );
    assert.match(failures[0]?.message ?? '', /JSON/);
    assert.match(failures[1]?.message ?? '', /bogus/i);
    assert.match(failures[2]?.message ?? '', /level/);
    assert.match(failures[3]?.message ?? '', /password_hash/);
    assert.match(failures[4]?.message ?? '', /created_at/);
    assert.match(failures[5]?.message ?? '', /user_<number>/);
    assert.deepEqual(
      { lines: summary.lines, imported: summary.imported, failed: summary.failed, unresolved: summary.unresolvedReferences },
      { lines: 10, imported: 3, failed: 7, unresolved: 1 },
    );
    const rows = await core.db.selectFrom('users').select(['name', 'level', 'created_at', 'password_hash']).orderBy('id').execute();
    assert.deepEqual(
      rows.map((r) => [r.name, r.level, r.created_at, r.password_hash]),
      [
        ['first_ok', 30, 1_577_934_245_678, null],
        ['with_space', 20, 1_577_934_245_678, null],
        ['twice', 20, rows[2]?.created_at, null],
      ],
    );
    const ban = await core.db.selectFrom('sanctions').select('actor_id').executeTakeFirstOrThrow();
    assert.equal(ban.actor_id, null);
  } finally {
    await core.dispose();
  }
});

test('a line holding NUL, a control character or a lone surrogate is refused with its field, the same on both engines', async () => {
  const core = await createTestCore();
  try {
    const text = [
      '{"name":"surrogate_one","display_name":"a\\ud800b"}',
      '{"name":"nul_two","first_name":"a\\u0000b"}',
      '{"name":"bell_three","last_name":"a\\u0007b"}',
      '{"name":"plain_four","display_name":"ok \u{1F600}"}',
    ].join('\n');
    const { summary, failures } = await importText(core, text);
    assert.deepEqual(
      failures.map((f) => [f.line, f.message.split(':')[0]]),
      [
        [1, 'display_name'],
        [2, 'first_name'],
        [3, 'last_name'],
      ],
    );
    assert.equal(summary.imported, 1);
    const rows = await core.db.selectFrom('users').select(['name', 'display_name']).execute();
    assert.deepEqual(
      rows.map((r) => [r.name, r.display_name]),
      [['plain_four', 'ok \u{1F600}']],
    );
  } finally {
    await core.dispose();
  }
});

test('only the system may export or import', async () => {
  const core = await createTestCore();
  try {
    await assert.rejects(exportUsers(core, ANONYMOUS).next(), (e: unknown) => e instanceof CoreError && e.code === 'forbidden');
    await assert.rejects(importUsers(core, ANONYMOUS, []), (e: unknown) => e instanceof CoreError && e.code === 'forbidden');
  } finally {
    await core.dispose();
  }
});
