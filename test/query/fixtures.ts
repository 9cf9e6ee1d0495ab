import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { openCore, type OpenCore } from '../../src/core/create-core.js';
import { nameKey } from '../../src/core/users/names.js';
import type { Database } from '../../src/db/schema.js';
import type { SearchTier } from '../../src/query/fields.js';
import { searchIds, type SearchContext, type SearchRequest, type SearchResult } from '../../src/query/search.js';
import { createTestDatabase, TEST_ENGINES, testConfig, type Engine } from '../support/database.js';

/** The instant derived fields (`is_banned`) are evaluated at. */
export const NOW = 1_700_000_000_000;
export const DAY = 86_400_000;
export type { Engine };

export interface FixtureUser {
  readonly name: string;
  readonly email?: string;
  readonly first: string;
  readonly last: string;
  readonly display?: string;
  readonly level: number;
  readonly inviter?: string;
  readonly deleted?: boolean;
  /** Days before NOW. */
  readonly created: number;
  readonly login?: number;
  readonly uploads: number;
}

/** Inserted in this order, so ids are 1..12 on both engines. */
export const FIXTURE_USERS: readonly FixtureUser[] = [
  { name: 'Alice', email: 'Alice@Example.com', first: 'Alice', last: 'Anderson', display: 'Ally', level: 20, created: 30, login: 1, uploads: 5 },
  { name: 'bob', email: 'bob@example.org', first: 'Bob', last: 'Brown', level: 30, inviter: 'Alice', created: 29, uploads: 0 },
  { name: 'Carol_Smith', first: 'Carol', last: 'Smith', display: 'C. Smith', level: 40, created: 28, login: 3, uploads: 12 },
  { name: 'dave%x', email: 'dave@example.com', first: 'Dave', last: 'Davis', level: 10, deleted: true, created: 27, uploads: 1 },
  {
    name: 'eve_under',
    email: 'eve@example.net',
    first: 'Eve',
    last: "O'Neil",
    display: 'Eve "quoted"',
    level: 20,
    inviter: 'bob',
    created: 26,
    login: 2,
    uploads: 7,
  },
  { name: 'Frank*Star', first: 'Frank', last: 'Back\\slash', level: 50, created: 25, uploads: 3 },
  { name: 'Éloïse', email: 'eloise@example.fr', first: 'Éloïse', last: 'Zoë', level: 20, created: 24, uploads: 2 },
  {
    name: 'grace',
    email: 'grace@example.com',
    first: 'Grace',
    last: 'Hopper',
    display: 'a OR b',
    level: 35,
    inviter: 'Carol_Smith',
    created: 23,
    login: 10,
    uploads: 9,
  },
  { name: 'heidi', first: 'Heidi', last: 'NEAR(x', display: '100%_sure', level: 20, inviter: 'eve_under', created: 22, uploads: 4 },
  { name: 'ivan', email: 'IVAN@EXAMPLE.COM', first: 'Ivan', last: 'Ivanov', level: 20, created: 21, login: 5, uploads: 5 },
  { name: 'judy', email: 'judy@example.org', first: 'Judy', last: 'Smithers', display: 'Judy', level: 31, inviter: 'grace', created: 20, uploads: 6 },
  { name: 'mallory', first: 'Mallory', last: 'smith', level: 20, created: 19, login: 0.5, uploads: 0 },
];

export interface Fixture {
  readonly engine: Engine;
  readonly core: OpenCore;
  /** Ids of the named users, in the order given. */
  users(...names: string[]): number[];
  /** Ids of the bans (or mutes) of the named users. */
  sanctions(...names: string[]): number[];
  /** Runs a search at the given tier with NOW as the current time. */
  search(request: SearchRequest, tier?: SearchTier): Promise<SearchResult>;
  context(tier?: SearchTier): SearchContext;
  dispose(): Promise<void>;
}

export function newUserRow(user: FixtureUser, inviterId: number | null) {
  return {
    uuid: randomUUID(),
    name: user.name,
    name_lower: nameKey(user.name),
    email: user.email ?? null,
    email_lower: user.email?.toLowerCase() ?? null,
    first_name: user.first,
    last_name: user.last,
    display_name: user.display ?? null,
    level: user.level,
    inviter_id: inviterId,
    is_deleted: user.deleted ? 1 : 0,
    created_at: NOW - user.created * DAY,
    updated_at: NOW - user.created * DAY,
    last_logged_in_at: user.login === undefined ? null : NOW - user.login * DAY,
    post_upload_count: user.uploads,
  };
}

