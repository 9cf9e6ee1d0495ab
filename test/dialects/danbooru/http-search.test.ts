import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { createApiKey } from '../../../src/core/auth/api-keys.js';
import { Level } from '../../../src/core/access/levels.js';
import { banUser } from '../../../src/core/moderation/moderation.js';
import { createUser, deleteUser, renameUser, updateUser } from '../../../src/core/users/users.js';
import { SYSTEM } from '../../../src/core/access/viewer.js';
import { buildApp } from '../../../src/app.js';
import { createTestCore, type TestCore } from '../../support/database.js';
import { basic, danbooruError, T0 } from './http-fixture.js';

/**
 * Every search form of A4 against a fixture whose answers are known. Ids follow creation:
 * 1 owner, 2 alice, 3 bob, 4 carol, 5 dave_the_mod, 6 erin (banned), 7 frankie (once frank),
 * 8 user_8 (gina, deleted). "Now" is 2024-05-01 12:00 US Eastern.
 */
const noon = (date: string): number => Date.parse(`${date}T12:00:00Z`);

const CAST = [
  { name: 'owner', level: Level.Owner, created: '2023-12-01', counters: {} },
  { name: 'alice', level: Level.Member, created: '2024-01-10', counters: { post_upload_count: 10, post_update_count: 5, note_update_count: 1 } },
  { name: 'bob', level: Level.Gold, created: '2024-02-15', counters: { post_upload_count: 3, post_update_count: 50, note_update_count: 7 }, inviter: 'alice' },
  { name: 'carol', level: Level.Builder, created: '2024-03-20', counters: { note_update_count: 30 }, inviter: 'bob' },
  { name: 'dave_the_mod', level: Level.Moderator, created: '2024-04-01', counters: { post_upload_count: 100, post_update_count: 2 }, inviter: 'alice' },
  { name: 'erin', level: Level.Member, created: '2024-04-25', counters: {} },
  { name: 'frank', level: Level.Member, created: '2024-04-10', counters: {} },
  { name: 'gina', level: Level.Member, created: '2024-04-12', counters: {} },
] as const;

type Viewer = 'alice' | 'bob' | 'dave_the_mod' | null;

const ALL = ['user_8', 'frankie', 'erin', 'dave_the_mod', 'carol', 'bob', 'alice', 'owner'];
const except = (...names: string[]): string[] => ALL.filter((name) => !names.includes(name));

