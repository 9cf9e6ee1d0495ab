import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { errorCode, nativeFixture, PASSWORD, type NativeFixture } from './fixture.js';

describe('GET /v1/login-attempts', () => {
  let f: NativeFixture;
  before(async () => {
    f = await nativeFixture();
    const signIn = (password: string, remoteAddress: string) =>
      f.app.inject({ method: 'POST', url: '/v1/sessions', remoteAddress, payload: { login: 'member_user', password } });
    assert.equal((await signIn(PASSWORD, '192.0.2.8')).statusCode, 201);
    assert.equal((await signIn('wrong guess', '198.51.100.8')).statusCode, 401);
    assert.equal(
      (await f.app.inject({ method: 'POST', url: '/v1/sessions', remoteAddress: '198.51.100.8', payload: { login: 'ghost', password: 'x' } })).statusCode,
      401,
    );
  });
  after(() => f.close());

  type Attempt = { id: number; login: string; user_id: number | null; ip: string; success: boolean; reason: string; created_at: number };
  const list = async (query: string) => {
    const response = await f.request('admin', 'GET', `/v1/login-attempts${query}`);
    assert.equal(response.statusCode, 200, response.body);
    return response.json() as { items: Attempt[]; next_cursor: string | null; has_more: boolean };
  };

  test('admins read every attempt, newest first, with account, address and reason', async () => {
    const page = await list('');
    assert.deepEqual(
      page.items.map((a) => [a.login, a.user_id, a.ip, a.success, a.reason]),
      [
        ['ghost', null, '198.51.100.8', false, 'unknown_login'],
        ['member_user', f.users.member.id, '198.51.100.8', false, 'wrong_password'],
        ['member_user', f.users.member.id, '192.0.2.8', true, 'success'],
      ],
    );
    assert.ok(page.items.every((a) => Number.isInteger(a.created_at)));
    assert.doesNotMatch(JSON.stringify(page), /wrong guess|correct horse/);
  });

  test('filters and pages', async () => {
    assert.deepEqual(
      (await list(`?user_id=${f.users.member.id}&success=false`)).items.map((a) => a.reason),
      ['wrong_password'],
    );
    assert.deepEqual(
      (await list('?ip=192.0.2.8')).items.map((a) => a.reason),
      ['success'],
    );
    const first = await list('?limit=2');
    assert.equal(first.items.length, 2);
    assert.equal(first.has_more, true);
    const second = await list(`?limit=2&cursor=${first.next_cursor}`);
    assert.deepEqual(
      second.items.map((a) => a.reason),
      ['success'],
    );
    assert.equal(second.has_more, false);
    assert.equal((await list(`?since=${Date.now() + 60_000}`)).items.length, 0);
  });

  test('everyone else is refused; bad parameters are 400', async () => {
    for (const role of [null, 'member', 'moderator'] as const) {
      const response = await f.request(role, 'GET', '/v1/login-attempts');
      assert.equal(response.statusCode, 403, String(role));
      assert.equal(errorCode(response), 'forbidden');
    }
    assert.equal((await f.request('admin', 'GET', '/v1/login-attempts?limit=0')).statusCode, 400);
    assert.equal((await f.request('admin', 'GET', '/v1/login-attempts?bogus=1')).statusCode, 400);
  });
});
