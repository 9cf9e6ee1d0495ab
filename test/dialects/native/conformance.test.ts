import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { SYSTEM } from '../../../src/core/access/viewer.js';
import { createApiKey } from '../../../src/core/auth/api-keys.js';
import { nativeFixture, type NativeFixture, type Role } from './fixture.js';

/**
 * The conformance table (STYLE 21): every documented /v1 route gets malformed ids, bodies and
 * query strings. Nothing may answer 5xx, and every refusal has the native error shape.
 */
const BAD_IDS = ['0', '-1', 'abc', '2147483648', '99999999999999999999', '1e5', '1.5', '%00', "1'%20OR%20'1'='1", '%C3%BC', 'x'.repeat(120), '%E0%A4%A'];

const deep = (depth: number): unknown => (depth === 0 ? 'leaf' : { a: deep(depth - 1) });

const BAD_BODIES: { name: string; payload: string; type?: string }[] = [
  { name: 'broken JSON', payload: '{"a":' },
  { name: 'an array', payload: '[]' },
  { name: 'a string', payload: '"text"' },
  { name: 'a number', payload: '123' },
  { name: 'an unknown field', payload: JSON.stringify({ unknown_field: 1 }) },
  { name: 'prototype pollution', payload: '{"__proto__":{"level":60},"constructor":{"prototype":{"x":1}}}' },
  { name: 'deep nesting', payload: JSON.stringify(deep(400)) },
  {
    name: 'SQL and unicode in every likely field',
    payload: JSON.stringify({ name: "'; DROP TABLE users;--", login: '\u0000\u202e', email: '👾@例え.jp', reason: "' OR 1=1", slug: '../..', role: 'owner\n' }),
  },
  { name: 'huge strings', payload: JSON.stringify({ name: 'n'.repeat(1_500_000) }) },
  { name: 'a body over 2 MB', payload: JSON.stringify({ name: 'n'.repeat(2_200_000) }) },
  { name: 'a form body', payload: 'name=x', type: 'application/x-www-form-urlencoded' },
  { name: 'XML', payload: '<user><name>x</name></user>', type: 'application/xml' },
];

const BAD_QUERIES = [
  '?limit=-1',
  '?limit=abc&offset=-5',
  '?cursor=%00%01garbage',
  '?filter=%7B%22kind%22%3A%22match%22%2C%22field%22%3A%22name%22%2C%22mode%22%3A%22regex%22%2C%22value%22%3A%22(%22%7D',
  '?sort=-',
  '?a[b][c][d]=1&__proto__[x]=1',
  '?name=%27%20OR%201%3D1--&q=%F0%9F%98%80',
];

interface Route {
  readonly method: string;
  readonly path: string;
}

