import assert from 'node:assert/strict';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { ChildProcess } from 'node:child_process';
import { sql } from 'kysely';
import { SYSTEM } from '../../src/core/access/viewer.js';
import { openCore, type OpenCore } from '../../src/core/create-core.js';
import { exportUsers } from '../../src/ops/transfer.js';
import { seedUsers } from '../../src/ops/seed.js';
import { spawnRoster } from '../support/run-roster.js';
import { createTestCore, createTestDatabase, TEST_ENGINE, testConfig, type TestDatabase } from '../support/database.js';

const SOURCE_USERS = 30_000;

async function exportAll(core: OpenCore): Promise<string> {
  let text = '';
  for await (const chunk of exportUsers(core, SYSTEM, { batchSize: 5_000 })) text += chunk;
  return text;
}

async function countUsers(core: OpenCore): Promise<number> {
  const row = await core.db
    .selectFrom('users')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Polls until `check()` holds (or fails after `ms`). */
async function until(ms: number, what: string, check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) assert.fail(`${what} did not happen within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

async function killHard(child: ChildProcess): Promise<void> {
  const exited = once(child, 'exit');
  child.kill('SIGKILL');
  await exited;
}

/** What a database left by a killed writer must satisfy: it opens (migrations, repairs) and is consistent. */
async function assertOpensIntact(url: string): Promise<OpenCore> {
  const core = await openCore(testConfig(url));
  if (core.caps.engine === 'sqlite') {
    assert.deepEqual((await sql<{ integrity_check: string }>`pragma integrity_check`.execute(core.db)).rows, [{ integrity_check: 'ok' }]);
    // The substring index agrees with the table (a killed bulk load must not leave it stale).
    const indexed = await sql<{ n: number }>`select count(*) as n from users_fts`.execute(core.db);
    assert.equal(Number(indexed.rows[0]!.n), await countUsers(core));
  }
  return core;
}

/** A user line without what belongs to it would be a partial user: compare each imported user with its source line. */
function essentials(line: string): string {
  const user = JSON.parse(line) as Record<string, unknown> & { name_changes: unknown[]; sanctions: unknown[]; subscriptions?: unknown[] };
  return JSON.stringify([
    user.id,
    user.name,
    user.password_hash,
    user.email,
    user.level,
    user.name_changes.length,
    user.sanctions.length,
    user.subscriptions?.length ?? 0,
  ]);
}

describe(`kill -9 (${TEST_ENGINE})`, () => {
  let dir: string;
  let file: string;
  let sourceLines: Map<number, string>;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'roster-kill-'));
    file = join(dir, 'users.jsonl');
    const source = await createTestCore();
    try {
      await seedUsers(source, SYSTEM, { users: SOURCE_USERS, randomSeed: 6 });
      const text = await exportAll(source);
      writeFileSync(file, text);
      sourceLines = new Map(
        text
          .trimEnd()
          .split('\n')
          .map((line) => [(JSON.parse(line) as { id: number }).id, line]),
      );
    } finally {
      await source.dispose();
    }
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('during `roster import`: the database opens, every imported user is whole, and the rest can be imported after', async () => {
    const target: TestDatabase = await createTestDatabase();
    const watcher = await openCore(testConfig(target.url));
    try {
      const child = spawnRoster(['import', '--input', file, '--batch', '2000'], { url: target.url });
      let stderr = '';
      child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text));
      // Killed once some batches are in and (very likely) one is half-written.
      await until(120_000, `import started (${stderr})`, async () => (await countUsers(watcher)) >= 4_000);
      await new Promise((resolve) => setTimeout(resolve, 25));
      await killHard(child);
      await watcher.close();

      const core = await assertOpensIntact(target.url);
      try {
        const imported = await exportAll(core);
        const lines = imported.trimEnd().split('\n').filter(Boolean);
        assert.ok(lines.length > 0 && lines.length < SOURCE_USERS, `killed part-way (${lines.length} users in)`);
        assert.equal(lines.length % 2000, 0, 'only whole batches are in');
        for (const line of lines) {
          const id = (JSON.parse(line) as { id: number }).id;
          assert.equal(essentials(line), essentials(sourceLines.get(id)!), `user ${id} is whole`);
        }
      } finally {
        await core.close();
      }
    } finally {
      await target.drop();
    }
  });

  it('during a burst of signups to `roster serve`: the database opens and no user is half-written', async () => {
    const target = await createTestDatabase();
    try {
      // Migrated first, so that the burst starts as soon as the server listens.
      await (await openCore(testConfig(target.url))).close();
      const server = spawnRoster(['serve'], { url: target.url, env: { PORT: '0', ROSTER_LOG_LEVEL: 'info' } });
      let output = '';
      server.stderr.setEncoding('utf8').on('data', (text: string) => (output += text));
      const url = await new Promise<string>((resolve, reject) => {
        server.stderr.on('data', () => {
          const match = /listening on (http:\/\/\S+)/.exec(output);
          if (match) resolve(match[1] as string);
        });
        server.on('exit', () => reject(new Error(`serve exited: ${output}`)));
      });
      let created = 0;
      const burst = Array.from({ length: 300 }, (_, i) =>
        fetch(`${url}/v1/users`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ name: `burst_${i}`, password: 'correct horse battery', email: `b${i}@example.org` }),
        }).then(
          (response) => {
            if (response.status === 201) created += 1;
          },
          () => {},
        ),
      );
      await until(60_000, 'some signups committed', async () => created >= 20);
      await killHard(server);
      await Promise.all(burst);

      const core = await assertOpensIntact(target.url);
      try {
        const users = await core.db.selectFrom('users').select(['name', 'password_hash', 'email', 'uuid']).execute();
        assert.ok(users.length >= created && users.length < 300, `killed part-way (${users.length} users, ${created} acknowledged)`);
        for (const user of users) {
          assert.match(user.name, /^burst_\d+$/);
          assert.ok(user.password_hash?.startsWith('$argon2id$'), `${user.name} has its password`);
          assert.equal(user.email, `b${user.name.slice('burst_'.length)}@example.org`);
        }
        // And it serves again: a new signup on the reopened database.
        const app = (await import('../../src/app.js')).buildApp(core);
        const response = await app.inject({ method: 'POST', url: '/v1/users', payload: { name: 'after_kill', password: 'correct horse battery' } });
        assert.equal(response.statusCode, 201, response.body);
        await app.close();
      } finally {
        await core.close();
      }
    } finally {
      await target.drop();
    }
  });
});
