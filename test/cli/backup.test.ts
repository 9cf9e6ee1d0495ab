import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import SqliteDatabase from 'better-sqlite3';
import { createTestCore } from '../support/database.js';
import { insertUser } from '../support/users.js';
import { jsonLine, runRoster } from '../support/run-roster.js';

const scratch = (): string => mkdtempSync(join(tmpdir(), 'roster-backup-'));

describe('roster backup and restore (SQLite)', () => {
  test('a backup taken during a burst of writes restores to a sound database with every user committed before it began', async () => {
    const core = await createTestCore({ engine: 'sqlite' });
    const dir = scratch();
    try {
      for (let i = 0; i < 300; i++) await insertUser(core, { name: `before_${i}` });
      const committedBefore = (await core.db.selectFrom('users').select('id').execute()).map((row) => row.id);
      let writing = true;
      let written = 0;
      const burst = (async () => {
        while (writing) {
          await insertUser(core, { name: `during_${written++}` });
          await new Promise((resolve) => setImmediate(resolve));
        }
      })();
      const backup = await runRoster(['backup', '--output', join(dir, 'copy.db')], { url: core.database.url });
      writing = false;
      await burst;
      assert.equal(backup.code, 0, backup.stderr);
      assert.ok(written > 0, 'writes went on during the backup');
      const summary = jsonLine(backup);
      assert.ok(Number(summary.users) >= committedBefore.length);

      const target = join(dir, 'restored', 'roster.db');
      const restored = await runRoster(['restore', '--input', join(dir, 'copy.db')], { url: `sqlite:${target}` });
      assert.equal(restored.code, 0, restored.stderr);
      assert.equal(jsonLine(restored).restored, target);
      const db = new SqliteDatabase(target, { readonly: true });
      try {
        assert.equal(db.pragma('integrity_check', { simple: true }), 'ok');
        const ids = new Set(db.prepare('select id from users').pluck().all() as number[]);
        assert.deepEqual(
          committedBefore.filter((id) => !ids.has(id)),
          [],
          'every user committed before the backup is in it',
        );
      } finally {
        db.close();
      }
      // The restored file serves: a migrate on it succeeds and finds nothing to do.
      const migrate = await runRoster(['migrate'], { url: `sqlite:${target}` });
      assert.equal(migrate.code, 0, migrate.stderr);
    } finally {
      await core.dispose();
    }
  });

  test('backup refuses to overwrite; restore refuses a non-empty target and a file that is not a Roster database', async () => {
    const core = await createTestCore({ engine: 'sqlite' });
    const dir = scratch();
    try {
      const existing = join(dir, 'exists.db');
      writeFileSync(existing, 'x');
      const overwrite = await runRoster(['backup', '--output', existing], { url: core.database.url });
      assert.equal(overwrite.code, 1);
      assert.match(overwrite.stderr, /already exists/);
      assert.equal(overwrite.stdout, '');

      const copy = join(dir, 'good.db');
      assert.equal((await runRoster(['backup', '--output', copy], { url: core.database.url })).code, 0);
      const intoLive = await runRoster(['restore', '--input', copy], { url: core.database.url });
      assert.equal(intoLive.code, 1);
      assert.match(intoLive.stderr, /already holds a database/);

      const junk = join(dir, 'junk.db');
      writeFileSync(junk, 'this is not sqlite at all, just text');
      const notOurs = await runRoster(['restore', '--input', junk], { url: `sqlite:${join(dir, 'new', 'r.db')}` });
      assert.equal(notOurs.code, 1);
      assert.match(notOurs.stderr, /not a (readable )?SQLite database|cannot be opened/);

      const other = join(dir, 'other.db');
      const plain = new SqliteDatabase(other);
      plain.exec('create table t (x)');
      plain.close();
      const foreign = await runRoster(['restore', '--input', other], { url: `sqlite:${join(dir, 'new2', 'r.db')}` });
      assert.equal(foreign.code, 1);
      assert.match(foreign.stderr, /not a Roster database/);
    } finally {
      await core.dispose();
    }
  });
});

describe('roster backup and restore (PostgreSQL)', () => {
  test('print the pg_dump / pg_restore command for the configured database, without its password', async () => {
    const url = 'postgres://roster:s3cret-pass@127.0.0.1:1/roster_prod';
    const backup = await runRoster(['backup', '--output', 'dump.pgc'], { url });
    assert.equal(backup.code, 2);
    assert.equal(backup.stdout.trim(), "pg_dump --format=custom --file 'dump.pgc' 'postgres://roster@127.0.0.1:1/roster_prod'");
    assert.match(backup.stderr, /use pg_dump/);
    const restore = await runRoster(['restore', '--input', 'dump.pgc'], { url });
    assert.equal(restore.code, 2);
    assert.equal(restore.stdout.trim(), "pg_restore --clean --if-exists --no-owner --dbname 'postgres://roster@127.0.0.1:1/roster_prod' 'dump.pgc'");
    assert.ok(!`${backup.stdout}${backup.stderr}${restore.stdout}${restore.stderr}`.includes('s3cret-pass'));
  });
});
