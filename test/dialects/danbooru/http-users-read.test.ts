import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { banUser } from '../../../src/core/moderation/moderation.js';
import type { User } from '../../../src/core/users/user.js';
import { createUser } from '../../../src/core/users/users.js';
import { SYSTEM } from '../../../src/core/access/viewer.js';
import { danbooruFixture, T0_EASTERN, type DanbooruFixture, type Role } from './http-fixture.js';
import { EXTRA_KEYS } from './spec-fields.js';

type Json = Record<string, unknown>;

/** Same keys in the same order (Danbooru's serialization order), same values. */
function assertRecord(actual: unknown, expected: Json): void {
  assert.deepEqual(Object.keys(actual as Json), Object.keys(expected));
  assert.deepEqual(actual, expected);
}

const base = (user: User, levelString: string): Json => ({
  id: user.id,
  created_at: T0_EASTERN,
  name: user.name,
  inviter_id: user.inviter_id,
  level: user.level,
  post_upload_count: 0,
  post_update_count: 0,
  note_update_count: 0,
  is_deleted: false,
  level_string: levelString,
  is_banned: false,
});

const FLAGS_OFF = {
  receive_email_notifications: true,
  new_post_navigation_layout: true,
  enable_private_favorites: false,
  show_deleted_children: false,
  disable_categorized_saved_searches: false,
  disable_tagged_filenames: false,
  disable_mobile_gestures: false,
  enable_safe_mode: false,
  enable_desktop_mode: false,
  disable_post_tooltips: false,
  requires_verification: false,
  is_verified: false,
  show_deleted_posts: false,
};

const EXTRAS = Object.fromEntries(EXTRA_KEYS.map((key) => [key, 0]));

/** The member as they see themselves (A1 key order): columns, methods, flags, limits. */
const selfView = (user: User): Json => ({
  id: user.id,
  created_at: T0_EASTERN,
  updated_at: T0_EASTERN,
  name: user.name,
  inviter_id: null,
  level: 20,
  last_logged_in_at: null,
  last_forum_read_at: null,
  post_upload_count: 0,
  post_update_count: 0,
  note_update_count: 0,
  favorite_count: 0,
  comment_threshold: -8,
  default_image_size: 'large',
  favorite_tags: '',
  blacklisted_tags: 'guro\nscat\nfurry -rating:g',
  time_zone: 'Eastern Time (US & Canada)',
  per_page: 20,
  custom_style: '',
  theme: 'auto',
  is_deleted: false,
  level_string: 'Member',
  is_banned: false,
  ...FLAGS_OFF,
  statement_timeout: 3000,
  favorite_group_limit: 10,
  tag_query_limit: 2,
  max_saved_searches: 250,
});

