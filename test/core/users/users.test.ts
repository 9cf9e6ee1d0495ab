import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { and, cmp, match } from '../../../src/query/ast.js';
import { isCoreError, type CoreErrorCode } from '../../../src/core/errors.js';
import { Level } from '../../../src/core/access/levels.js';
import { nameProblems } from '../../../src/core/users/names.js';
import { createUser, getUser, getUserByName, getUserByUuid, setUserLevel, signUp, updateUser, type CreateUserInput } from '../../../src/core/users/users.js';
import { searchUsers } from '../../../src/query/search-users.js';
import type { User } from '../../../src/core/users/user.js';
import { ANONYMOUS, SYSTEM, viewerFor, type Viewer } from '../../../src/core/access/viewer.js';
import { rejects } from '../../support/assertions.js';
import { createTestCore, type TestCore } from '../../support/database.js';

let core: TestCore;
before(async () => {
  core = await createTestCore();
});
after(async () => {
  await core.dispose();
});

let serial = 0;
const uniqueName = (prefix = 'user'): string => `${prefix}${++serial}`;
const make = (level: number = Level.Member, input: CreateUserInput = {}): Promise<User> => createUser(core, SYSTEM, { name: uniqueName(), level, ...input });
const as = (user: User): Viewer => viewerFor(user, { kind: 'session', id: 0 }, '198.51.100.7');

const auditRows = (userId: number) => core.db.selectFrom('audit_log').selectAll().where('target_user_id', '=', userId).orderBy('id').execute();

