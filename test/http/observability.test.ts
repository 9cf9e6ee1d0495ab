import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/app.js';
import { createApiKey } from '../../src/core/auth/api-keys.js';
import { createTestCore, type TestCore } from '../support/database.js';
import { insertUser, viewerOf } from '../support/users.js';

const METRICS_TOKEN = 'metrics-token-for-tests-0123456789';

/** The value of one sample line, e.g. `roster_http_requests_total{…} 3`, or 0 when absent. */
function sample(text: string, name: string, labels: Record<string, string>): number {
  const wanted = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  const line = text.split('\n').find(
    (l) =>
      l.startsWith(`${name}{`) &&
      wanted.every((pair) => l.includes(pair)) &&
      l
        .slice(name.length + 1)
        .split('}')[0]!
        .split(',').length === wanted.length,
  );
  return line ? Number(line.split(' ').at(-1)) : 0;
}

describe('request log, request ids and metrics', () => {
  let core: TestCore;
  let app: FastifyInstance;
  const lines: Record<string, unknown>[] = [];
  let key = '';

  before(async () => {
    core = await createTestCore({ env: { ROSTER_LOG_LEVEL: 'info', ROSTER_ACCESS_LOG: 'true', ROSTER_METRICS_TOKEN: METRICS_TOKEN } });
    app = buildApp(core, { logStream: { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) } });
    await app.ready();
    const id = await insertUser(core, { name: 'watcher', level: 50 });
    key = (await createApiKey(core, await viewerOf(core, id), id, {})).secret;
  });
  after(async () => {
    await app.close();
    await core.dispose();
  });

  test('one log line per request: id, dialect, route pattern, status, duration, viewer; no secret', async () => {
    lines.length = 0;
    const response = await app.inject({
      url: `/danbooru/users/1.json?login=watcher&api_key=${encodeURIComponent(key)}`,
      headers: { 'x-request-id': 'trace-abc-123' },
    });
    assert.equal(response.headers['x-request-id'], 'trace-abc-123');
    const logged = lines.filter((line) => line.msg === 'request');
    assert.equal(logged.length, 1);
    const line = logged[0]!;
    assert.equal(line.reqId, 'trace-abc-123');
    assert.equal(line.dialect, 'danbooru');
    assert.equal(line.route, '/danbooru/users/:id');
    assert.equal(line.status, response.statusCode);
    assert.equal(typeof line.ms, 'number');
    assert.equal(typeof line.viewer, 'number');
    assert.ok(!JSON.stringify(lines).includes(key), 'the API key never reaches the log');
    await app.inject({ url: '/v1/me', headers: { authorization: `Bearer ${key}` } });
    assert.ok(!JSON.stringify(lines).includes(key));
    assert.equal(lines.filter((l) => l.msg === 'request').length, 2, "Fastify's own two lines per request are off");
  });

  test('a malformed X-Request-Id is replaced by a generated one', async () => {
    const response = await app.inject({ url: '/v1/users/1', headers: { 'x-request-id': 'bad id\twith spaces' } });
    assert.match(String(response.headers['x-request-id']), /^[0-9a-f-]{36}$/);
  });

  test('/metrics needs the bearer token', async () => {
    assert.equal((await app.inject({ url: '/metrics' })).statusCode, 401);
    assert.equal((await app.inject({ url: '/metrics', headers: { authorization: 'Bearer wrong-token-of-the-same-length!' } })).statusCode, 401);
    const ok = await app.inject({ url: '/metrics', headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
    assert.equal(ok.statusCode, 200);
    assert.match(String(ok.headers['content-type']), /^text\/plain; version=0\.0\.4/);
  });

  test('a known sequence of requests is counted exactly, by route pattern and status class', async () => {
    const before = (await app.inject({ url: '/metrics', headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).body;
    const secretPath = '/danbooru/users/987654321.json';
    for (let i = 0; i < 3; i++) await app.inject({ url: `/danbooru/users/1.json?api_key=${encodeURIComponent(key)}&login=watcher` });
    await app.inject({ url: secretPath });
    await app.inject({ url: '/v1/no-such-route-xyz' });
    await app.inject({ url: '/healthz' });
    const text = (await app.inject({ url: '/metrics', headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).body;
    const route = { dialect: 'danbooru', route: '/danbooru/users/:id', method: 'GET' };
    assert.equal(
      sample(text, 'roster_http_requests_total', { ...route, status_class: '2xx' }) -
        sample(before, 'roster_http_requests_total', { ...route, status_class: '2xx' }),
      3,
    );
    assert.equal(
      sample(text, 'roster_http_requests_total', { ...route, status_class: '4xx' }) -
        sample(before, 'roster_http_requests_total', { ...route, status_class: '4xx' }),
      1,
    );
    const unmatched = { dialect: 'native', route: '(no route)', method: 'GET', status_class: '4xx' };
    assert.equal(sample(text, 'roster_http_requests_total', unmatched) - sample(before, 'roster_http_requests_total', unmatched), 1);
    assert.ok(!text.includes('987654321'), 'raw paths never become labels');
    assert.ok(!text.includes('no-such-route-xyz'));
    assert.ok(!text.includes(key));
    assert.ok(!text.includes('/healthz'), 'probes are not counted');
    assert.match(text, /roster_http_request_duration_seconds_bucket\{le="0\.005",dialect="danbooru",route="\/danbooru\/users\/:id",status_class="2xx"\}/);
  });

  test('credential cache hits and misses, store gauges and process metrics are exposed', async () => {
    const text = (await app.inject({ url: '/metrics', headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).body;
    assert.ok(sample(text, 'roster_credential_cache_total', { result: 'miss' }) >= 1);
    assert.ok(sample(text, 'roster_credential_cache_total', { result: 'hit' }) >= 1);
    assert.match(text, /^roster_accounts 1$/m);
    assert.match(text, /^roster_active_bans 0$/m);
    assert.match(text, /^roster_change_feed_listening 1$/m);
    assert.match(text, /^roster_change_feed_reconnects_total 0$/m);
    assert.match(text, /^process_resident_memory_bytes \d+/m);
    assert.match(text, /^roster_db_statement_duration_seconds_count \d+/m);
    assert.match(text, /^roster_password_work\{state="running"\} 0$/m);
    assert.match(text, /^roster_password_work\{state="queued"\} 0$/m);
  });
});

describe('the access log', () => {
  test('is off by default: no line per request even at info, the request still counted', async () => {
    const core = await createTestCore({ env: { ROSTER_LOG_LEVEL: 'info', ROSTER_METRICS_TOKEN: METRICS_TOKEN } });
    const lines: Record<string, unknown>[] = [];
    const app = buildApp(core, { logStream: { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) } });
    try {
      const response = await app.inject({ url: '/v1/users/1' });
      assert.ok(response.headers['x-request-id']);
      assert.deepEqual(
        lines.filter((line) => line.msg === 'request'),
        [],
      );
      const text = (await app.inject({ url: '/metrics', headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).body;
      assert.equal(sample(text, 'roster_http_requests_total', { dialect: 'native', route: '/v1/users/:id', method: 'GET', status_class: '4xx' }), 1);
    } finally {
      await app.close();
      await core.dispose();
    }
  });
});

describe('logins in the metrics', () => {
  test('successes and failures by reason', async () => {
    const core = await createTestCore({ env: { ROSTER_METRICS_TOKEN: METRICS_TOKEN } });
    const app = buildApp(core);
    try {
      const created = await app.inject({
        method: 'POST',
        url: '/danbooru/users.json',
        payload: { user: { name: 'loginer', password: 'a good long password', password_confirmation: 'a good long password' } },
      });
      assert.ok(created.statusCode < 400, created.body);
      await app.inject({ method: 'POST', url: '/v1/sessions', payload: { login: 'loginer', password: 'a good long password' } });
      await app.inject({ method: 'POST', url: '/v1/sessions', payload: { login: 'loginer', password: 'not the password' } });
      await app.inject({ method: 'POST', url: '/v1/sessions', payload: { login: 'nobody-here', password: 'whatever password' } });
      const text = (await app.inject({ url: '/metrics', headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).body;
      assert.equal(sample(text, 'roster_logins_total', { outcome: 'success', reason: 'ok' }), 1);
      assert.equal(sample(text, 'roster_logins_total', { outcome: 'failure', reason: 'wrong_password' }), 1);
      assert.equal(sample(text, 'roster_logins_total', { outcome: 'failure', reason: 'unknown_login' }), 1);
      assert.ok(!text.includes('nobody-here'));
    } finally {
      await app.close();
      await core.dispose();
    }
  });

  test('without a token or port, the main port has no /metrics', async () => {
    const core = await createTestCore();
    const app = buildApp(core);
    try {
      assert.equal((await app.inject({ url: '/metrics' })).statusCode, 404);
    } finally {
      await app.close();
      await core.dispose();
    }
  });
});
