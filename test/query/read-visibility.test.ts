import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { can } from '../../src/core/access/policy.js';
import { ANONYMOUS, SYSTEM, viewerFor, type Viewer } from '../../src/core/access/viewer.js';
import { CoreError } from '../../src/core/errors.js';
import { muteUser, banUser, getSanction } from '../../src/core/moderation/moderation.js';
import { getMembership } from '../../src/core/orgs/memberships.js';
import { createOrganization } from '../../src/core/orgs/organizations.js';
import { addSubscription, listSubscriptions } from '../../src/core/orgs/subscriptions.js';
import type { User } from '../../src/core/users/user.js';
import { loadUsers } from '../../src/core/users/user-store.js';
import { createUser, deleteUser, renameUser, updateUser } from '../../src/core/users/users.js';
import { renderUser } from '../../src/dialects/native/render.js';
import { and, eq, exists, isNull, type Filter, type Scalar } from '../../src/query/ast.js';
import { ENTITIES, type FieldDef } from '../../src/query/fields.js';
import { listNameChanges } from '../../src/query/list-name-changes.js';
import { searchEntity, type ListRequest } from '../../src/query/list-page.js';
import { searchSanctions } from '../../src/query/search-sanctions.js';
import { createTestCore, type TestCore } from '../support/database.js';

/**
 * Issue 6: nothing can be found by search that cannot be read. For every viewer tier, every
 * field of the user catalogue and every relation is probed: a search the engine accepts must
 * only find what the same viewer reads (the native rendering for fields, the core's read calls
 * for related rows), and the root lists of related entities list only readable rows.
 */
const request = (filter: Filter): ListRequest => ({ filter, sort: [], page: { kind: 'offset', limit: 100, offset: 0 } });

type Row = Record<string, unknown>;

