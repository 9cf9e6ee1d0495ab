import assert from 'node:assert/strict';
import { test } from 'node:test';
import { closeOnSignals, startServer, type RunningServer } from '../src/server.js';
import { createTestDatabase, testConfig } from './support/database.js';

test('startServer listens on the main port and on each dialect port, and closes cleanly', async () => {
  const database = await createTestDatabase();
  // Port 0: the system picks free ports, so parallel suites never collide.
  const config = testConfig(database.url, { PORT: '0', HOST: '127.0.0.1', ROSTER_DIALECT_PORTS: 'e621=0,cvat=0' });
  const server = await startServer(config);
  try {
    assert.equal(server.urls.length, 3);
    const [main, e621, cvat] = server.urls as [string, string, string];
    const native = await fetch(`${main}/v1/me`);
    assert.equal(native.status, 401);
    assert.equal(((await native.json()) as { error: { code: string } }).error.code, 'unauthenticated');
    const prefixed = await fetch(`${main}/e621/users.json`);
    assert.deepEqual(await prefixed.json(), []);
    const atRoot = await fetch(`${e621}/users.json`);
    assert.deepEqual(await atRoot.json(), []);
    const cvatRoot = await fetch(`${cvat}/api/users`);
    assert.deepEqual(await cvatRoot.json(), { detail: 'Authentication credentials were not provided.' });
  } finally {
    await server.close();
    await server.close();
    await database.drop();
  }
  await assert.rejects(fetch(`${server.urls[0]}/v1/me`));
});

test('closeOnSignals closes once on the first SIGTERM, then lets go of the signals', async () => {
  let closes = 0;
  const server: RunningServer = { urls: [], close: async () => void closes++ };
  const baseline = [process.listenerCount('SIGINT'), process.listenerCount('SIGTERM')];
  const closed = new Promise<unknown>((resolve) => closeOnSignals(server, resolve));
  assert.deepEqual(
    [process.listenerCount('SIGINT'), process.listenerCount('SIGTERM')],
    baseline.map((n) => n + 1),
  );
  process.emit('SIGTERM');
  assert.equal(await closed, undefined);
  assert.equal(closes, 1);
  assert.deepEqual([process.listenerCount('SIGINT'), process.listenerCount('SIGTERM')], baseline);
});
