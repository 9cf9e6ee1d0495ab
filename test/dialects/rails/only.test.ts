import assert from 'node:assert/strict';
import { test } from 'node:test';
import { onlyIncludes, parseOnly, selectUserFields } from '../../../src/dialects/danbooru/only.js';
import type { DanbooruRecord } from '../../../src/dialects/danbooru/render.js';

test('parsing only=', () => {
  assert.equal(parseOnly(undefined), null);
  assert.equal(parseOnly(['id']), null);
  assert.deepEqual(parseOnly('id,name,inviter[name,level],bans'), [
    { name: 'id', children: null },
    { name: 'name', children: null },
    { name: 'inviter', children: [{ name: 'name', children: null }, { name: 'level', children: null }] },
    { name: 'bans', children: null },
  ]);
  // Lenient: an unclosed bracket swallows the rest into one item, which names nothing.
  assert.deepEqual(parseOnly('id,inviter[name,level'), [
    { name: 'id', children: null },
    { name: 'inviter[name,level', children: null },
  ]);
  assert.deepEqual(parseOnly('id],name'), [{ name: 'id]', children: null }, { name: 'name', children: null }]);
  assert.deepEqual(parseOnly(''), [{ name: '', children: null }]);
  assert.deepEqual(onlyIncludes(parseOnly('id,bans[reason]')), { inviter: false, bans: true });
  assert.deepEqual(onlyIncludes(null), { inviter: false, bans: false });
});

const USER: DanbooruRecord = {
  id: 5,
  created_at: '2024-05-01T12:00:00.123-04:00',
  name: 'alice',
  inviter_id: 2,
  level: 20,
  post_upload_count: 1,
  post_update_count: 2,
  note_update_count: 3,
  is_deleted: false,
  level_string: 'Member',
  is_banned: false,
  comment_count: 9,
};
const INVITER: DanbooruRecord = { id: 2, name: 'bob', level: 40, level_string: 'Moderator', is_banned: false };
const BAN: DanbooruRecord = { id: 3, user_id: 5, reason: 'spam', banner_id: 1, duration: 86400, created_at: 'c', updated_at: 'u' };

test('only selects visible columns in database order, then methods as asked, then associations', () => {
  const cases: readonly (readonly [string, DanbooruRecord])[] = [
    ['name,id', { id: 5, name: 'alice' }],
    ['is_banned,level_string,level,id', { id: 5, level: 20, is_banned: false, level_string: 'Member' }],
    ['id,id,level_string,level_string', { id: 5, level_string: 'Member' }],
    ['id,last_ip_addr,updated_at,unknown,bit_prefs', { id: 5 }],
    // The show extras can never be selected.
    ['id,comment_count', { id: 5 }],
    ['id[x]', { id: 5 }],
    [' id,name', { name: 'alice' }],
    ['', {}],
    ['bans,id,inviter[name,level_string,bans]', { id: 5, bans: [BAN], inviter: { name: 'bob', level_string: 'Moderator' } }],
    ['inviter,id', { id: 5, inviter: INVITER }],
    ['bans[reason,duration,nope]', { bans: [{ reason: 'spam', duration: 86400 }] }],
    ['inviter[inviter[name]],id', { id: 5, inviter: {} }],
  ];
  for (const [only, expected] of cases) {
    assert.deepEqual(selectUserFields(parseOnly(only)!, USER, { inviter: INVITER, bans: [BAN] }), expected, only);
  }
});

test('no inviter: no key at all; no bans: an empty list', () => {
  const only = parseOnly('id,inviter,bans')!;
  assert.deepEqual(selectUserFields(only, USER, { inviter: null, bans: [] }), { id: 5, bans: [] });
  assert.deepEqual(selectUserFields(parseOnly('id,inviter[name]')!, USER, {}), { id: 5 });
});