describe('search never finds what reading hides', () => {
  let core: TestCore;
  let viewers: Readonly<Record<string, Viewer>>;
  let users: User[];
  let rows: Map<number, Row>;

  const bySession = (user: User): Viewer => viewerFor(user, { kind: 'session', id: 1 }, null);

  before(async () => {
    core = await createTestCore();
    const make = (name: string, level = 20) => createUser(core, SYSTEM, { name, level, email: `${name}@example.org`, password: null, ip: `198.51.100.${level}` });
    const admin = await make('admin_ann', 50);
    const moderator = await make('mod_max', 40);
    const outsider = await make('outsider_olga');
    const worker = await make('worker_wally');
    const owner = await make('owner_tina');
    const pending = await make('pending_pete');
    const renamed = await make('rene_old');
    const gone = await make('dora_old');
    const muted = await make('muted_mia');
    const banned = await make('banned_bo');
    // An organization with an active owner, an active worker and a pending supervisor.
    const org = await createOrganization(core, bySession(owner), { slug: 'secret-team', name: 'Secret team' });
    const now = core.now();
    await core.db.insertInto('memberships').values({ organization_id: org.id, user_id: worker.id, role: 'worker', is_active: 1, joined_at: now, created_at: now, updated_at: now }).execute();
    await core.db.insertInto('memberships').values({ organization_id: org.id, user_id: pending.id, role: 'supervisor', is_active: 0, joined_at: null, created_at: now, updated_at: now }).execute();
    await updateUser(core, SYSTEM, owner.id, { selectedTeamId: org.id, clientMetadata: { plan: 'x' }, serverMetadata: { risk: 1 } });
    await renameUser(core, SYSTEM, renamed.id, 'rene_new');
    await renameUser(core, SYSTEM, gone.id, 'dora_new');
    await deleteUser(core, SYSTEM, gone.id);
    await muteUser(core, SYSTEM, { userId: muted.id, reason: 'private mute reason', durationMs: null });
    await banUser(core, SYSTEM, { userId: banned.id, reason: 'public ban reason', durationMs: null });
    await addSubscription(core, SYSTEM, { userId: owner.id, product: 'pro', tier: 'gold' });
    const ids = (await core.db.selectFrom('users').select('id').orderBy('id').execute()).map((row) => row.id);
    users = await loadUsers(core, ids);
    const byId = new Map(users.map((user) => [user.id, user]));
    const at = (user: User): User => byId.get(user.id)!;
    viewers = {
      anonymous: ANONYMOUS,
      member: bySession(at(outsider)),
      'org worker': bySession(at(worker)),
      moderator: bySession(at(moderator)),
      admin: bySession(at(admin)),
    };
    rows = new Map((await core.db.selectFrom('users').selectAll().execute()).map((row) => [row.id, row as unknown as Row]));
  });
  after(() => core.dispose());

  /** The user's value of a catalogue field, as a filter matching exactly that value. */
  function probe(field: FieldDef, user: User): Filter {
    if (field.derived) {
      const value = field.name === 'is_banned' ? user.ban !== null : field.name === 'is_muted' ? user.mute !== null : !user.is_deleted && user.ban === null;
      return eq(field.name, value);
    }
    const raw = rows.get(user.id)![field.column!];
    if (raw === null || raw === undefined) return isNull(field.name);
    const value: Scalar = field.type === 'boolean' ? raw === 1 || raw === true : field.type === 'string' ? String(raw) : Number(raw);
    return eq(field.name, value);
  }

  /** Whether the viewer reads the field of this user (the native rendering). */
  function reads(viewer: Viewer, user: User, field: string): boolean {
    const rendered = renderUser(viewer, user) as Record<string, unknown>;
    const counters = rendered.counters as Record<string, unknown>;
    if (field === 'is_active') return 'is_deleted' in rendered && 'is_banned' in rendered;
    return field in rendered || Object.hasOwn(counters, field);
  }

  async function found(viewer: Viewer, filter: Filter): Promise<number[] | 'refused'> {
    try {
      return (await searchEntity(core, viewer, 'users', request(filter))).ids;
    } catch (error) {
      if (error instanceof CoreError && error.code === 'invalid_param') return 'refused';
      throw error;
    }
  }

  test('every user field: searchable only where readable on every row', async () => {
    for (const [who, viewer] of Object.entries(viewers)) {
      for (const field of Object.values(ENTITIES.users.fields)) {
        for (const user of users) {
          const hits = await found(viewer, and(eq('id', user.id), probe(field, user)));
          if (hits === 'refused') continue;
          assert.deepEqual(hits, [user.id], `${who}: ${field.name} of ${user.name} is searchable but does not match`);
          assert.ok(reads(viewer, user, field.name), `${who} finds ${user.name} by ${field.name} but cannot read it`);
        }
      }
    }
  });

  test('the fields the issue named are no longer searchable by those who cannot read them', async () => {
    const owner = users.find((user) => user.name === 'owner_tina')!;
    for (const who of ['anonymous', 'member', 'org worker', 'moderator']) {
      assert.equal(await found(viewers[who]!, eq('selected_team_id', owner.selected_team_id!)), 'refused', `${who}: selected_team_id`);
    }
    assert.deepEqual(await found(viewers.admin!, eq('selected_team_id', owner.selected_team_id!)), [owner.id]);
    assert.equal(await found(ANONYMOUS, exists('memberships')), 'refused');
    assert.deepEqual(await found(viewers.member!, exists('memberships', eq('role', 'owner'))), []);
    assert.deepEqual(await found(viewers.member!, exists('name_changes', eq('old_name', 'dora_old'))), []);
  });

  /** Whether the viewer reads the related row `id` of `relation` through the core's read calls. */
  async function readsRelated(viewer: Viewer, owner: User, relation: string, id: number): Promise<boolean> {
    const refused = (error: unknown): false => {
      if (error instanceof CoreError && (error.code === 'forbidden' || error.code === 'not_found')) return false;
      throw error;
    };
    switch (relation) {
      case 'bans':
      case 'mutes':
        return getSanction(core, viewer, id).then(() => true, refused);
      case 'name_changes':
        return can(viewer, 'user.view_name_history', owner);
      case 'memberships':
        return getMembership(core, viewer, id).then(() => true, refused);
      case 'subscriptions':
        return listSubscriptions(core, viewer, owner.id).then((list) => list.some((item) => item.id === id), refused);
      case 'inviter':
      case 'invitees':
        return true;
      default:
        throw new Error(`no read call known for ${relation}`);
    }
  }

  const RELATED: Readonly<Record<string, { table: 'sanctions' | 'name_changes' | 'memberships' | 'subscriptions'; kind?: string }>> = {
    bans: { table: 'sanctions', kind: 'ban' },
    mutes: { table: 'sanctions', kind: 'mute' },
    name_changes: { table: 'name_changes' },
    memberships: { table: 'memberships' },
    subscriptions: { table: 'subscriptions' },
  };

  test('every relation: a related row is found only if the viewer reads it', async () => {
    const relations = Object.values(ENTITIES.users.relations);
    assert.deepEqual(relations.map((relation) => relation.name).sort(), ['bans', 'invitees', 'inviter', 'memberships', 'mutes', 'name_changes', 'subscriptions']);
    for (const [who, viewer] of Object.entries(viewers)) {
      for (const relation of relations) {
        const related = RELATED[relation.name];
        if (related === undefined) continue;
        let query = core.db.selectFrom(related.table).select(['id', 'user_id']);
        if (related.kind) query = query.where('kind' as never, '=', related.kind as never);
        for (const row of await query.execute()) {
          const owner = users.find((user) => user.id === row.user_id)!;
          const hits = await found(viewer, and(eq('id', owner.id), exists(relation.name, eq('id', row.id))));
          if (hits === 'refused' || hits.length === 0) continue;
          assert.ok(await readsRelated(viewer, owner, relation.name, row.id), `${who} finds ${relation.name} #${row.id} of ${owner.name} but cannot read it`);
        }
      }
    }
  });

  test('the lists of name changes and sanctions hold only readable rows', async () => {
    for (const [who, viewer] of Object.entries(viewers)) {
      const changes = await listNameChanges(core, viewer, request(and()));
      for (const change of changes.items) {
        const owner = users.find((user) => user.id === change.user_id)!;
        assert.ok(can(viewer, 'user.view_name_history', owner), `${who} lists a name change of ${owner.name}`);
      }
      for (const kind of ['ban', 'mute'] as const) {
        const listed = await searchSanctions(core, viewer, kind, request(and())).catch((error: unknown) => {
          if (error instanceof CoreError && error.code === 'forbidden') return null;
          throw error;
        });
        for (const sanction of listed?.items ?? []) await getSanction(core, viewer, sanction.id);
      }
    }
  });

  test('the native rendering shows a mute to moderators and the muted user only', () => {
    const muted = users.find((user) => user.name === 'muted_mia')!;
    for (const who of ['anonymous', 'member', 'org worker']) {
      const rendered = renderUser(viewers[who]!, muted) as Record<string, unknown>;
      assert.equal(rendered.is_muted, true);
      assert.ok(!('mute' in rendered), `${who} reads the mute`);
    }
    assert.equal((renderUser(viewers.moderator!, muted).mute as { reason: string }).reason, 'private mute reason');
    assert.equal((renderUser(bySession(muted), muted).mute as { reason: string }).reason, 'private mute reason');
  });
});