describe('Danbooru users: index, show, profile', () => {
  let f: DanbooruFixture;
  let invited: User;
  const get = async (role: Role | null, url: string): Promise<Json | Json[]> => {
    const response = await f.request(role, 'GET', url);
    assert.equal(response.statusCode, 200, response.body);
    assert.equal(response.headers['access-control-allow-origin'], '*');
    return response.json() as Json | Json[];
  };

  before(async () => {
    f = await danbooruFixture();
    invited = await createUser(f.core, SYSTEM, { name: 'invited_user', inviterId: f.users.member.id });
    await banUser(f.core, SYSTEM, { userId: invited.id, reason: 'spam', durationMs: 86_400_000 });
  });
  after(() => f.close());

  test('index: a bare array, newest id first, base fields only for others', async () => {
    const list = (await get(null, '/danbooru/users.json')) as Json[];
    assert.deepEqual(
      list.map((user) => user.name),
      ['invited_user', 'other_user', 'member_user', 'gold_user', 'moderator_user', 'admin_user', 'owner_user'],
    );
    assertRecord(
      list.find((user) => user.name === 'member_user'),
      base(f.users.member, 'Member'),
    );
    assertRecord(list[0], { ...base(invited, 'Member'), inviter_id: f.users.member.id, is_banned: true });
  });

  test('index: the user sees their own settings, but no show extras', async () => {
    const list = (await get('member', `/danbooru/users.json?search[id]=${f.users.member.id}`)) as Json[];
    assertRecord(list[0], selfView(f.users.member));
  });

  for (const role of ['moderator', 'admin', 'owner'] as const) {
    test(`index: a ${role} gets last_ip_addr, and no one else's settings`, async () => {
      const [member] = (await get(role, `/danbooru/users.json?search[id]=${f.users.member.id}`)) as Json[];
      const { is_deleted: isDeleted, level_string: levelString, is_banned: isBanned, ...columns } = base(f.users.member, 'Member');
      assertRecord(member, { ...columns, last_ip_addr: '203.0.113.20', is_deleted: isDeleted, level_string: levelString, is_banned: isBanned });
    });
  }

  for (const role of [null, 'other', 'gold'] as const) {
    test(`index: ${role ?? 'anonymous'} gets no last_ip_addr`, async () => {
      const [member] = (await get(role, `/danbooru/users.json?search[id]=${f.users.member.id}`)) as Json[];
      assertRecord(member, base(f.users.member, 'Member'));
    });
  }

  test('show: the show extras on top; the user themself sees everything', async () => {
    assertRecord(await get(null, `/danbooru/users/${f.users.member.id}.json`), { ...base(f.users.member, 'Member'), ...EXTRAS });
    assertRecord(await get('member', `/danbooru/users/${f.users.member.id}.json`), { ...selfView(f.users.member), ...EXTRAS });
  });

  test('show: limits by level, infinite as null', async () => {
    const gold = (await get('gold', `/danbooru/users/${f.users.gold.id}.json`)) as Json;
    assert.deepEqual([gold.statement_timeout, gold.favorite_group_limit, gold.tag_query_limit, gold.max_saved_searches], [6000, null, 6, 1000]);
    const owner = (await get('owner', `/danbooru/users/${f.users.owner.id}.json`)) as Json;
    assert.deepEqual([owner.statement_timeout, owner.favorite_group_limit, owner.tag_query_limit, owner.max_saved_searches], [9000, null, null, null]);
  });

  test('show: never bit_prefs, unread_dmail_count, upload_points or the email', async () => {
    for (const role of [null, 'member', 'owner'] as const) {
      const body = JSON.stringify(await get(role, `/danbooru/users/${f.users.member.id}.json`));
      assert.doesNotMatch(body, /bit_prefs|unread_dmail_count|upload_points|"email|example\.org|password/);
    }
  });

  test('show: ids as ActiveRecord casts them; anything else is 404 RecordNotFound', async () => {
    assert.equal(((await get(null, `/danbooru/users/${f.users.member.id}abc.json`)) as Json).name, 'member_user');
    for (const path of ['/danbooru/users/member_user.json', '/danbooru/users/999999.json', '/danbooru/users/0.json', '/danbooru/users/-1.json']) {
      const response = await f.request(null, 'GET', path);
      assert.equal(response.statusCode, 404, path);
      assert.deepEqual(response.json(), { success: false, error: 'ActiveRecord::RecordNotFound', message: 'That record was not found.', backtrace: [] });
    }
  });

  test('profile: the current user as show renders them', async () => {
    assertRecord(await get('member', '/danbooru/profile.json'), { ...selfView(f.users.member), ...EXTRAS });
  });

  test('profile: anonymous callers get the anonymous pseudo-user (200)', async () => {
    const anonymous = (await get(null, '/danbooru/profile.json')) as Json;
    assertRecord(anonymous, {
      ...selfView(f.users.member),
      id: null,
      updated_at: null,
      name: 'Anonymous',
      level: 0,
      last_logged_in_at: T0_EASTERN,
      last_forum_read_at: '1960-01-01T00:00:00.000-05:00',
      favorite_tags: null,
      custom_style: null,
      level_string: null,
      ...FLAGS_OFF,
      receive_email_notifications: false,
      ...EXTRAS,
    });
  });

  test('the old /user/show/:id is a permanent redirect', async () => {
    const response = await f.request(null, 'GET', `/danbooru/user/show/${f.users.member.id}`);
    assert.equal(response.statusCode, 301);
    assert.equal(response.headers.location, `http://localhost:80/danbooru/users/${f.users.member.id}`);
  });

  describe('?name= finds a user by current or past name', () => {
    for (const [suffix, extension] of [
      ['.json', '.json'],
      ['.xml', '.xml'],
      ['', ''],
    ] as const) {
      test(`one hit redirects, keeping the format (${suffix || 'none'})`, async () => {
        const response = await f.request(null, 'GET', `/danbooru/users${suffix}?name=MEMBER_user`);
        assert.equal(response.statusCode, 302);
        assert.equal(response.headers.location, `http://localhost:80/danbooru/users/${f.users.member.id}${extension}`);
      });
    }

    test('no hit is an empty list', async () => {
      assert.deepEqual(await get(null, '/danbooru/users.json?name=nobody_here'), []);
    });

    test('redirect=true redirects any search with one hit', async () => {
      const response = await f.request(null, 'GET', '/danbooru/users.json?search[level]=60&redirect=true');
      assert.equal(response.statusCode, 302);
      assert.equal(response.headers.location, `http://localhost:80/danbooru/users/${f.users.owner.id}.json`);
    });
  });

  test('blank search values are redirected away (normalize_search)', async () => {
    const response = await f.request(null, 'GET', '/danbooru/users.json?search[name]=&search[level]=20&limit=5&search[inviter][name]=');
    assert.equal(response.statusCode, 302);
    assert.equal(response.headers.location, 'http://localhost:80/danbooru/users.json?limit=5&search%5Blevel%5D=20');
    const none = await f.request(null, 'GET', '/danbooru/bans.json?search[reason_matches]=');
    assert.equal(none.headers.location, 'http://localhost:80/danbooru/bans.json');
  });

  describe('only=', () => {
    const one = async (role: Role | null, only: string, id = invited.id): Promise<Json> => {
      const [user] = (await get(role, `/danbooru/users.json?search[id]=${id}&only=${encodeURIComponent(only)}`)) as Json[];
      return user!;
    };

    test('columns in database order, methods as asked', async () => {
      assertRecord(await one(null, 'is_banned,name,level_string,id'), { id: invited.id, name: 'invited_user', is_banned: true, level_string: 'Member' });
    });

    test('associations: the inviter (as this viewer sees users) and the bans', async () => {
      const user = await one(null, 'id,inviter[name,level],bans[reason,duration]');
      assertRecord(user, { id: invited.id, inviter: { name: 'member_user', level: 20 }, bans: [{ reason: 'spam', duration: 86_400 }] });
      const whole = await one(null, 'inviter');
      assertRecord(whole.inviter, base(f.users.member, 'Member'));
    });

    test('no inviter: no key at all; no bans: an empty list', async () => {
      assertRecord(await one(null, 'id,inviter,bans', f.users.member.id), { id: f.users.member.id, bans: [] });
    });

    test('hidden, unknown and show-only names are dropped', async () => {
      assertRecord(await one(null, 'id,last_ip_addr,per_page,email,bogus,comment_count'), { id: invited.id });
      assertRecord(await one('moderator', 'id,last_ip_addr'), { id: invited.id, last_ip_addr: null });
      const show = (await get(null, `/danbooru/users/${invited.id}.json?only=id,comment_count`)) as Json;
      assertRecord(show, { id: invited.id });
    });

    test('malformed lists select what they can, never fail', async () => {
      assertRecord(await one(null, 'id,name[,,]]['), { id: invited.id });
      assertRecord(await one(null, ',,'), {});
      const list = (await get(null, `/danbooru/users.json?search[id]=${invited.id}&only[]=id`)) as Json[];
      assertRecord(list[0], { ...base(invited, 'Member'), inviter_id: f.users.member.id, is_banned: true });
    });

    test('on the anonymous pseudo-user', async () => {
      assertRecord(await get(null, '/danbooru/profile.json?only=id,name,bans,inviter'), { id: null, name: 'Anonymous', bans: [] });
    });
  });
});
