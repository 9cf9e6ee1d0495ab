import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, test } from 'node:test';
import { SYSTEM } from '../../../src/core/access/viewer.js';
import { exportUsers } from '../../../src/ops/transfer.js';
import { errorCode, nativeFixture, type NativeFixture, type Role } from './fixture.js';

interface Job {
  id: string;
  status: 'running' | 'done' | 'failed';
  processed: number;
  total: number;
  imported: number;
  errors: { line: number; message: string }[];
}

describe('native import and export', () => {
  let f: NativeFixture;
  before(async () => {
    f = await nativeFixture({ env: { ROSTER_IMPORT_MAX_MB: '1' } });
  });
  after(() => f.close());

  const postImport = (role: Role | null, body: string, contentType = 'application/x-ndjson') =>
    f.app.inject({
      method: 'POST',
      url: '/v1/imports',
      headers: { 'content-type': contentType, ...(role === null ? {} : { authorization: `Bearer ${f.keys[role]}` }) },
      payload: body,
    });

  /** Polls the job until it is no longer running (the import runs in this process). */
  async function finished(id: string): Promise<Job> {
    for (let attempt = 0; attempt < 500; attempt++) {
      const response = await f.request('admin', 'GET', `/v1/imports/${id}`);
      assert.equal(response.statusCode, 200, response.body);
      const job = response.json() as Job;
      if (job.status !== 'running') return job;
      await sleep(10);
    }
    throw new Error('the import did not finish');
  }

  test('admins export the lines `roster export` writes, as ndjson, without password hashes', async () => {
    const response = await f.request('admin', 'GET', '/v1/export');
    assert.equal(response.statusCode, 200, response.body);
    assert.match(String(response.headers['content-type']), /^application\/x-ndjson/);
    let expected = '';
    for await (const chunk of exportUsers(f.core, SYSTEM, { passwordHashes: false })) expected += chunk;
    assert.equal(response.body, expected);
    assert.doesNotMatch(response.body, /password_hash|argon2/);
    let full = '';
    for await (const chunk of exportUsers(f.core, SYSTEM)) full += chunk;
    assert.match(full, /"password_hash":"\$argon2id/);
    const names = response.body
      .trim()
      .split('\n')
      .map((line) => (JSON.parse(line) as { name: string }).name);
    assert.deepEqual(names, ['owner_user', 'admin_user', 'moderator_user', 'builder_user', 'member_user', 'other_user']);
  });

  test('an admin imports: 202, progress to done, refused lines reported with their numbers', async () => {
    const lines = [
      JSON.stringify({ name: 'imported_one', email: 'one@example.org' }),
      '',
      '{not json',
      JSON.stringify({ name: 'imported_two', level: 30 }),
      JSON.stringify({ name: 'imported_boss', level: 50 }),
      JSON.stringify({ name: 'member_user' }),
    ];
    const started = await postImport('admin', lines.join('\n'));
    assert.equal(started.statusCode, 202, started.body);
    const job = started.json() as Job;
    assert.equal(job.total, 5);
    assert.ok(['running', 'done'].includes(job.status));

    const done = await finished(job.id);
    assert.equal(done.status, 'done');
    assert.equal(done.processed, 5);
    assert.equal(done.imported, 2);
    assert.deepEqual(
      done.errors.map((error) => error.line),
      [3, 5, 6],
    );
    assert.match(done.errors[1]!.message, /level/);

    const imported = await f.request('admin', 'GET', '/v1/users?name_prefix=imported&sort=name');
    assert.deepEqual(
      imported.json().items.map((user: { name: string; level: number }) => [user.name, user.level]),
      [
        ['imported_one', 20],
        ['imported_two', 30],
      ],
    );
    const audit = await f.request('admin', 'GET', '/v1/audit-log?action=user.import');
    assert.equal(audit.json().items[0].actor_id, f.users.admin.id);
  });

  test('moderators and members may neither export nor import', async () => {
    for (const role of ['moderator', 'member', null] as const) {
      const exported = await f.request(role, 'GET', '/v1/export');
      assert.equal(exported.statusCode, 403, String(role));
      assert.equal(errorCode(exported), 'forbidden');
      const imported = await postImport(role, JSON.stringify({ name: `sneaky_${String(role)}` }));
      assert.equal(imported.statusCode, 403, String(role));
      assert.equal(errorCode(imported), 'forbidden');
    }
    const job = (await postImport('admin', JSON.stringify({ name: 'watched' }))).json() as Job;
    await finished(job.id);
    const peek = await f.request('moderator', 'GET', `/v1/imports/${job.id}`);
    assert.equal(peek.statusCode, 403);
    assert.equal((await f.request('admin', 'GET', '/v1/users?name=sneaky_moderator')).json().items.length, 0);
  });

  test('bodies are bounded and typed; unknown jobs are not found', async () => {
    const tooLarge = await postImport('admin', `${JSON.stringify({ name: 'big', server_metadata: 'x'.repeat(1024 * 1024) })}\n`);
    assert.equal(tooLarge.statusCode, 413, tooLarge.body);
    assert.equal(errorCode(tooLarge), 'body_too_large');
    for (const [body, type] of [
      ['name,email\n', 'text/csv'],
      [JSON.stringify('{"name":"as_json"}'), 'application/json'],
    ]) {
      const wrongType = await postImport('admin', body!, type);
      assert.equal(wrongType.statusCode, 415, wrongType.body);
      assert.equal(errorCode(wrongType), 'unsupported_media_type');
    }
    // Refused before the body is read: a large body is not buffered for someone who may not import.
    for (const role of ['member', null] as const) {
      const refused = await postImport(role, `${JSON.stringify({ name: 'big', server_metadata: 'x'.repeat(2 * 1024 * 1024) })}\n`);
      assert.equal(refused.statusCode, 403, refused.body);
    }
    const missing = await f.request('admin', 'GET', '/v1/imports/00000000-0000-4000-8000-000000000000');
    assert.equal(missing.statusCode, 404);
    assert.equal(errorCode(missing), 'not_found');
  });
});

describe('native import body limit', () => {
  let f: NativeFixture;
  before(async () => {
    f = await nativeFixture({ env: { ROSTER_IMPORT_MAX_MB: '8' } });
  });
  after(() => f.close());

  test('only the import route reads JSON Lines bodies (past the usual limit); other routes refuse them unread', async () => {
    const big = `${JSON.stringify({ name: 'big_import', server_metadata: 'x'.repeat(64 * 1024) })}\n`.padEnd(3 * 1024 * 1024, '\n');
    for (const url of ['/v1/sessions', '/v1/users', '/v1/bans']) {
      const response = await f.app.inject({ method: 'POST', url, headers: { 'content-type': 'application/x-ndjson' }, payload: big });
      assert.equal(response.statusCode, 415, `${url}: ${response.body}`);
    }
    const imported = await f.app.inject({
      method: 'POST',
      url: '/v1/imports',
      headers: { 'content-type': 'application/x-ndjson', authorization: `Bearer ${f.keys.admin}` },
      payload: big,
    });
    assert.equal(imported.statusCode, 202, imported.body);
  });
});
