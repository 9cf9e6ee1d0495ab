import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { DIALECTS, parseQueryString } from '../src/app.js';
import { PAGE_NOT_FOUND } from '../src/dialects/e621/errors.js';
import { openTestApp, withTestApp } from './support/app.js';

/** Each dialect's 404, as its real system answers an unknown path (e621ng: its HTML page). */
const NOT_FOUND: Record<string, { type: RegExp; body: unknown }> = {
  e621: { type: /text\/html/, body: PAGE_NOT_FOUND.body },
  cvat: { type: /application\/json/, body: { detail: 'Not found.' } },
  civitai: { type: /application\/json/, body: { error: 'Not found' } },
  stack: { type: /text\/plain/, body: 'Not found' },
};

const parse = (type: unknown, body: string): unknown => (String(type).includes('json') ? (JSON.parse(body) as unknown) : body);

describe('buildApp', () => {
  let app: FastifyInstance;
  let close: () => Promise<void>;

  before(async () => ({ app, close } = await openTestApp()));
  after(() => close());

  test('every API is mounted at its own prefix', () => {
    assert.deepEqual(
      DIALECTS.map((d) => d.prefix),
      DIALECTS.map((d) => (d.name === 'native' ? '/v1' : `/${d.name}`)),
    );
  });

  for (const [name, expected] of Object.entries(NOT_FOUND)) {
    test(`/${name} answers unknown paths with its own 404`, async () => {
      for (const url of [`/${name}`, `/${name}/no_such_route.json`, `/${name}/api/v1/x/y?z=1`]) {
        const response = await app.inject({ url });
        assert.equal(response.statusCode, 404, url);
        assert.match(String(response.headers['content-type']), expected.type);
        assert.deepEqual(parse(response.headers['content-type'], response.body), expected.body);
      }
    });
  }

  test('the native API and the root answer in the native error shape', async () => {
    for (const url of ['/v1/nothing', '/', '/nothing/here']) {
      const response = await app.inject({ url });
      assert.equal(response.statusCode, 404);
      assert.deepEqual(response.json(), { error: { code: 'not_found', message: 'No route matches this path', details: { entity: 'route' } } });
    }
  });

  test('an undecodable URL gets a 400 in the shape of the API it was meant for', async () => {
    const native = await app.inject({ url: '/v1/users/%E0%A4%A' });
    assert.equal(native.statusCode, 400);
    assert.equal(native.json().error.code, 'bad_request');
    const e621 = await app.inject({ url: '/e621/users/%E0%A4%A' });
    assert.ok(e621.statusCode < 500);
    assert.equal(e621.json().success, false);
  });

  test('/docs serves the browsable description and /docs/json the OpenAPI document of /v1 only', async () => {
    const html = await app.inject({ url: '/docs' });
    assert.equal(html.statusCode, 200);
    assert.match(String(html.headers['content-type']), /text\/html/);
    const json = await app.inject({ url: '/docs/json' });
    assert.equal(json.statusCode, 200);
    const doc = json.json() as { openapi: string; paths: Record<string, Record<string, unknown>> };
    assert.match(doc.openapi, /^3\./);
    const paths = Object.keys(doc.paths);
    for (const path of ['/v1/users', '/v1/users/{id}', '/v1/me', '/v1/sessions', '/v1/bans', '/v1/audit-log', '/v1/organizations']) {
      assert.ok(paths.includes(path), `${path} is documented`);
    }
    assert.ok(
      paths.every((path) => path.startsWith('/v1/')),
      'only native routes are documented',
    );
    assert.ok(doc.paths['/v1/users']?.get && doc.paths['/v1/users']?.post);
  });

  test('responses carry no framework fingerprints of errors', async () => {
    const response = await app.inject({ url: '/v1/nothing' });
    assert.doesNotMatch(response.body, /FST_|statusCode/);
  });
});

describe('buildApp with only', () => {
  test('serves one dialect at the root and nothing else', () =>
    withTestApp({ only: 'e621' }, async (app) => {
      const root = await app.inject({ url: '/users.json' });
      assert.equal(root.statusCode, 200);
      assert.deepEqual(root.json(), []);
      const docs = await app.inject({ url: '/docs/json' });
      assert.equal(docs.statusCode, 404);
      assert.equal(docs.body, PAGE_NOT_FOUND.body);
    }));

  test('the native API can be served at the root too', () =>
    withTestApp({ only: 'native' }, async (app) => {
      const me = await app.inject({ url: '/me' });
      assert.equal(me.statusCode, 401);
      assert.equal(me.json().error.code, 'unauthenticated');
      assert.equal((await app.inject({ url: '/docs/json' })).statusCode, 200);
    }));
});

describe('form bodies', () => {
  test('are parsed with the same bracket rules, for the dialects that take them', () =>
    withTestApp(
      {},
      async (app) => {
        const response = await app.inject({
          method: 'POST',
          url: '/echo',
          payload: 'user[name]=bob&user[ids][]=1&user[ids][]=2&__proto__[x]=1',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
        });
        assert.deepEqual(response.json(), { user: { name: 'bob', ids: ['1', '2'] } });
      },
      (app) => app.post('/echo', async (request) => request.body),
    ));

  test('the native API refuses them: JSON only', () =>
    withTestApp({}, async (app) => {
      const response = await app.inject({
        method: 'POST',
        url: '/v1/sessions',
        payload: 'login=a&password=b',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      });
      assert.equal(response.statusCode, 415);
      assert.equal(response.json().error.code, 'unsupported_media_type');
    }));
});

describe('parseQueryString', () => {
  test('reads brackets, arrays and nesting', () => {
    assert.deepEqual(parseQueryString('search[name]=bob&search[level][]=20&search[level][]=30&page=2'), {
      search: { name: 'bob', level: ['20', '30'] },
      page: '2',
    });
  });

  test('cannot reach Object.prototype', () => {
    const parsed = parseQueryString('__proto__[polluted]=1&constructor[prototype][polluted]=1&a[__proto__][b]=1');
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
    assert.equal(Object.getPrototypeOf(parsed), Object.prototype);
    assert.equal(Object.hasOwn(parsed, '__proto__'), false);
  });

  test('bounds depth and parameter count', () => {
    const deep = parseQueryString(`a${'[b]'.repeat(30)}=1`);
    let depth = 0;
    for (let node: unknown = deep; node && typeof node === 'object'; node = Object.values(node)[0]) depth++;
    assert.ok(depth <= 14, `depth ${depth}`);
    const many = parseQueryString(Array.from({ length: 5000 }, (_, i) => `k${i}=1`).join('&'));
    assert.equal(Object.keys(many).length, 2000);
  });
});
