import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance, InjectOptions } from 'fastify';
import { createApiKey } from '../../../src/core/auth/api-keys.js';
import { getUser } from '../../../src/core/users/users.js';
import { SYSTEM } from '../../../src/core/access/viewer.js';
import { buildApp } from '../../../src/app.js';
import { createTestCore, type TestCore } from '../../support/database.js';
import { basic, danbooruError, form, T0, T0_EASTERN } from './http-fixture.js';

type Json = Record<string, unknown>;

const GOOD_PASSWORD = 'hunter2hunter2';
const signupForm = (name: string, password = GOOD_PASSWORD, extra: Record<string, string> = {}) =>
  form({ 'user[name]': name, 'user[password]': password, 'user[password_confirmation]': password, ...extra });

describe('Danbooru signup (POST /users)', () => {
  let core: TestCore;
  let app: FastifyInstance;
  const clock = { now: T0 };
  let address = 0;
  /** Each test signs up from its own address, so the per-address limits of one do not reach another. */
  const nextAddress = (): string => `192.0.2.${++address}`;
  const signup = (body: { payload: unknown; headers?: Record<string, string> }, remoteAddress: string, headers: Record<string, string> = {}) =>
    app.inject({
      method: 'POST',
      url: '/danbooru/users.json',
      payload: body.payload as InjectOptions['payload'],
      headers: { ...body.headers, ...headers },
      remoteAddress,
    });

  before(async () => {
    core = await createTestCore({ now: () => clock.now });
    app = buildApp(core);
    await app.ready();
  });
  after(async () => {
    await app.close();
    await core.dispose();
  });

  test('the first account becomes Owner; 201 with the self view and Location', async () => {
    const response = await signup(signupForm('first_one', GOOD_PASSWORD, { 'user[email]': 'first@example.org' }), nextAddress());
    assert.equal(response.statusCode, 201, response.body);
    const body = response.json() as Json;
    assert.equal(response.headers.location, `http://localhost:80/danbooru/users/${String(body.id)}`);
    assert.deepEqual([body.name, body.level, body.level_string, body.created_at, body.per_page], ['first_one', 60, 'Owner', T0_EASTERN, 20]);
    assert.ok('statement_timeout' in body && !('comment_count' in body) && !('email' in body));
    const limit = JSON.parse(String(response.headers['x-rate-limit'])) as Json;
    assert.deepEqual([limit.action, limit.burst, limit.rate], ['users:create', 3, 1 / 300]);
    const stored = await getUser(core, body.id as number);
    assert.deepEqual([stored.email, stored.has_password, stored.last_ip_addr], ['first@example.org', true, `192.0.2.${address}`]);
  });

  test('later accounts are Members; JSON bodies and the nested email form work too', async () => {
    const json = await signup(
      {
        payload: { user: { name: 'json_signup', password: GOOD_PASSWORD, password_confirmation: GOOD_PASSWORD, email_address: { address: 'j@example.org' } } },
      },
      nextAddress(),
    );
    assert.equal(json.statusCode, 201, json.body);
    assert.deepEqual([(json.json() as Json).level, (json.json() as Json).level_string], [20, 'Member']);
    assert.equal((await getUser(core, (json.json() as Json).id as number)).email, 'j@example.org');
  });

  const invalid: [string, { payload: unknown; headers?: Record<string, string> }, Json][] = [
    ['a taken name, ignoring case', signupForm('FIRST_ONE'), { name: ['already taken'] }],
    ['a one-letter name', signupForm('a'), { name: ['must be more than 1 character long'] }],
    ['a long name', signupForm('x'.repeat(25)), { name: ['must be less than 25 characters long'] }],
    ['whitespace', signupForm('two words'), { name: ["can't contain whitespace"] }],
    ['leading punctuation', signupForm('_lead'), { name: ["can't start with '_'"] }],
    ['a file extension', signupForm('name.json'), { name: ["can't end with a file extension"] }],
    ['doubled underscores', signupForm('a__b'), { name: ["can't contain multiple underscores in a row"] }],
    ['other punctuation', signupForm('a!b'), { name: ["can't contain '!'"] }],
    ["a deleted user's pattern", signupForm('user_42'), { name: ["can't be the same as a deleted user"] }],
    ['a role name', signupForm('Moderator'), { name: ["is a reserved name and can't be used"] }],
    ['a short password', signupForm('short_pw', 'abcd'), { password: ['is too short (minimum is 5 characters)'] }],
    ["Roster's minimum length", signupForm('short_pw', 'abcdef'), { password: ['is too short (minimum is 8 characters)'] }],
    [
      'no matching confirmation',
      form({ 'user[name]': 'mismatch', 'user[password]': GOOD_PASSWORD, 'user[password_confirmation]': 'other' }),
      { password_confirmation: ["Passwords don't match"] },
    ],
    [
      'every problem at once, the taken name first',
      form({ 'user[name]': 'first_one', 'user[password]': 'abc', 'user[password_confirmation]': 'abd' }),
      { name: ['already taken'], password: ['is too short (minimum is 5 characters)'], password_confirmation: ["Passwords don't match"] },
    ],
    ['a bad email', signupForm('bad_mail', GOOD_PASSWORD, { 'user[email]': 'not-an-address' }), { email: ['is invalid'] }],
    [
      'strings where a hash belongs',
      { payload: { user: { name: ['a', 'b'], password: { x: 1 } } } },
      { name: ['must be more than 1 character long'], password: ['is too short (minimum is 5 characters)'] },
    ],
  ];
  for (const [name, body, errors] of invalid) {
    test(`422 for ${name}`, async () => {
      const response = await signup(body, nextAddress());
      assert.equal(response.statusCode, 422, response.body);
      assert.deepEqual(response.json(), { errors });
    });
  }

  test('no user hash: 400 ParameterMissing', async () => {
    const response = await signup({ payload: { name: 'flat' } }, nextAddress());
    assert.equal(response.statusCode, 400);
    assert.equal(danbooruError(response).error, 'ActionController::ParameterMissing');
  });

  test('a signed-in caller cannot sign up', async () => {
    const owner = await getUser(core, 1);
    const key = (await createApiKey(core, SYSTEM, owner.id, { name: 'k' })).secret;
    const response = await signup(signupForm('second_account'), nextAddress(), { authorization: basic(owner.name, key) });
    assert.equal(response.statusCode, 403);
    assert.equal(danbooruError(response).message, 'Access denied');
  });

  test('three signups per address, then 429 until the bucket refills', async () => {
    const from = nextAddress();
    for (const name of ['burst_a', 'burst_b', 'burst_c']) assert.equal((await signup(signupForm(name), from)).statusCode, 201);
    const limited = await signup(signupForm('burst_d'), from);
    assert.equal(limited.statusCode, 429);
    assert.deepEqual(danbooruError(limited), {
      error: 'RateLimiter::RateLimitError',
      message: "You're doing that too fast. Wait a minute and try again.",
      backtrace: [],
    });
    assert.ok(String(limited.headers['x-rate-limit']).includes('"users:create"'));
    assert.equal((await signup(signupForm('elsewhere'), nextAddress())).statusCode, 201);
    clock.now += 10 * 60_000;
    assert.equal((await signup(signupForm('burst_d'), from)).statusCode, 201);
  });

  test('failed attempts do not use up signups, but have their own limit', async () => {
    const from = nextAddress();
    for (let i = 0; i < 10; i++) assert.equal((await signup(signupForm('x'), from)).statusCode, 422);
    const limited = await signup(signupForm('x'), from);
    assert.equal(limited.statusCode, 429);
    clock.now += 5_000;
    assert.equal((await signup(signupForm('after_failures'), from)).statusCode, 201);
  });

  test('closed signups: 403', async () => {
    const closed = await createTestCore({ env: { ROSTER_SIGNUPS_OPEN: 'false' } });
    const closedApp = buildApp(closed);
    try {
      const response = await closedApp.inject({ method: 'POST', url: '/danbooru/users.json', ...signupForm('nobody_new') });
      assert.equal(response.statusCode, 403);
      assert.equal(danbooruError(response).message, 'Access denied');
    } finally {
      await closedApp.close();
      await closed.dispose();
    }
  });
});
