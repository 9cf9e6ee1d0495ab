import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { errorCode, nativeFixture, PASSWORD, type NativeFixture } from './fixture.js';

describe("native API: changing one's password or email needs the current password or a fresh sign-in", () => {
  let f: NativeFixture;
  let clock = Date.UTC(2025, 0, 1);
  before(async () => {
    f = await nativeFixture({ now: () => clock });
  });
  after(() => f.close());

  const url = () => `/v1/users/${f.users.member.id}`;
  const signIn = async (password: string): Promise<string> => {
    const response = await f.request(null, 'POST', '/v1/sessions', { login: 'member_user', password });
    assert.equal(response.statusCode, 201, response.body);
    return (response.json() as { token: string }).token;
  };
  const patchWith = (token: string, body: unknown) =>
    f.app.inject({ method: 'PATCH', url: url(), headers: { authorization: `Bearer ${token}` }, payload: body as object });

  test('an API key alone cannot change the password or email; other fields are fine', async () => {
    for (const body of [{ password: 'stolen key password' }, { email: 'thief@example.net' }]) {
      const response = await f.request('member', 'PATCH', url(), body);
      assert.equal(response.statusCode, 422, response.body);
      assert.equal(errorCode(response), 'validation_failed');
      assert.ok(response.json().error.details.fields.current_password);
    }
    assert.equal((await f.request('member', 'PATCH', url(), { first_name: 'Mem' })).statusCode, 200);
    assert.equal((await f.request('member', 'GET', url())).json().email, 'member@example.org');
  });

  test('a wrong current password is refused; the right one lets the change through', async () => {
    const wrong = await f.request('member', 'PATCH', url(), { email: 'm2@example.org', current_password: 'not it' });
    assert.equal(wrong.statusCode, 422);
    assert.deepEqual(wrong.json().error.details.fields.current_password, ['is incorrect']);
    const right = await f.request('member', 'PATCH', url(), { email: 'm2@example.org', current_password: PASSWORD });
    assert.equal(right.statusCode, 200, right.body);
    assert.equal(right.json().email, 'm2@example.org');
  });

  test('a session opened minutes ago suffices; an older one does not', async () => {
    const token = await signIn(PASSWORD);
    const fresh = await patchWith(token, { email: 'm3@example.org' });
    assert.equal(fresh.statusCode, 200, fresh.body);
    clock += 10 * 60_000;
    const stale = await patchWith(token, { email: 'm4@example.org' });
    assert.equal(stale.statusCode, 422, stale.body);
    assert.ok(stale.json().error.details.fields.current_password);
  });

  test("an admin changing another account's email is not asked for that account's password", async () => {
    const response = await f.request('admin', 'PATCH', `/v1/users/${f.users.builder.id}`, { email: 'builder2@example.org' });
    assert.equal(response.statusCode, 200, response.body);
  });
});
