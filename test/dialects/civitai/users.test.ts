import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { SYSTEM } from '../../../src/core/access/viewer.js';
import { deleteUser, updateUser } from '../../../src/core/users/users.js';
import { insertUser } from '../../support/users.js';
import { civitaiFixture, type CivitaiFixture } from './fixture.js';

/** In creation order, so ids run 1…n. */
const NAMES = ['you', 'yousef', 'Youngling', 'yo', 'YOLANDA', 'yoda', 'youth', 'bob', 'bo_b', 'boxb', 'zed', 'gone_user', 'yogi'];

let f: CivitaiFixture;
const id: Record<string, number> = {};
before(async () => {
  f = await civitaiFixture();
  for (const name of NAMES) id[name] = (await f.user(name)).user.id;
  await deleteUser(f.core, SYSTEM, id.gone_user!);
  await updateUser(f.core, SYSTEM, id.yoda!, { avatarNsfw: 'Mature' });
  await updateUser(f.core, SYSTEM, id.zed!, { avatarNsfw: 'X' });
});
after(() => f.close());

const users = (query = '') => f.request('GET', `/api/v1/users${query}`);
const names = async (query: string): Promise<string[]> => {
  const response = await users(query);
  assert.equal(response.statusCode, 200, response.body);
  return (response.json() as { items: { username: string }[] }).items.map((item) => item.username);
};

describe('GET /api/v1/users?ids=', () => {
  test('resolves ids to {id, username, avatarNsfw}, in the order asked', async () => {
    const response = await users(`?ids=${id.zed},${id.you}`);
    assert.equal(response.statusCode, 200);
    assert.deepEqual(response.json(), {
      items: [
        { id: id.zed, username: 'zed', avatarNsfw: 'X' },
        { id: id.you, username: 'you', avatarNsfw: 'None' },
      ],
    });
  });

  test('the limit is ids.length: more than five ids give more than five users', async () => {
    const all = NAMES.filter((name) => name !== 'gone_user');
    assert.deepEqual(await names(`?ids=${all.map((name) => id[name]).join(',')}`), all);
  });

  test('unknown ids are skipped and repeated ids answered once', async () => {
    assert.deepEqual(await names(`?ids=999999,${id.bob},${id.bob},${id.yo},${id.bob}`), ['bob', 'yo']);
    assert.deepEqual(await names('?ids=999999'), []);
  });

  test('ids that cannot be users (0, negative, fractional, beyond any row) find nothing, without an error', async () => {
    assert.deepEqual(await names(`?ids=0,-1,1.5,1e300,${2 ** 53},${id.yo}`), ['yo']);
    assert.deepEqual(await names('?ids=-1'), []);
  });

  test('spaces around ids are ignored and ids[]= works as a list', async () => {
    assert.deepEqual(await names(`?ids=${id.yo},%20${id.bob}%20`), ['yo', 'bob']);
    assert.deepEqual(await names(`?ids[]=${id.bob}&ids[]=${id.yo}`), ['bob', 'yo']);
  });

  test('with query as well, only the ids whose name starts with it', async () => {
    assert.deepEqual(await names(`?ids=${id.bob},${id.yo},${id.you}&query=YO`), ['yo', 'you']);
  });
});

describe('GET /api/v1/users?query=', () => {
  test('a username prefix, ignoring case, shortest names first, at most five', async () => {
    // yo(2) yoda(4) yogi(4) you(3) youth(5) yousef(6) YOLANDA(7) Youngling(9): ties in name order.
    assert.deepEqual(await names('?query=yo'), ['yo', 'you', 'yoda', 'yogi', 'youth']);
    assert.deepEqual(await names('?query=YOU'), ['you', 'youth', 'yousef', 'Youngling']);
    assert.deepEqual(await names('?query=youn'), ['Youngling']);
  });

  test('the prefix is literal: _ and % are characters, not wildcards', async () => {
    assert.deepEqual(await names('?query=bo_'), ['bo_b']);
    assert.deepEqual(await names('?query=b%25'), []);
    assert.deepEqual(await names('?query=bo'), ['bob', 'bo_b', 'boxb']);
  });

  test('no match gives an empty list', async () => {
    assert.deepEqual(await users('?query=nobody').then((r) => r.json()), { items: [] });
  });
});

describe('GET /api/v1/users without ids or query', () => {
  test('answers the first 5 users in the database; an empty query is no query', async () => {
    const first = NAMES.slice(0, 5);
    assert.deepEqual(await names(''), first);
    assert.deepEqual(await names('?query='), first);
    assert.deepEqual(await names('?limit=50'), first, 'limit is validated, then overridden');
  });
});

describe('deleted and system users are never returned', () => {
  test('a deleted account is missing from ids, query and the first users', async () => {
    assert.deepEqual(await names(`?ids=${id.gone_user},${id.yo}`), ['yo']);
    assert.deepEqual(await names('?query=user_'), []);
    assert.deepEqual(await names('?query=gone'), []);
  });

  test('the first users skip deleted accounts', async () => {
    const own = await civitaiFixture();
    try {
      const made = [];
      for (const name of ['first', 'second', 'third', 'fourth', 'fifth', 'sixth']) made.push((await own.user(name)).user);
      await deleteUser(own.core, SYSTEM, made[0]!.id);
      await deleteUser(own.core, SYSTEM, made[2]!.id);
      const response = await own.request('GET', '/api/v1/users');
      assert.deepEqual(
        (response.json() as { items: { username: string }[] }).items.map((item) => item.username),
        ['second', 'fourth', 'fifth', 'sixth'],
      );
    } finally {
      await own.close();
    }
  });

  test('the system user (id -1) is never found, even when a row holds that id', async () => {
    const own = await civitaiFixture();
    try {
      await insertUser(own.core, { id: -1, name: 'civitai' });
      await own.user('civitai_fan');
      const listed = async (query: string) =>
        ((await own.request('GET', `/api/v1/users${query}`)).json() as { items: { username: string }[] }).items.map((item) => item.username);
      assert.deepEqual(await listed('?ids=-1'), []);
      assert.deepEqual(await listed('?query=civitai'), ['civitai_fan']);
      assert.deepEqual(await listed(''), ['civitai_fan']);
    } finally {
      await own.close();
    }
  });
});

