import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseOnly } from '../../../src/dialects/rails/only.js';
import type { RailsRecord } from '../../../src/dialects/rails/record.js';
import { onlyIncludes, selectUserFields } from '../../../src/dialects/danbooru/user-only.js';

test('only= names the associations to load', () => {
  assert.deepEqual(onlyIncludes(parseOnly('id,bans[reason]')), { inviter: false, bans: true });
  assert.deepEqual(onlyIncludes(null), { inviter: false, bans: false });
});

const USER: RailsRecord = {
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
const INVITER: RailsRecord = { id: 2, name: 'bob', level: 40, level_string: 'Moderator', is_banned: false };
const BAN: RailsRecord = { id: 3, user_id: 5, reason: 'spam', banner_id: 1, duration: 86400, created_at: 'c', updated_at: 'u' };

test('only selects visible columns in database order, then methods as asked, then associations', () => {
  const cases: readonly (readonly [string, RailsRecord])[] = [
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

test('key order: columns in database order, methods as asked, associations in the order first asked', () => {
  const select = (only: string, associations = { inviter: INVITER, bans: [BAN] }): string =>
    JSON.stringify(selectUserFields(parseOnly(only)!, USER, associations));
  assert.equal(select('is_banned,level_string,name,id'), JSON.stringify({ id: 5, name: 'alice', is_banned: false, level_string: 'Member' }));
  assert.equal(select('bans,id,inviter[name]'), JSON.stringify({ id: 5, bans: [BAN], inviter: { name: 'bob' } }));
  assert.equal(select('inviter,bans[reason],bans,inviter[id]'), JSON.stringify({ inviter: INVITER, bans: [{ reason: 'spam' }] }));
});