describe('createUser', () => {
  test('normalizes the name and applies the defaults', async () => {
    const name = uniqueName('new ');
    const user = await createUser(core, ANONYMOUS, { name: `  ${name.replace('new ', 'New  ')} `, email: 'Someone@Example.COM' });
    assert.equal(user.name, name.replace('new ', 'New_'));
    assert.equal(user.level, Level.Member);
    assert.match(user.uuid, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.equal(user.email, 'Someone@Example.COM');
    assert.equal(user.email_verified, false);
    assert.equal(user.has_password, false);
    const row = await core.db.selectFrom('users').select(['name_lower', 'email_lower']).where('id', '=', user.id).executeTakeFirstOrThrow();
    assert.deepEqual(row, { name_lower: user.name.toLowerCase(), email_lower: 'someone@example.com' });
    assert.equal((await auditRows(user.id)).length, 0, 'anonymous signups are not audited');
  });

  test('closed signups refuse anonymous callers but not admins or the system', async () => {
    const closed = await createTestCore({ env: { ROSTER_SIGNUPS_OPEN: 'false' } });
    try {
      await rejects(createUser(closed, ANONYMOUS, { name: uniqueName() }), 'forbidden');
      const admin = await createUser(closed, SYSTEM, { name: uniqueName(), level: Level.Admin });
      const created = await createUser(closed, viewerFor(admin, { kind: 'session', id: 0 }, null), { name: uniqueName() });
      assert.equal(created.level, Level.Member);
    } finally {
      await closed.dispose();
    }
  });

  test('signUp is for callers not signed in: members and admins are refused, anonymous gets an account', async () => {
    for (const level of [Level.Member, Level.Admin]) await rejects(signUp(core, as(await make(level)), { name: uniqueName() }), 'forbidden');
    const created = await signUp(core, ANONYMOUS, { name: uniqueName() });
    assert.equal(created.level, Level.Member);
  });

  test('an account remembers whether it signed itself up (e621 Unactivated); accounts made for someone are not', async () => {
    assert.equal((await signUp(core, ANONYMOUS, { name: uniqueName() })).self_signed_up, true);
    assert.equal((await createUser(core, as(await make(Level.Admin)), { name: uniqueName() })).self_signed_up, false);
    assert.deepEqual((await createUser(core, ANONYMOUS, { name: uniqueName() })).artist_tags, []);
  });

  test('an admin creating a user is audited', async () => {
    const admin = await make(Level.Admin);
    const user = await createUser(core, as(admin), { name: uniqueName() });
    const audit = await auditRows(user.id);
    assert.equal(audit.length, 1);
    assert.equal(audit[0]!.action, 'user.create');
    assert.equal(audit[0]!.actor_id, admin.id);
  });

  test('names are unique ignoring case', async () => {
    const name = uniqueName('Taken');
    await createUser(core, ANONYMOUS, { name });
    const fields = await rejects(createUser(core, ANONYMOUS, { name: name.toUpperCase() }), 'conflict');
    assert.deepEqual(fields, { name: ['already taken'] });
  });

  test('two concurrent signups for one name: exactly one succeeds', async () => {
    const name = uniqueName('race');
    const results = await Promise.allSettled([createUser(core, ANONYMOUS, { name }), createUser(core, ANONYMOUS, { name: name.toUpperCase() })]);
    assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
    const failure = results.find((r) => r.status === 'rejected');
    assert.ok(failure && isCoreError(failure.reason) && failure.reason.code === 'conflict');
    const rows = await core.db.selectFrom('users').select('id').where('name_lower', '=', name.toLowerCase()).execute();
    assert.equal(rows.length, 1);
  });

  test('a user without a name gets a readable generated one', async () => {
    const user = await createUser(core, ANONYMOUS, { displayName: 'Stack Person' });
    assert.match(user.name, /^[a-z]+_[a-z]+_[0-9]{4}$/);
    assert.deepEqual(nameProblems(user.name), []);
    assert.equal(user.display_name, 'Stack Person');
  });

  test('passwords are hashed; imported hashes must be in a supported format', async () => {
    const user = await createUser(core, ANONYMOUS, { name: uniqueName(), password: 'correct horse' });
    assert.equal(user.has_password, true);
    const row = await core.db.selectFrom('users').select('password_hash').where('id', '=', user.id).executeTakeFirstOrThrow();
    assert.match(row.password_hash ?? '', /^\$argon2id\$/);
    assert.deepEqual(await rejects(createUser(core, SYSTEM, { name: uniqueName(), passwordHash: 'plaintext' }), 'validation_failed'), {
      password_hash: ['is not a supported hash format'],
    });
    const imported = await createUser(core, SYSTEM, { name: uniqueName(), passwordHash: row.password_hash });
    assert.equal(imported.has_password, true);
  });

  test('every problem is reported at once', async () => {
    const fields = await rejects(
      createUser(core, ANONYMOUS, {
        name: 'user_12',
        password: 'short',
        email: 'not an email',
        firstName: 'x'.repeat(151),
        displayName: 'y'.repeat(257),
        profileImageUrl: 'ftp://example.com/a.png',
        clientMetadata: { big: 'z'.repeat(101 * 1024) },
      }),
      'validation_failed',
    );
    assert.deepEqual(Object.keys(fields).sort(), ['client_metadata', 'display_name', 'email', 'first_name', 'name', 'password', 'profile_image_url']);
    assert.deepEqual(fields.name, ["can't be user_<number>"]);
  });

  test('profile images: http(s) URLs and base64 data images', async () => {
    const ok = ['https://cdn.example.com/a.png', 'data:image/png;base64,iVBORw0KGgo='];
    for (const url of ok) assert.equal((await make(Level.Member, { profileImageUrl: url })).profile_image_url, url);
    for (const url of ['javascript:alert(1)', 'data:text/html;base64,PGI+', 'https://a b.example/x']) {
      await rejects(make(Level.Member, { profileImageUrl: url }), 'validation_failed');
    }
  });

  // [viewer, input, expected outcome]
  const privilegeRows: readonly [string, CreateUserInput, CoreErrorCode | 'ok'][] = [
    ['anonymous', {}, 'ok'],
    ['anonymous', { level: Level.Restricted }, 'ok'],
    ['anonymous', { level: Level.Gold }, 'forbidden'],
    ['anonymous', { emailVerified: true, email: 'a@example.com' }, 'forbidden'],
    ['anonymous', { serverMetadata: { a: 1 } }, 'forbidden'],
    ['anonymous', { clientReadOnlyMetadata: { a: 1 } }, 'forbidden'],
    ['anonymous', { clientMetadata: { a: 1 } }, 'ok'],
    ['anonymous', { uuid: randomUUID() }, 'forbidden'],
    ['member', {}, 'forbidden'],
    ['admin', { level: Level.Moderator, serverMetadata: { plan: 'pro' } }, 'ok'],
    ['admin', { level: Level.Admin }, 'forbidden'],
    ['admin', { level: 45 }, 'validation_failed'],
    ['system', { level: Level.Owner, emailVerified: true, email: 'o@example.com' }, 'ok'],
  ];
  for (const [who, input, expected] of privilegeRows) {
    test(`${who} creating ${JSON.stringify(input)}: ${expected}`, async () => {
      const viewer = who === 'anonymous' ? ANONYMOUS : who === 'system' ? SYSTEM : as(await make(who === 'admin' ? Level.Admin : Level.Member));
      const attempt = createUser(core, viewer, { name: uniqueName(), ...input });
      if (expected !== 'ok') return void (await rejects(attempt, expected));
      const user = await attempt;
      assert.equal(user.level, input.level ?? Level.Member);
      assert.deepEqual(user.server_metadata, input.serverMetadata ?? null);
    });
  }

  test('the first user becomes Owner when asked, later ones Member', async () => {
    const fresh = await createTestCore();
    try {
      const [a, b] = await Promise.all([
        createUser(fresh, ANONYMOUS, { name: 'first', firstUserBecomesOwner: true }),
        createUser(fresh, ANONYMOUS, { name: 'second', firstUserBecomesOwner: true }),
      ]);
      assert.deepEqual([a.level, b.level].sort(), [Level.Member, Level.Owner]);
      const third = await createUser(fresh, ANONYMOUS, { name: 'third', firstUserBecomesOwner: true });
      assert.equal(third.level, Level.Member);
    } finally {
      await fresh.dispose();
    }
  });
});

describe('getUser, getUserByName, getUserByUuid', () => {
  test('find by id, by name ignoring case and spaces, by uuid in any case', async () => {
    const user = await make(Level.Member, { name: uniqueName('Find_Me') });
    assert.equal((await getUser(core, user.id)).id, user.id);
    assert.equal((await getUserByName(core, user.name.toUpperCase().replace('_', ' '))).id, user.id);
    assert.equal((await getUserByUuid(core, user.uuid.toUpperCase())).id, user.id);
    await rejects(getUser(core, 999_999), 'not_found');
    await rejects(getUserByName(core, 'nobody_here'), 'not_found');
    await rejects(getUserByUuid(core, randomUUID()), 'not_found');
  });
});

describe('updateUser', () => {
  test('a user updates their own profile and preferences; preferences are merged', async () => {
    const user = await make();
    await updateUser(core, as(user), user.id, { preferences: { per_page: 50, flags: { enable_safe_mode: true } } });
    const updated = await updateUser(core, as(user), user.id, {
      firstName: 'Ada',
      displayName: '',
      preferences: { theme: 'dark', flags: { disable_post_tooltips: true } },
    });
    assert.equal(updated.first_name, 'Ada');
    assert.equal(updated.display_name, null);
    assert.equal(updated.preferences.per_page, 50);
    assert.equal(updated.preferences.theme, 'dark');
    assert.equal(updated.preferences.flags.enable_safe_mode, true);
    assert.equal(updated.preferences.flags.disable_post_tooltips, true);
    assert.equal(updated.preferences.flags.receive_email_notifications, true, 'defaults survive');
    const audited = (await auditRows(user.id)).filter((row) => row.action === 'user.update');
    assert.equal(audited.length, 0, 'ordinary self-service edits are not audited');
  });

  test('one refused key refuses the whole patch and writes nothing', async () => {
    const admin = await make(Level.Admin);
    const user = await make();
    await rejects(updateUser(core, as(admin), user.id, { firstName: 'Changed', preferences: { per_page: 10 } }), 'forbidden');
    await rejects(updateUser(core, as(user), user.id, { firstName: 'Changed', serverMetadata: { x: 1 } }), 'forbidden');
    await rejects(updateUser(core, as(await make()), user.id, { firstName: 'Changed' }), 'forbidden');
    const after = await getUser(core, user.id);
    assert.equal(after.first_name, '');
    assert.equal(after.server_metadata, null);
    assert.equal(after.preferences.per_page, 20);
  });

  test('admins write profile and server data of users below them, audited', async () => {
    const admin = await make(Level.Admin);
    const user = await make();
    const updated = await updateUser(core, as(admin), user.id, {
      lastName: 'Lovelace',
      serverMetadata: { plan: 'pro' },
      clientReadOnlyMetadata: ['a'],
      counters: { post_upload_count: 12, upload_points: 1000 },
      countryCode: 'ch',
      riskScores: { sign_up: { bot: 0, free_trial_abuse: 0 } },
      emailVerified: true,
    });
    assert.equal(updated.last_name, 'Lovelace');
    assert.deepEqual(updated.server_metadata, { plan: 'pro' });
    assert.deepEqual(updated.client_read_only_metadata, ['a']);
    assert.equal(updated.counters.post_upload_count, 12);
    assert.equal(updated.counters.upload_points, 1000);
    assert.equal(updated.country_code, 'CH');
    assert.equal(updated.email_verified, true);
    const audit = await auditRows(user.id);
    assert.equal(audit.at(-1)?.action, 'user.update');
    assert.equal(audit.at(-1)?.actor_id, admin.id);
  });

  test('validation lists every problem and writes nothing', async () => {
    const user = await make();
    const fields = await rejects(
      updateUser(core, as(user), user.id, {
        firstName: 'ok',
        preferences: { per_page: 0, comment_threshold: 6, theme: 'neon' as 'dark', flags: { enable_private_favorites: true } },
      }),
      'validation_failed',
    );
    assert.deepEqual(Object.keys(fields).sort(), ['comment_threshold', 'enable_private_favorites', 'per_page', 'theme']);
    assert.equal((await getUser(core, user.id)).first_name, '');
    await rejects(updateUser(core, SYSTEM, user.id, { isAnonymous: true as false }), 'validation_failed');
    await rejects(updateUser(core, SYSTEM, user.id, { counters: { nonsense: 1 } as never }), 'validation_failed');
    await rejects(updateUser(core, SYSTEM, user.id, { bogus: 1 } as never), 'validation_failed');
  });

  test('a new email is unverified; a password change revokes sessions and is audited', async () => {
    const user = await make(Level.Member, { email: 'old@example.com', emailVerified: true });
    const now = core.now();
    await core.db
      .insertInto('sessions')
      .values({ user_id: user.id, token_hash: randomUUID(), created_at: now, expires_at: now + 60_000 })
      .execute();
    const seen: number[] = [];
    const unsubscribe = core.changes.subscribe((change) => change.kind === 'user' && seen.push(change.userId));
    const updated = await updateUser(core, as(user), user.id, { email: 'New@Example.com', password: 'a new password' });
    unsubscribe();
    assert.equal(updated.email, 'New@Example.com');
    assert.equal(updated.email_verified, false);
    assert.equal(updated.has_password, true);
    const open = await core.db.selectFrom('sessions').select('id').where('user_id', '=', user.id).where('revoked_at', 'is', null).execute();
    assert.equal(open.length, 0);
    assert.ok(seen.includes(user.id));
    const audit = await auditRows(user.id);
    assert.equal(audit.at(-1)?.action, 'user.update');
    assert.deepEqual(JSON.parse(audit.at(-1)!.details), { fields: ['email', 'password'] });
  });

  test('selected team must be an organization the user actively belongs to', async () => {
    const user = await make();
    const now = core.now();
    const org = await core.db
      .insertInto('organizations')
      .values({ uuid: randomUUID(), slug: uniqueName('org'), slug_lower: uniqueName('org'), name: 'Org', created_at: now, updated_at: now })
      .returning('id')
      .executeTakeFirstOrThrow();
    const error = await updateUser(core, as(user), user.id, { selectedTeamId: org.id }).catch((e: unknown) => e);
    assert.ok(isCoreError(error) && error.code === 'not_found' && error.details.entity === 'team_membership');
    await core.db
      .insertInto('memberships')
      .values({ organization_id: org.id, user_id: user.id, role: 'worker', is_active: 1, created_at: now, updated_at: now })
      .execute();
    assert.equal((await updateUser(core, as(user), user.id, { selectedTeamId: org.id })).selected_team_id, org.id);
    assert.equal((await updateUser(core, as(user), user.id, { selectedTeamId: null })).selected_team_id, null);
  });

  test('an anonymous (Stack) user can be upgraded, never downgraded', async () => {
    const user = await createUser(core, ANONYMOUS, { isAnonymous: true });
    assert.equal(user.is_anonymous, true);
    assert.equal((await updateUser(core, as(user), user.id, { isAnonymous: false })).is_anonymous, false);
  });
});

describe('setUserLevel', () => {
  // [promoter level, target level, new level, expected]
  const rows: readonly [number, number, number, CoreErrorCode | 'ok'][] = [
    [Level.Admin, Level.Member, Level.Moderator, 'ok'],
    [Level.Admin, Level.Moderator, Level.Restricted, 'ok'],
    [Level.Admin, Level.Member, Level.Admin, 'forbidden'],
    [Level.Admin, Level.Admin, Level.Member, 'forbidden'],
    [Level.Moderator, Level.Member, Level.Gold, 'forbidden'],
    [Level.Owner, Level.Member, Level.Admin, 'ok'],
    [Level.Owner, Level.Member, 42, 'validation_failed'],
  ];
  for (const [promoter, from, to, expected] of rows) {
    test(`level ${promoter} sets ${from} → ${to}: ${expected}`, async () => {
      const actor = await make(promoter);
      const user = await make(from);
      const attempt = setUserLevel(core, as(actor), user.id, to);
      if (expected !== 'ok') {
        await rejects(attempt, expected);
        assert.equal((await getUser(core, user.id)).level, from);
        return;
      }
      assert.equal((await attempt).level, to);
      const audit = await auditRows(user.id);
      assert.equal(audit.at(-1)?.action, 'user.set_level');
      assert.deepEqual(JSON.parse(audit.at(-1)!.details), { from, to });
    });
  }

  test('nobody changes their own level', async () => {
    const admin = await make(Level.Admin);
    await rejects(setUserLevel(core, as(admin), admin.id, Level.Member), 'forbidden');
  });
});

describe('searchUsers', () => {
  test('filters, pages and loads users; hidden fields are refused', async () => {
    const prefix = uniqueName('srch');
    const made: User[] = [];
    for (let i = 0; i < 5; i++) made.push(await make(i < 3 ? Level.Gold : Level.Member, { name: `${prefix}_${i}` }));
    const filter = and(match('name', 'prefix', `${prefix}_`), cmp('level', 'eq', Level.Gold));
    const first = await searchUsers(core, ANONYMOUS, {
      filter,
      sort: [{ kind: 'field', field: 'id', direction: 'asc' }],
      page: { kind: 'keyset', limit: 2, cursor: null },
      count: true,
    });
    assert.deepEqual(
      first.users.map((u) => u.name),
      [`${prefix}_0`, `${prefix}_1`],
    );
    assert.equal(first.total, 3);
    assert.equal(first.hasMore, true);
    const second = await searchUsers(core, ANONYMOUS, {
      filter,
      sort: [{ kind: 'field', field: 'id', direction: 'asc' }],
      page: { kind: 'keyset', limit: 2, cursor: first.nextCursor },
    });
    assert.deepEqual(
      second.users.map((u) => u.id),
      [made[2]!.id],
    );
    const emailFilter = { filter: cmp('email', 'eq', 'x@example.com'), sort: [], page: { kind: 'offset', limit: 5, offset: 0 } } as const;
    await rejects(searchUsers(core, as(made[0]!), emailFilter), 'invalid_param');
    assert.deepEqual((await searchUsers(core, SYSTEM, emailFilter)).users, []);
  });
});
