import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Level } from '../../../src/core/access/levels.js';
import { getUser } from '../../../src/core/users/users.js';
import { e621Fixture, form, PASSWORD, type E621Fixture } from './http-fixture.js';

const WEEK_MS = 7 * 86_400_000;

/** e621ng's account routes (specs part B2): signup, settings, self-deletion, the staff level change. */
describe('e621ng account routes', () => {
  let f: E621Fixture;
  before(async () => {
    f = await e621Fixture({ passwords: ['member', 'gold', 'admin'] });
  });
  after(() => f.close());

  const signup = (fields: Readonly<Record<string, string>>, role: 'member' | null = null) => f.request(role, 'POST', '/users.json', form(fields));

  test('signup: 201 with the self view; the account is Unactivated until its email is verified', async () => {
    const response = await signup({
      'user[name]': 'New_Fox',
      'user[password]': 'long enough pass',
      'user[password_confirmation]': 'long enough pass',
      'user[email]': 'fox@example.org',
    });
    assert.equal(response.statusCode, 201, response.body);
    const body = response.json();
    assert.equal(body.name, 'New_Fox');
    assert.equal(body.level, 20);
    assert.equal(body.is_verified, false);
    assert.equal(body.email, 'fox@example.org');
    const legacy = await f.request(null, 'GET', `/user/show.json?id=${body.id}`);
    assert.equal(legacy.json().level, 0);
  });

  const BAD_NAMES: readonly (readonly [string, string])[] = [
    ['a', 'must be 2 to 20 characters long'],
    ['a'.repeat(21), 'must be 2 to 20 characters long'],
    ['has space', 'must contain only alphanumeric characters, hypens, apostrophes, tildes and underscores'],
    ['_lead', 'must not begin with a special character'],
    ['dou--ble', 'must not contain consecutive special characters'],
    ['trail_', 'must not end with an underscore'],
    ['12345', 'cannot be only numbers'],
    ['Settings', 'is a reserved name'],
    ['the_janitor', 'cannot contain "janitor"'],
    ['SupportBot', 'cannot contain "support"'],
  ];
  for (const [name, message] of BAD_NAMES) {
    test(`signup refuses the name ${JSON.stringify(name)}: ${message}`, async () => {
      const response = await signup({ 'user[name]': name, 'user[password]': 'long enough pass' });
      assert.equal(response.statusCode, 422);
      assert.deepEqual(response.json(), { errors: { name: [message] } });
    });
  }

  test('signup: short password, mismatched confirmation, a taken name', async () => {
    const weak = await signup({ 'user[name]': 'weak_fox', 'user[password]': 'short', 'user[password_confirmation]': 'other' });
    assert.equal(weak.statusCode, 422);
    assert.deepEqual(weak.json().errors, { password: ['is too short (minimum is 8 characters)'], password_confirmation: ["doesn't match Password"] });
    const taken = await signup({ 'user[name]': 'MEMBER_user', 'user[password]': 'long enough pass' });
    assert.equal(taken.statusCode, 422);
    assert.deepEqual(taken.json().errors, { name: ['already exists'] });
  });

  test('signup while signed in is refused', async () => {
    const response = await signup({ 'user[name]': 'second_fox', 'user[password]': 'long enough pass' }, 'member');
    assert.equal(response.statusCode, 403);
    assert.equal(response.json().success, false);
  });

  test('PUT and PATCH /users/:id.json update the current user whatever the id; 204', async () => {
    const put = await f.request(
      'gold',
      'PUT',
      `/users/${f.users.member.id}.json`,
      form({ 'user[per_page]': '50', 'user[enable_safe_mode]': 'true', 'user[profile_about]': 'hi', 'user[blacklisted_tags]': 'a\nb' }),
    );
    assert.equal(put.statusCode, 204, put.body);
    assert.match(String(put.headers['x-api-limit']), /^\d+$/);
    const gold = await getUser(f.core, f.users.gold.id);
    assert.equal(gold.preferences.per_page, 50);
    assert.equal(gold.preferences.flags.enable_safe_mode, true);
    assert.equal(gold.preferences.profile_about, 'hi');
    assert.equal((await getUser(f.core, f.users.member.id)).preferences.per_page, 20);
    const patch = await f.request('gold', 'PATCH', '/users/0.json', form({ 'user[enable_safe_mode]': 'false', 'user[avatar_id]': '12' }));
    assert.equal(patch.statusCode, 204, patch.body);
    const after = await getUser(f.core, f.users.gold.id);
    assert.equal(after.preferences.flags.enable_safe_mode, false);
    assert.equal(after.avatar_id, 12);
  });

  test('update: an unknown key is 403, a bad value 422, anonymous 403', async () => {
    const unknown = await f.request('gold', 'PUT', '/users/0.json', form({ 'user[level]': '80' }));
    assert.equal(unknown.statusCode, 403);
    assert.deepEqual(unknown.json(), { success: false, reason: 'found unpermitted parameter: :level' });
    const zone = await f.request('gold', 'PUT', '/users/0.json', form({ 'user[time_zone]': 'Mars/Olympus' }));
    assert.equal(zone.statusCode, 422);
    assert.deepEqual(zone.json(), { errors: { time_zone: ['is not included in the list'] } });
    const perPage = await f.request('gold', 'PUT', '/users/0.json', form({ 'user[per_page]': '0' }));
    assert.equal(perPage.statusCode, 422);
    assert.equal((await f.request(null, 'PUT', '/users/0.json', form({ 'user[per_page]': '30' }))).statusCode, 403);
  });

  test('deletion: refused for an account younger than a week, with a wrong password, for admins, anonymously', async () => {
    const young = await f.request('member', 'DELETE', '/maintenance/user/deletion.json', form({ password: PASSWORD }));
    assert.equal(young.statusCode, 400);
    assert.deepEqual(young.json(), { success: false, message: 'Account is too new to be deleted', code: null });
    f.clock.now += WEEK_MS + 1000;
    const wrong = await f.request('member', 'DELETE', '/maintenance/user/deletion.json', form({ password: 'nope nope' }));
    assert.equal(wrong.statusCode, 400);
    assert.deepEqual(wrong.json(), { success: false, message: 'Password is incorrect', code: null });
    assert.equal((await f.request('admin', 'DELETE', '/maintenance/user/deletion.json', form({ password: PASSWORD }))).statusCode, 403);
    assert.equal((await f.request(null, 'DELETE', '/maintenance/user/deletion.json', form({ password: PASSWORD }))).statusCode, 403);
  });

  test('deletion: 302, the account renamed user_<id> and its key refused at once', async () => {
    const response = await f.request('member', 'DELETE', '/maintenance/user/deletion.json', form({ password: PASSWORD }));
    assert.equal(response.statusCode, 302, response.body);
    assert.equal(response.headers.location, 'http://localhost:80/e621/posts');
    const user = await getUser(f.core, f.users.member.id);
    assert.equal(user.name, `user_${f.users.member.id}`);
    assert.equal(user.is_deleted, true);
    assert.equal((await f.request('member', 'GET', '/users/me.json')).statusCode, 401);
  });

  test('staff level change: an admin sets e621ng levels; others are refused', async () => {
    const set = await f.request('admin', 'PUT', `/staff/users/${f.users.gold.id}.json`, form({ 'user[level]': '60' }));
    assert.equal(set.statusCode, 204, set.body);
    assert.equal((await getUser(f.core, f.users.gold.id)).level, Level.Approver);
    assert.equal((await f.request(null, 'GET', `/users/${f.users.gold.id}.json`)).json().level, 60);
    const back = await f.request('admin', 'PUT', `/staff/users/${f.users.gold.id}.json`, form({ 'user[level]': '30' }));
    assert.equal(back.statusCode, 204);
    assert.equal((await getUser(f.core, f.users.gold.id)).level, Level.Gold);
    assert.equal((await f.request('moderator', 'PUT', `/staff/users/${f.users.gold.id}.json`, form({ 'user[level]': '60' }))).statusCode, 403);
    assert.equal((await f.request('admin', 'PUT', `/staff/users/${f.users.owner.id}.json`, form({ 'user[level]': '20' }))).statusCode, 403);
    const bad = await f.request('admin', 'PUT', `/staff/users/${f.users.gold.id}.json`, form({ 'user[level]': '40' }));
    assert.equal(bad.statusCode, 422);
    assert.deepEqual(bad.json(), { errors: { level: ['is not a valid level'] } });
    assert.equal((await f.request('admin', 'PUT', '/staff/users/999999.json', form({ 'user[level]': '30' }))).statusCode, 404);
  });
});

