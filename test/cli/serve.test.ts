import assert from 'node:assert/strict';
import { once } from 'node:events';
import { test } from 'node:test';
import { createTestDatabase } from '../support/database.js';
import { jsonLine, runRoster, spawnRoster } from '../support/run-roster.js';

test('migrate prints the migrations it applied, then nothing once up to date', async () => {
  const database = await createTestDatabase();
  try {
    const first = await runRoster(['migrate'], { url: database.url });
    assert.equal(first.code, 0, first.stderr);
    assert.equal(first.stdout.split('\n')[0], '0001-initial');
    const second = await runRoster(['migrate'], { url: database.url });
    assert.deepEqual([second.code, second.stdout], [0, '']);
    assert.match(second.stderr, /up to date/);
  } finally {
    await database.drop();
  }
});

test('a bad ROSTER_DATABASE_URL is reported without a stack trace', async () => {
  const result = await runRoster(['users', 'show', 'x'], { url: 'mysql://nope' });
  assert.notEqual(result.code, 0);
  assert.equal(result.stdout, '');
  assert.match(result.stderr, /^roster: invalid environment: ROSTER_DATABASE_URL/);
});

test('serve runs beside the CLI on the same database, and stops on SIGTERM', async () => {
  const database = await createTestDatabase();
  const server = spawnRoster(['serve'], { url: database.url, env: { PORT: '0' } });
  try {
    let stderr = '';
    server.stderr.setEncoding('utf8');
    const url = await new Promise<string>((resolve, reject) => {
      server.stderr.on('data', (text: string) => {
        stderr += text;
        const match = /listening on (http:\/\/\S+)/.exec(stderr);
        if (match) resolve(match[1] as string);
      });
      server.on('exit', () => reject(new Error(`serve exited: ${stderr}`)));
    });
    const options = { url: database.url };
    const user = jsonLine(await runRoster(['users', 'create', '--name', 'while_serving', '--password', 'long enough password'], options));
    const secret = (await runRoster(['tokens', 'create', '--user', 'while_serving'], options)).stdout.trim();
    const get = () => fetch(`${url}/v1/users/${user.id as number}`, { headers: { authorization: `Bearer ${secret}` } });
    const before = await get();
    assert.equal(before.status, 200);
    assert.equal(((await before.json()) as { name?: string }).name, 'while_serving');
    // A ban made by another process takes effect on the running server at once.
    await runRoster(['bans', 'create', '--user', 'while_serving', '--reason', 'test', '--duration', '1d'], options);
    assert.equal((await get()).status, 401);
    server.kill('SIGTERM');
    const [code] = (await once(server, 'exit')) as [number | null];
    assert.equal(code, 0);
    assert.match(stderr, /stopped/);
  } finally {
    if (server.exitCode === null) server.kill('SIGKILL');
    await database.drop();
  }
});