/** [viewer, query, expected names in order]. */
const SEARCHES: readonly (readonly [Viewer, string, readonly string[]])[] = [
  // number syntax
  [null, 'search[id]=3', ['bob']],
  [null, 'search[id]=3..5', ['dave_the_mod', 'carol', 'bob']],
  [null, 'search[id]=5..3', ['dave_the_mod', 'carol', 'bob']],
  [null, 'search[id]=3...5', ['carol', 'bob']],
  [null, 'search[id]=7..', ['user_8', 'frankie']],
  [null, 'search[id]=..2', ['alice', 'owner']],
  [null, 'search[id]=>7', ['user_8']],
  [null, 'search[id]=>=7', ['user_8', 'frankie']],
  [null, 'search[id]=<2', ['owner']],
  [null, 'search[id]=<=2', ['alice', 'owner']],
  [null, 'search[id]=1,3,5', ['dave_the_mod', 'bob', 'owner']],
  [null, 'search[id]=1 3 5', ['dave_the_mod', 'bob', 'owner']],
  [null, 'search[id]=1,>7,3..4', ['user_8', 'carol', 'bob', 'owner']],
  [null, 'search[id]=abc', []],
  [null, 'search[id_not]=2..7', ['user_8', 'owner']],
  [null, 'search[id_eq]=4', ['carol']],
  [null, 'search[id_not_eq]=4', except('carol')],
  [null, 'search[id_gt]=6', ['user_8', 'frankie']],
  [null, 'search[id_gteq]=8', ['user_8']],
  [null, 'search[id_lt]=2', ['owner']],
  [null, 'search[id_lteq]=2', ['alice', 'owner']],
  [null, 'search[id_gt]=junk', []],
  [null, 'search[inviter_id]=none', ['user_8', 'frankie', 'erin', 'alice', 'owner']],
  [null, 'search[inviter_id]=any', ['dave_the_mod', 'carol', 'bob']],
  [null, 'search[inviter_id]=2', ['dave_the_mod', 'bob']],
  [null, 'search[inviter_id_not]=2', except('dave_the_mod', 'bob')],
  [null, 'search[level]=30', ['bob']],
  [null, 'search[level]=>=40', ['dave_the_mod', 'owner']],
  [null, 'search[level]=junk', []],
  [null, 'search[min_level]=32', ['dave_the_mod', 'carol', 'owner']],
  [null, 'search[max_level]=20', ['user_8', 'frankie', 'erin', 'alice']],
  [null, 'search[min_level]=30&search[max_level]=35', ['carol', 'bob']],
  [null, 'search[post_upload_count]=>5', ['dave_the_mod', 'alice']],
  [null, 'search[post_update_count]=5..50', ['bob', 'alice']],
  [null, 'search[note_update_count]=7', ['bob']],
  [null, 'search[favorite_count]=0', ALL],
  // timestamps: dates, ages (reversed), a bare age is its calendar day, and the date fallback
  [null, 'search[created_at]=2024-02-15..2024-03-21', ['carol', 'bob']],
  [null, 'search[created_at]=<1w', ['erin']],
  [null, 'search[created_at]=>3mo', ['alice', 'owner']],
  [null, 'search[created_at]=6d', ['erin']],
  [null, 'search[created_at]=20240401..20240430', ['user_8', 'frankie', 'erin', 'dave_the_mod']],
  [null, 'search[created_at_lt]=2024-01-01', ['owner']],
  [null, 'search[created_at]=junk', []],
  // strings
  [null, 'search[name]=ALICE', ['alice']],
  [null, 'search[name]=dave the mod', ['dave_the_mod']],
  [null, 'search[name]=*O*', ['dave_the_mod', 'carol', 'bob', 'owner']],
  [null, 'search[name_matches]=b*', ['bob']],
  [null, 'search[name_eq]=alice', ['alice']],
  [null, 'search[name_eq]=Alice', []],
  [null, 'search[name_not_eq]=alice', except('alice')],
  [null, 'search[name_like]=*_*', ['user_8', 'dave_the_mod']],
  [null, 'search[name_like]=B*', []],
  [null, 'search[name_ilike]=B*', ['bob']],
  [null, 'search[name_not_like]=*a*', ['user_8', 'erin', 'bob', 'owner']],
  [null, 'search[name_not_ilike]=*E*', ['carol', 'bob']],
  [null, 'search[name_regex]=^[a-c]', ['carol', 'bob', 'alice']],
  [null, 'search[name_not_regex]=[aeiou]r', ['frankie', 'dave_the_mod', 'bob', 'alice']],
  [null, 'search[name_present]=true', ALL],
  [null, 'search[name_present]=false', []],
  [null, 'search[name_comma]=alice,bob', ['bob', 'alice']],
  [null, 'search[name_space]=carol erin', ['erin', 'carol']],
  [null, 'search[name_lower_comma]=ALICE,Bob', ['bob', 'alice']],
  [null, 'search[name_lower_space]=CAROL', ['carol']],
  [null, 'search[name_array][]=alice&search[name_array][]=carol', ['carol', 'alice']],
  [null, 'search[name_lower_array][]=ERIN', ['erin']],
  // current and past names, as each viewer may see the history (A11)
  [null, 'search[any_name_matches]=frank', []],
  ['alice', 'search[any_name_matches]=frank', ['frankie']],
  [null, 'search[any_name_matches]=FRANKIE', ['frankie']],
  [null, 'search[name_or_past_name_matches]=frank', []],
  ['alice', 'search[name_or_past_name_matches]=frank', ['frankie']],
  [null, 'search[name_or_past_name_matches]=alice', ['alice']],
  ['alice', 'search[any_name_matches]=gina', []],
  ['dave_the_mod', 'search[any_name_matches]=gina', ['user_8']],
  ['dave_the_mod', 'search[name_or_past_name_matches]=gina', ['user_8']],
  // booleans
  [null, 'search[is_banned]=true', ['erin']],
  [null, 'search[is_banned]=no', except('erin')],
  [null, 'search[is_banned]=maybe', ALL],
  [null, 'search[is_deleted]=true', ['user_8']],
  [null, 'search[is_deleted]=YES', ['user_8']],
  [null, 'search[is_deleted]=f', except('user_8')],
  [null, 'search[is_deleted]=maybe', []],
  // chaining
  [null, 'search[inviter_name]=alice', ['dave_the_mod', 'bob']],
  [null, 'search[inviter_name]=ALI*', ['dave_the_mod', 'bob']],
  [null, 'search[inviter][level]=>=30', ['carol']],
  [null, 'search[inviter][name]=bob', ['carol']],
  [null, 'search[inviter][inviter][name]=alice', ['carol']],
  [null, 'search[has_inviter]=true', ['dave_the_mod', 'carol', 'bob']],
  [null, 'search[has_inviter]=false', ['user_8', 'frankie', 'erin', 'alice', 'owner']],
  [null, 'search[has_bans]=true', ['erin']],
  [null, 'search[has_bans]=false', except('erin')],
  [null, 'search[bans][reason_matches]=spam*', ['erin']],
  [null, 'search[bans][reason]=spamming links', ['erin']],
  [null, 'search[bans][reason]=spam', []],
  // order
  [null, 'search[order]=name', ['alice', 'bob', 'carol', 'dave_the_mod', 'erin', 'frankie', 'owner', 'user_8']],
  [null, 'search[order]=post_upload_count', ['dave_the_mod', 'alice', 'bob', 'user_8', 'frankie', 'erin', 'carol', 'owner']],
  [null, 'search[order]=post_update_count', ['bob', 'alice', 'dave_the_mod', 'user_8', 'frankie', 'erin', 'carol', 'owner']],
  [null, 'search[order]=note_count', ['carol', 'bob', 'alice', 'user_8', 'frankie', 'erin', 'dave_the_mod', 'owner']],
  [null, 'search[order]=custom&search[id]=3,1,2', ['bob', 'owner', 'alice']],
  [null, 'search[order]=custom', []],
  [null, 'search[order]=bogus', ALL],
  ['alice', 'search[current_user_first]=true', ['alice', ...except('alice')]],
  [null, 'search[current_user_first]=true', ALL],
  // unknown keys and values of the wrong shape are ignored
  [null, 'search[bogus]=1', ALL],
  [null, 'search[id][]=1', ALL],
  [null, 'search[id][x]=1', ALL],
  [null, 'search=abc', ALL],
  [null, 'search[last_ip_addr]=203.0.113.1', ALL],
  ['dave_the_mod', 'search[email]=alice@example.org', ALL],
];