/** The extra port (`ROSTER_DIALECT_PORTS=e621=…`) and the configurable User-Agent rule. */
describe('e621 at the root of its own port', () => {
  let f: E621Fixture;
  before(async () => {
    f = await e621Fixture({ app: { only: 'e621' }, env: { ROSTER_E621_REQUIRE_USER_AGENT: 'true' } });
  });
  after(() => f.close());

  test('legacy and e621ng routes together at the root, with a Host header without a port', async () => {
    for (const url of ['/user/index.json', `/user/show.json?id=${f.users.member.id}`, '/users.json', `/users/${f.users.member.id}.json`]) {
      const response = await f.app.inject({
        method: 'GET',
        url,
        headers: { host: 'localhost', 'user-agent': 'E621/2.2.6 (https://github.com/DonovanDMC/E621)' },
      });
      assert.equal(response.statusCode, 200, url);
    }
    const redirect = await f.app.inject({ method: 'GET', url: '/users.json?name=gold_user', headers: { host: 'localhost', 'user-agent': 'E621/2.2.6' } });
    assert.equal(redirect.headers.location, 'http://localhost/users/gold_user');
  });

  test('the User-Agent rule: none or a library default is refused; the real client passes', async () => {
    // An empty header stands for a missing one (light-my-request always sends its own).
    for (const agent of ['', '   ', 'node-fetch/1.0', 'python-requests/2.31']) {
      const response = await f.app.inject({ method: 'GET', url: '/users.json', headers: { 'user-agent': agent } });
      assert.equal(response.statusCode, 403, String(agent));
      assert.equal(response.json().success, false);
    }
    const client = await f.app.inject({
      method: 'GET',
      url: '/users.json',
      headers: { 'user-agent': 'E621/2.2.6 (https://github.com/DonovanDMC/E621; "member_user")' },
    });
    assert.equal(client.statusCode, 200);
  });

  test('the rule is off by default', async () => {
    const plain = await e621Fixture();
    try {
      assert.equal((await plain.app.inject({ method: 'GET', url: '/e621/users.json' })).statusCode, 200);
    } finally {
      await plain.close();
    }
  });
});