describe('errors and headers', () => {
  const zodIssues = (body: { name: string; message: string }): unknown[] => {
    assert.equal(body.name, 'ZodError');
    return JSON.parse(body.message) as unknown[];
  };

  test('malformed ids get 400 with the Zod error JSON', async () => {
    const response = await users('?ids=abc');
    assert.equal(response.statusCode, 400);
    assert.deepEqual(Object.keys(response.json()), ['name', 'message']);
    assert.deepEqual(zodIssues(response.json()), [
      { expected: 'number', code: 'invalid_type', received: 'NaN', path: ['ids', 0], message: 'Invalid input: expected number, received NaN' },
    ]);
    assert.deepEqual((zodIssues((await users(`?ids=${id.yo},x`)).json())[0] as { path: unknown }).path, ['ids', 1]);
  });

  test('other parse failures are Zod errors too: email, limit, page, include, a repeated query', async () => {
    const cases: Record<string, string> = {
      '?email=a@example.org': 'email',
      '?limit=0': 'limit',
      '?limit=201': 'limit',
      '?page=-1': 'page',
      '?include=secrets': 'include',
      '?query=a&query=b': 'query',
      '?ids[a]=1': 'ids',
    };
    for (const [query, field] of Object.entries(cases)) {
      const response = await users(query);
      assert.equal(response.statusCode, 400, query);
      const issues = zodIssues(response.json()) as { path: unknown[] }[];
      assert.equal(issues[0]?.path[0], field, query);
    }
  });

  test('more than 200 ids exceed the limit and get 400 with the issue list', async () => {
    const response = await users(`?ids=${Array.from({ length: 201 }, (_, i) => i + 1).join(',')}`);
    assert.equal(response.statusCode, 400);
    assert.deepEqual(response.json(), [
      { origin: 'number', code: 'too_big', maximum: 200, inclusive: true, path: ['limit'], message: 'Too big: expected number to be <=200' },
    ]);
  });

  test('answers carry the public cache headers Civitai sends', async () => {
    for (const query of ['', '?query=yo', '?ids=abc']) {
      const response = await users(query);
      assert.equal(response.headers['cache-control'], 'public, s-maxage=300, stale-while-revalidate=150', query);
      assert.equal(response.headers['access-control-allow-origin'], '*', query);
    }
  });

  test('it is public: no token is needed, and a bad or good one changes nothing', async () => {
    const expected = await users(`?ids=${id.yo}`);
    assert.equal(expected.statusCode, 200);
    for (const authorization of ['Bearer not-a-key', 'garbage', `Bearer ${(await f.user('token_bearer')).key}`]) {
      const response = await f.request('GET', `/api/v1/users?ids=${id.yo}`, { authorization });
      assert.equal(response.statusCode, 200, authorization);
      assert.equal(response.body, expected.body, authorization);
    }
    assert.equal((await users(`?ids=${id.yo}&token=bogus`)).body, expected.body);
  });

  test('there is no method check: any method reads, and a body is ignored', async () => {
    const response = await f.app.inject({
      method: 'POST',
      url: `/civitai/api/v1/users?ids=${id.yo}`,
      headers: { 'content-type': 'application/json' },
      payload: '{not json',
    });
    assert.equal(response.statusCode, 200);
    assert.deepEqual(response.json(), { items: [{ id: id.yo, username: 'yo', avatarNsfw: 'None' }] });
  });

  test('an internal failure gets 500 {"message":"An unexpected error occurred","error":…}, revealing nothing', async () => {
    const broken = await civitaiFixture();
    try {
      await broken.user('someone');
      await sql`alter table users rename to users_elsewhere`.execute(broken.core.db);
      const response = await broken.request('GET', '/api/v1/users?query=some');
      assert.equal(response.statusCode, 500);
      assert.deepEqual(response.json(), { message: 'An unexpected error occurred', error: 'Internal Server Error' });
      assert.equal(response.headers['cache-control'], 'no-store');
    } finally {
      await broken.close();
    }
  });
});

describe('on its own port', () => {
  test('ROSTER_DIALECT_PORTS serves the same API at the root', async () => {
    const own = await civitaiFixture({ app: { only: 'civitai' } });
    try {
      const { user, key } = await own.user('rooted');
      const listed = await own.app.inject({ method: 'GET', url: '/api/v1/users?query=root' });
      assert.deepEqual(listed.json(), { items: [{ id: user.id, username: 'rooted', avatarNsfw: 'None' }] });
      const me = await own.app.inject({ method: 'GET', url: '/api/v1/me', headers: { authorization: `Bearer ${key}` } });
      assert.equal(me.json().username, 'rooted');
      assert.deepEqual((await own.app.inject({ method: 'GET', url: '/civitai/api/v1/users' })).json(), { error: 'Not found' });
    } finally {
      await own.close();
    }
  });
});