const PAGES: readonly (readonly [Viewer, string, readonly string[]])[] = [
  [null, 'limit=2', ['user_8', 'frankie']],
  [null, 'limit=2&page=2', ['erin', 'dave_the_mod']],
  [null, 'limit=2&page=4', ['alice', 'owner']],
  [null, 'limit=2&page=5', []],
  [null, 'limit=0', ['user_8']],
  [null, 'limit=abc', ['user_8']],
  [null, 'limit=-5', ['user_8']],
  [null, 'limit=3.7', ['user_8', 'frankie', 'erin']],
  [null, 'limit=99999999999999999999', ALL],
  [null, 'limit[]=2', ['user_8']],
  [null, 'limit=2&page=0', ['user_8', 'frankie']],
  [null, 'limit=2&page=-3', ['user_8', 'frankie']],
  [null, 'limit=2&page=junk', ['user_8', 'frankie']],
  [null, 'limit=2&page[]=2', ['user_8', 'frankie']],
  [null, 'page=1000', []],
  ['bob', 'page=5000', []],
  [null, 'page=b5', ['carol', 'bob', 'alice', 'owner']],
  [null, 'page=b5&limit=2', ['carol', 'bob']],
  [null, 'page=a5&limit=2', ['frankie', 'erin']],
  [null, 'page=b5&search[order]=name', ['carol', 'bob', 'alice', 'owner']],
  [null, 'page=a0', ALL],
  [null, 'page=b99999999999999999999&limit=1', ['user_8']],
];

