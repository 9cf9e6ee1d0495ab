import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { cvatFixture, type CvatFixture } from './http-fixture.js';

/** Bad input gets CVAT's error shape, never a 500 (STYLE §21). */
describe('CVAT hostile input', () => {
  let f: CvatFixture;
  before(async () => {
    f = await cvatFixture();
  });
  after(() => f.close());

  const REQUESTS: ['GET' | 'POST' | 'PATCH' | 'DELETE', string, unknown][] = [
    ['GET', '/api/users/99999999999999999999999', undefined],
    ['GET', '/api/users?page=99999999999999999999', undefined],
    ['GET', '/api/users?page_size=99999999999999999999', undefined],
    ['GET', '/api/users?org_id=99999999999999999999', undefined],
    ['GET', '/api/users?org_id=abc', undefined],
    ['GET', '/api/users?org[x]=1&sort[]=id&search[a]=b&filter[b]=c', undefined],
    ['GET', `/api/users?filter=${encodeURIComponent('{"==":[{"var":"id"},1e400]}')}`, undefined],
    ['GET', `/api/users?filter=${encodeURIComponent('{"in":[{"var":"username"},["a\\u0000b"]]}')}`, undefined],
    ['GET', `/api/users?filter=${encodeURIComponent('{"==":[{"var":"id"},99999999999999999999]}')}`, undefined],
    ['GET', `/api/users?filter=${encodeURIComponent('{"and":[' + '{"!":'.repeat(500) + '{"var":"id"}' + '}'.repeat(500) + ']}')}`, undefined],
    ['GET', `/api/users?search=${encodeURIComponent('%_\\')}`, undefined],
    ['GET', `/api/users?username=${encodeURIComponent('a%')}`, undefined],
    ['GET', '/api/memberships/99999999999999999999', undefined],
    ['GET', '/api/memberships?role=boss&user=', undefined],
    ['GET', '/api/organizations/abc', undefined],
    ['GET', '/api/invitations/%00', undefined],
    ['PATCH', '/api/users/1', [1, 2]],
    ['PATCH', '/api/users/1', { first_name: 'a\u0000b' }],
    ['PATCH', '/api/users/1', { username: 'x'.repeat(151) }],
    ['PATCH', '/api/memberships/1', { role: ['owner'] }],
    ['POST', '/api/organizations', { slug: { a: 1 } }],
    ['POST', '/api/organizations', 'text'],
    ['POST', '/api/invitations?org=my-team', { role: 'worker', email: 'a@b.c'.repeat(100) }],
    ['POST', '/api/auth/login', { username: ['a'], password: 1 }],
    ['POST', '/api/auth/register', { username: 'a\u0000bcdef', email: 'x@example.org', password1: 'a long passphrase', password2: 'a long passphrase' }],
    ['DELETE', '/api/users/abc', undefined],
  ];
  for (const [method, path, payload] of REQUESTS) {
    test(`${method} ${path.slice(0, 80)} is a 4xx in CVAT's shape`, async () => {
      const response = await f.request('admin', method, path, payload === undefined ? {} : { payload });
      assert.ok(response.statusCode >= 200 && response.statusCode < 500, `${response.statusCode} ${response.body}`);
      if (response.statusCode >= 400) {
        const body = response.json() as unknown;
        assert.ok(Array.isArray(body) || typeof body === 'string' || (typeof body === 'object' && body !== null), response.body);
      }
    });
  }
});
