import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/app.js';
import { ADMIN_CSP } from '../../src/http/admin-console.js';
import { createTestCore, type TestCore } from '../support/database.js';

/** Serving the console's files, without a browser: the browser tests are in test/admin/. */
let core: TestCore;
let built: FastifyInstance;
let unbuilt: FastifyInstance;
let dir: string;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'roster-admin-'));
  mkdirSync(join(dir, 'built', 'assets'), { recursive: true });
  writeFileSync(join(dir, 'built', 'index.html'), '<!doctype html><title>console</title><script type="module" src="/admin/assets/app-1.js"></script>');
  writeFileSync(join(dir, 'built', 'assets', 'app-1.js'), 'export {};');
  writeFileSync(join(dir, 'secret.txt'), 'outside');
  core = await createTestCore();
  built = buildApp(core, { adminConsoleDir: join(dir, 'built') });
  unbuilt = buildApp(core, { adminConsoleDir: join(dir, 'missing') });
});

after(async () => {
  await built.close();
  await unbuilt.close();
  await core.dispose();
  rmSync(dir, { recursive: true, force: true });
});

test('/admin/ is the page, with the strict Content-Security-Policy and no caching', async () => {
  const page = await built.inject({ url: '/admin/' });
  assert.equal(page.statusCode, 200);
  assert.match(String(page.headers['content-type']), /text\/html/);
  assert.equal(page.headers['content-security-policy'], ADMIN_CSP);
  assert.doesNotMatch(ADMIN_CSP, /unsafe-inline|unsafe-eval|\*/);
  assert.equal(page.headers['x-frame-options'], 'DENY');
  assert.equal(page.headers['cache-control'], 'no-cache');
  const bare = await built.inject({ url: '/admin' });
  assert.equal(bare.statusCode, 301);
  assert.equal(bare.headers.location, '/admin/');
});

test('built assets are served by their hashed names, cached for good', async () => {
  const asset = await built.inject({ url: '/admin/assets/app-1.js' });
  assert.equal(asset.statusCode, 200);
  assert.match(String(asset.headers['content-type']), /text\/javascript/);
  assert.match(String(asset.headers['cache-control']), /immutable/);
  assert.equal(asset.body, 'export {};');
});

test('only built files are served: unknown names and paths out of the folder are 404 in the native shape', async () => {
  for (const url of ['/admin/assets/none.js', '/admin/../secret.txt', '/admin/%2e%2e/secret.txt', '/admin/assets/..%2f..%2fsecret.txt']) {
    const response = await built.inject({ url });
    assert.equal(response.statusCode, 404, url);
    assert.equal((response.json() as { error: { code: string } }).error.code, 'not_found', url);
    assert.doesNotMatch(response.body, /outside/);
  }
});

test('without a build, /admin says how to make one', async () => {
  const response = await unbuilt.inject({ url: '/admin/' });
  assert.equal(response.statusCode, 404);
  assert.match((response.json() as { error: { message: string } }).error.message, /npm run build/);
});