/**
 * Opens a migrated database of each engine under test (`TEST_ENGINES`: one, or both when
 * `ROSTER_TEST_ENGINE=both`) holding the same fixture rows.
 */
export async function openFixtures(): Promise<Fixture[]> {
  return Promise.all(TEST_ENGINES.map(openFixture));
}

/** True when the run compares engines, so rows must come out the same on both. */
export const CROSS_ENGINE = TEST_ENGINES.length > 1;

/** Whether the given engine is under test, for tests of one engine's plans or SQL. */
export const testsEngine = (engine: Engine): boolean => TEST_ENGINES.includes(engine);

export async function disposeAll(fixtures: readonly Fixture[]): Promise<void> {
  await Promise.all(fixtures.map((fixture) => fixture.dispose()));
}

async function openFixture(engine: Engine): Promise<Fixture> {
  const database = await createTestDatabase(engine);
  const core = await openCore(testConfig(database.url));
  const userIds = new Map<string, number>();
  for (const user of FIXTURE_USERS) {
    const inviterId = user.inviter === undefined ? null : userIds.get(user.inviter)!;
    const row = await core.db.insertInto('users').values(newUserRow(user, inviterId)).returning('id').executeTakeFirstOrThrow();
    userIds.set(user.name, row.id);
  }
  const sanctionIds = await insertRelated(core.db, userIds);
  const lookup = (map: Map<string, number>, names: string[]) => names.map((name) => map.get(name)!);
  const context = (tier: SearchTier = 'admin'): SearchContext => ({ db: core.db, caps: core.caps, now: NOW, tier, slots: core.searchSlots });
  return {
    engine,
    core,
    users: (...names) => lookup(userIds, names),
    sanctions: (...names) => lookup(sanctionIds, names),
    context,
    search: (request, tier) => searchIds(context(tier), request),
    async dispose() {
      await core.close();
      await database.drop();
    },
  };
}

/** Bans, a mute, name changes and memberships; returns sanction ids by user name. */
async function insertRelated(db: Kysely<Database>, ids: Map<string, number>): Promise<Map<string, number>> {
  const id = (name: string) => ids.get(name)!;
  const sanctions = [
    { user: 'bob', kind: 'ban', reason: 'spamming links', expires: NOW + DAY, lifted: null },
    { user: 'dave%x', kind: 'ban', reason: 'old offence', expires: NOW - DAY, lifted: null },
    { user: 'eve_under', kind: 'ban', reason: 'abuse of others', expires: null, lifted: null },
    { user: 'heidi', kind: 'ban', reason: 'a mistake', expires: null, lifted: NOW - DAY / 24 },
    { user: 'ivan', kind: 'mute', reason: 'shouting', expires: NOW + DAY, lifted: null },
  ] as const;
  const sanctionIds = new Map<string, number>();
  for (const s of sanctions) {
    const row = await db
      .insertInto('sanctions')
      .values({
        kind: s.kind,
        user_id: id(s.user),
        actor_id: id('Carol_Smith'),
        reason: s.reason,
        created_at: NOW - 2 * DAY,
        updated_at: NOW - 2 * DAY,
        expires_at: s.expires,
        lifted_at: s.lifted,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    sanctionIds.set(s.user, row.id);
  }
  const change = (user: string, oldName: string) => ({
    user_id: id(user),
    old_name: oldName,
    old_name_lower: nameKey(oldName),
    new_name: user,
    new_name_lower: nameKey(user),
    actor_id: null,
    created_at: NOW - DAY,
    updated_at: NOW - DAY,
  });
  await db
    .insertInto('name_changes')
    .values([change('Alice', 'alice_old'), change('bob', 'Robert')])
    .execute();
  const org = await db
    .insertInto('organizations')
    .values({ uuid: randomUUID(), slug: 'acme', slug_lower: 'acme', name: 'Acme', owner_id: id('Alice'), created_at: NOW, updated_at: NOW })
    .returning('id')
    .executeTakeFirstOrThrow();
  const member = (user: string, role: 'owner' | 'worker' | 'maintainer', active: boolean) => ({
    organization_id: org.id,
    user_id: id(user),
    role,
    is_active: active ? 1 : 0,
    joined_at: active ? NOW : null,
    created_at: NOW,
    updated_at: NOW,
  });
  await db
    .insertInto('memberships')
    .values([member('Alice', 'owner', true), member('bob', 'worker', false), member('grace', 'maintainer', true)])
    .execute();
  return sanctionIds;
}