function assertConforms(response: LightMyRequestResponse, label: string): void {
  assert.ok(response.statusCode < 500, `${label} → ${response.statusCode} ${response.body.slice(0, 200)}`);
  if (response.statusCode < 400) return;
  const body = response.json() as { error?: { code?: unknown; message?: unknown; details?: unknown } };
  assert.equal(typeof body.error?.code, 'string', `${label}: ${response.body.slice(0, 200)}`);
  assert.equal(typeof body.error?.message, 'string', label);
  assert.equal(typeof body.error?.details, 'object', label);
  assert.doesNotMatch(response.body, /FST_|stack|at [A-Za-z]+ \(/, label);
}

describe('native conformance', () => {
  let f: NativeFixture;
  let routes: Route[];
  before(async () => {
    f = await nativeFixture();
    const doc = (await f.app.inject({ url: '/docs/json' })).json() as { paths: Record<string, Record<string, unknown>> };
    routes = Object.entries(doc.paths).flatMap(([path, methods]) =>
      Object.keys(methods)
        .filter((method) => method !== 'head')
        .map((method) => ({ method: method.toUpperCase(), path })),
    );
  });
  after(() => f.close());

  const send = (role: Role | null, options: InjectOptions) =>
    f.app.inject({ ...options, headers: { ...(options.headers ?? {}), ...(role ? { authorization: `Bearer ${f.keys[role]}` } : {}) } });

  const withIds = (path: string, id: string): string => path.replace(/\{[a-z_]+\}/g, id);

  test('the document lists every route this suite covers', () => {
    assert.ok(routes.length >= 30, `${routes.length} routes`);
  });

  for (const role of [null, 'admin'] as const) {
    test(`malformed ids never give a 5xx (${role ?? 'anonymous'})`, async () => {
      for (const route of routes.filter((r) => r.path.includes('{'))) {
        for (const id of BAD_IDS) {
          const response = await send(role, { method: route.method as 'GET', url: withIds(route.path, id) });
          assertConforms(response, `${route.method} ${route.path} id=${id}`);
        }
      }
    });

    test(`malformed bodies never give a 5xx (${role ?? 'anonymous'})`, async () => {
      for (const route of routes.filter((r) => r.method !== 'GET')) {
        for (const body of BAD_BODIES) {
          const url = withIds(route.path, String(f.users.member.id));
          const response = await send(role, {
            method: route.method as 'POST',
            url,
            payload: body.payload,
            headers: { 'content-type': body.type ?? 'application/json' },
          });
          assertConforms(response, `${route.method} ${route.path} with ${body.name}`);
          // The import refuses whoever may not import before it reads a body.
          const refusedUnread = role === null && route.path === '/v1/imports';
          if (body.name === 'a body over 2 MB') assert.equal(response.statusCode, refusedUnread ? 403 : 413, `${route.method} ${route.path}`);
          if (body.type) assert.equal(response.statusCode, refusedUnread ? 403 : 415, `${route.method} ${route.path} ${body.type}`);
        }
      }
    });

    test(`malformed query strings never give a 5xx (${role ?? 'anonymous'})`, async () => {
      for (const route of routes.filter((r) => r.method === 'GET')) {
        for (const query of BAD_QUERIES) {
          const response = await send(role, { method: 'GET', url: withIds(route.path, String(f.users.member.id)) + query });
          assertConforms(response, `GET ${route.path}${query}`);
        }
      }
    });
  }

  test('NUL characters and out-of-range integers are refused before they reach the database', async () => {
    const N = 'a\u0000b';
    const big = 2_147_483_648;
    const id = f.users.member.id;
    const cases: [Role | null, 'GET' | 'POST' | 'PATCH' | 'PUT', string, unknown?][] = [
      [null, 'POST', '/v1/sessions', { login: N, password: 'x' }],
      [null, 'POST', '/v1/users', { name: 'fine', first_name: N }],
      ['member', 'PATCH', `/v1/users/${id}`, { display_name: N, profile_image_url: N }],
      ['member', 'PATCH', `/v1/users/${id}`, { client_metadata: { [N]: 1 } }],
      ['moderator', 'POST', '/v1/bans', { user_id: id, reason: N, duration: '1d' }],
      ['admin', 'PUT', `/v1/users/${id}/restriction`, { restricted: true, reason: N }],
      ['member', 'POST', `/v1/users/${id}/api-keys`, { name: N }],
      ['member', 'POST', '/v1/organizations', { slug: 'fine', name: N }],
      ['admin', 'POST', `/v1/users/${id}/subscriptions`, { product: N, tier: 'gold' }],
      [null, 'GET', '/v1/users?q=a%00b'],
      [null, 'POST', '/v1/invitations/a%00/accept'],
      ['moderator', 'POST', '/v1/bans', { user_id: big, reason: 'x', duration: '1d' }],
      ['admin', 'PATCH', `/v1/users/${id}`, { counters: { post_upload_count: big } }],
      ['admin', 'PATCH', `/v1/users/${id}`, { avatar_id: big }],
      ['admin', 'POST', '/v1/users', { name: 'invited', inviter_id: big }],
      ['admin', 'GET', `/v1/audit-log?target_user_id=${big}`],
      ['admin', 'GET', `/v1/bans?user_id=${big}`],
    ];
    // Fresh keys: the malformed-body walk above may have revoked the fixture's (DELETE /v1/api-keys/{id}),
    // and the credential is checked before the body.
    const keys = new Map<Role, string>();
    for (const role of new Set(cases.flatMap(([role]) => (role === null ? [] : [role])))) {
      keys.set(role, (await createApiKey(f.core, SYSTEM, f.users[role].id, { name: 'conformance' })).secret);
    }
    for (const [role, method, url, body] of cases) {
      const response = await f.app.inject({
        method,
        url,
        headers: role === null ? {} : { authorization: `Bearer ${keys.get(role)}` },
        ...(body === undefined ? {} : { payload: body as object }),
      });
      assert.equal(response.statusCode, 400, `${method} ${url} ${JSON.stringify(body)}: ${response.body}`);
      assert.equal(response.json().error.code, 'invalid_param');
    }
  });

  test('huge bodies get 413 in the native shape', async () => {
    const response = await send('admin', {
      method: 'POST',
      url: '/v1/users',
      payload: 'x'.repeat(3 * 1024 * 1024),
      headers: { 'content-type': 'application/json' },
    });
    assert.equal(response.statusCode, 413);
    assert.equal(response.json().error.code, 'body_too_large');
  });

  test('responses never carry secrets or hashes', async () => {
    for (const role of [null, 'member', 'admin'] as const) {
      for (const route of routes.filter((r) => r.method === 'GET')) {
        const response = await send(role, { method: 'GET', url: withIds(route.path, String(f.users.member.id)) });
        assertConforms(response, `GET ${route.path}`);
        assert.doesNotMatch(response.body, /password_hash|token_hash|"secret"/, route.path);
        for (const secret of Object.values(f.keys)) assert.ok(!response.body.includes(secret), route.path);
      }
    }
  });
});