describe('Danbooru user search', () => {
  let core: TestCore;
  let app: FastifyInstance;
  const auth: Record<string, string> = {};
  const get = (viewer: Viewer, query: string) =>
    app.inject({ method: 'GET', url: `/danbooru/users.json?${query}`, headers: viewer === null ? {} : { authorization: auth[viewer]! } });

  before(async () => {
    core = await createTestCore({ now: () => T0 });
    const ids: Record<string, number> = {};
    for (const member of CAST) {
      const inviterId = 'inviter' in member ? ids[member.inviter]! : null;
      const user = await createUser(core, SYSTEM, { name: member.name, level: member.level, createdAt: noon(member.created), inviterId });
      ids[member.name] = user.id;
      await updateUser(core, SYSTEM, user.id, { counters: member.counters });
      auth[member.name] = basic(member.name, (await createApiKey(core, SYSTEM, user.id, { name: 'k' })).secret);
    }
    await banUser(core, SYSTEM, { userId: ids.erin!, reason: 'spamming links', durationMs: null });
    await renameUser(core, SYSTEM, ids.frank!, 'frankie');
    await deleteUser(core, SYSTEM, ids.gina!);
    app = buildApp(core);
    await app.ready();
  });
  after(async () => {
    await app.close();
    await core.dispose();
  });

  for (const [viewer, query, expected] of [...SEARCHES, ...PAGES]) {
    test(`${viewer ?? 'anonymous'}: ${query}`, async () => {
      const response = await get(viewer, query);
      assert.equal(response.statusCode, 200, response.body);
      assert.deepEqual((response.json() as { name: string }[]).map((user) => user.name), expected);
    });
  }

  test('past the last page: 410, 1000 below Gold and 5000 from Gold', async () => {
    for (const [viewer, page, last] of [[null, 1001, 1000], ['alice', 1001, 1000], ['bob', 5001, 5000], ['dave_the_mod', 9999, 5000]] as const) {
      const response = await get(viewer, `page=${page}`);
      assert.equal(response.statusCode, 410);
      assert.deepEqual(danbooruError(response), { error: 'PaginationExtension::PaginationError', message: `You cannot go beyond page ${last}.`, backtrace: [] });
    }
    assert.equal((await get('bob', 'page=1001')).statusCode, 200);
  });

  test('a search nested deeper than Danbooru allows is a bad request, not a 500', async () => {
    const response = await get(null, `search${'[inviter]'.repeat(11)}[id]=1`);
    assert.equal(response.statusCode, 400);
    assert.equal(danbooruError(response).error, 'ActionController::BadRequest');
  });

  test('an invalid regular expression gets Danbooru’s answer (as a 400) on both engines', async () => {
    const response = await get(null, `search[name_regex]=${encodeURIComponent('(')}`);
    assert.equal(response.statusCode, 400, response.body);
    const error = danbooruError(response);
    assert.equal(error.error, 'ActiveRecord::StatementInvalid');
    assert.match(error.message, /^PG::InvalidRegularExpression: ERROR: {2}invalid regular expression: /);
  });
});
