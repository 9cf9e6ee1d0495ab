import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { login } from '../../../src/core/auth/sessions.js';
import { getUser } from '../../../src/core/users/users.js';
import { danbooruFixture, PASSWORD, type DanbooruFixture } from './http-fixture.js';

describe('Danbooru: password and email changes need the current password', () => {
  let f: DanbooruFixture;
  before(async () => {
    f = await danbooruFixture({ passwords: ['member'] });
  });
  after(() => f.close());

  const put = (path: string, user: Record<string, string>) =>
    f.request('member', 'PUT', `/danbooru/users/${f.users.member.id}/${path}.json`, { payload: { user } });
  const canSignIn = async (password: string): Promise<boolean> =>
    login(f.core, { login: 'member_user', password, ip: '192.0.2.1' }).then(
      () => true,
      () => false,
    );

  test('PUT /users/:id/password without or with a wrong old_password: 422, nothing changes', async () => {
    const missing = await put('password', { password: 'a brand new secret', password_confirmation: 'a brand new secret' });
    assert.equal(missing.statusCode, 422, missing.body);
    assert.ok((missing.json() as { errors: Record<string, unknown> }).errors.old_password);
    const wrong = await put('password', { old_password: 'nope', password: 'a brand new secret', password_confirmation: 'a brand new secret' });
    assert.equal(wrong.statusCode, 422);
    assert.deepEqual(wrong.json(), { errors: { old_password: ['is incorrect'] } });
    const mismatch = await put('password', { old_password: PASSWORD, password: 'a brand new secret', password_confirmation: 'other' });
    assert.deepEqual(mismatch.json(), { errors: { password_confirmation: ["Passwords don't match"] } });
    assert.ok(await canSignIn(PASSWORD));
  });

  test('PUT /users/:id/email needs user[password]', async () => {
    const missing = await put('email', { email: 'thief@example.net' });
    assert.equal(missing.statusCode, 422);
    assert.ok((missing.json() as { errors: Record<string, unknown> }).errors.password);
    assert.equal((await getUser(f.core, f.users.member.id)).email, 'member@example.org');
    const right = await put('email', { email: 'member2@example.org', password: PASSWORD });
    assert.equal(right.statusCode, 204, right.body);
    assert.equal((await getUser(f.core, f.users.member.id)).email, 'member2@example.org');
  });

  test('settings updates cannot carry a password or email', async () => {
    const response = await f.request('member', 'PUT', `/danbooru/users/${f.users.member.id}.json`, {
      payload: { user: { per_page: 30, password: 'sneaky new secret', email: 'sneaky@example.net' } },
    });
    assert.ok([204, 422].includes(response.statusCode), response.body);
    assert.equal((await getUser(f.core, f.users.member.id)).email, 'member2@example.org');
    assert.ok(!(await canSignIn('sneaky new secret')));
  });

  test('with the old password the change goes through (204) and the old one stops working', async () => {
    const response = await put('password', { old_password: PASSWORD, password: 'a brand new secret', password_confirmation: 'a brand new secret' });
    assert.equal(response.statusCode, 204, response.body);
    assert.ok(await canSignIn('a brand new secret'));
    assert.ok(!(await canSignIn(PASSWORD)));
  });
});
