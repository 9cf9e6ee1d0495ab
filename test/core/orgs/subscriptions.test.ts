import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { KyselyPlugin, PluginTransformQueryArgs, PluginTransformResultArgs, QueryResult, RootOperationNode, UnknownRow } from 'kysely';
import { Level } from '../../../src/core/access/levels.js';
import {
  SUBSCRIPTION_TIERS,
  addSubscription,
  cancelSubscription,
  highestTier,
  listSubscriptions,
  loadSubscriptionsFor,
  type Subscription,
  type SubscriptionTier,
} from '../../../src/core/orgs/subscriptions.js';
import { ANONYMOUS, SYSTEM } from '../../../src/core/access/viewer.js';
import { rejects } from '../../support/assertions.js';
import { createTestCore, type TestCore } from '../../support/database.js';
import { insertViewer, type UserViewer } from '../../support/users.js';

const DAY = 24 * 60 * 60 * 1000;
let clock = Date.UTC(2026, 0, 1);
let core: TestCore;
before(async () => (core = await createTestCore({ now: () => clock })));
after(() => core.dispose());

let serial = 0;
async function makeUser(level: number = Level.Member): Promise<UserViewer> {
  return insertViewer(core, { name: `sub${++serial}`, level });
}

const sub = (tier: SubscriptionTier, isActive = true): Subscription => ({
  id: 0,
  user_id: 1,
  product: 'p',
  tier,
  created_at: 0,
  expires_at: null,
  canceled_at: null,
  is_active: isActive,
});

describe('highestTier', () => {
  const cases: [readonly Subscription[], SubscriptionTier | null][] = [
    [[], null],
    [[sub('free')], 'free'],
    [[sub('free'), sub('founder')], 'founder'],
    [[sub('bronze'), sub('founder')], 'bronze'],
    [[sub('silver'), sub('bronze'), sub('free')], 'silver'],
    [[sub('gold'), sub('silver')], 'gold'],
    [[sub('gold', false), sub('bronze')], 'bronze'],
    [[sub('gold', false)], null],
  ];
  for (const [subs, expected] of cases) {
    test(`[${subs.map((s) => s.tier + (s.is_active ? '' : ' (inactive)')).join(', ')}] → ${expected}`, () => {
      assert.equal(highestTier(subs), expected);
    });
  }
  test('the order is free < founder < bronze < silver < gold', () => {
    assert.deepEqual([...SUBSCRIPTION_TIERS], ['free', 'founder', 'bronze', 'silver', 'gold']);
  });
});

describe('adding and canceling subscriptions', () => {
  test('admins and the system add them; members (even for themselves) and moderators may not', async () => {
    const member = await makeUser();
    const admin = await makeUser(Level.Admin);
    const added = await addSubscription(core, admin, { userId: member.id, product: 'monthly', tier: 'gold', expiresAt: clock + DAY });
    assert.deepEqual(
      { ...added, id: 0 },
      { id: 0, user_id: member.id, product: 'monthly', tier: 'gold', created_at: clock, expires_at: clock + DAY, canceled_at: null, is_active: true },
    );
    assert.equal((await addSubscription(core, SYSTEM, { userId: member.id, product: 'yearly', tier: 'founder' })).expires_at, null);
    await rejects(addSubscription(core, member, { userId: member.id, product: 'x', tier: 'gold' }), 'forbidden');
    await rejects(addSubscription(core, await makeUser(Level.Moderator), { userId: member.id, product: 'x', tier: 'gold' }), 'forbidden');
    await rejects(addSubscription(core, ANONYMOUS, { userId: member.id, product: 'x', tier: 'gold' }), 'forbidden');
    await rejects(addSubscription(core, admin, { userId: (await makeUser(Level.Owner)).id, product: 'x', tier: 'gold' }), 'forbidden');
    await rejects(addSubscription(core, admin, { userId: 987654, product: 'x', tier: 'gold' }), 'not_found');
    const audit = await core.db
      .selectFrom('audit_log')
      .selectAll()
      .where('action', '=', 'subscription.add')
      .where('subject_id', '=', added.id)
      .executeTakeFirst();
    assert.equal(audit?.actor_id, admin.id);
    assert.equal(audit?.target_user_id, member.id);
  });

  test('tiers outside the list and empty products are refused', async () => {
    const member = await makeUser();
    for (const tier of ['platinum', 'Gold', '']) {
      await rejects(addSubscription(core, SYSTEM, { userId: member.id, product: 'monthly', tier }), 'validation_failed');
    }
    await rejects(addSubscription(core, SYSTEM, { userId: member.id, product: '  ', tier: 'gold' }), 'validation_failed');
    assert.deepEqual(await listSubscriptions(core, SYSTEM, member.id), []);
  });

  test('canceling ends a subscription at once, once; members may not cancel', async () => {
    const member = await makeUser();
    const added = await addSubscription(core, SYSTEM, { userId: member.id, product: 'monthly', tier: 'silver' });
    await rejects(cancelSubscription(core, member, added.id), 'forbidden');
    clock += 1000;
    const canceled = await cancelSubscription(core, SYSTEM, added.id);
    assert.equal(canceled.canceled_at, clock);
    assert.equal(canceled.is_active, false);
    clock += 1000;
    assert.equal((await cancelSubscription(core, SYSTEM, added.id)).canceled_at, clock - 1000);
    const audits = await core.db.selectFrom('audit_log').select('id').where('action', '=', 'subscription.cancel').where('subject_id', '=', added.id).execute();
    assert.equal(audits.length, 1);
    await rejects(cancelSubscription(core, SYSTEM, 987654), 'not_found');
  });
});

describe('reading subscriptions', () => {
  test('the user and admins list them all, newest first; other members may not', async () => {
    const member = await makeUser();
    const first = await addSubscription(core, SYSTEM, { userId: member.id, product: 'a', tier: 'bronze' });
    clock += 1;
    const second = await addSubscription(core, SYSTEM, { userId: member.id, product: 'b', tier: 'gold' });
    await cancelSubscription(core, SYSTEM, second.id);
    assert.deepEqual(
      (await listSubscriptions(core, member, member.id)).map((s) => [s.id, s.is_active]),
      [
        [second.id, false],
        [first.id, true],
      ],
    );
    assert.equal((await listSubscriptions(core, await makeUser(Level.Admin), member.id)).length, 2);
    await rejects(listSubscriptions(core, await makeUser(), member.id), 'forbidden');
    await rejects(listSubscriptions(core, ANONYMOUS, member.id), 'forbidden');
  });

  test('loadSubscriptionsFor returns the active ones of many users in one query', async () => {
    const [a, b, c] = [await makeUser(), await makeUser(), await makeUser()];
    await addSubscription(core, SYSTEM, { userId: a.id, product: 'monthly', tier: 'bronze' });
    await addSubscription(core, SYSTEM, { userId: a.id, product: 'extra', tier: 'gold', expiresAt: clock + DAY });
    const expiring = await addSubscription(core, SYSTEM, { userId: b.id, product: 'monthly', tier: 'silver', expiresAt: clock + 10 });
    const canceled = await addSubscription(core, SYSTEM, { userId: c.id, product: 'monthly', tier: 'gold' });
    await cancelSubscription(core, SYSTEM, canceled.id);
    clock += 10;
    let queries = 0;
    const counter: KyselyPlugin = {
      transformQuery: (args: PluginTransformQueryArgs): RootOperationNode => {
        queries += 1;
        return args.node;
      },
      transformResult: async (args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> => args.result,
    };
    const loaded = await loadSubscriptionsFor({ db: core.db.withPlugin(counter), now: core.now }, [a.id, b.id, c.id, 987654]);
    assert.equal(queries, 1);
    assert.deepEqual([...loaded.keys()], [a.id, b.id, c.id, 987654]);
    assert.equal(highestTier(loaded.get(a.id)!), 'gold');
    assert.deepEqual(loaded.get(b.id), []);
    assert.deepEqual(loaded.get(c.id), []);
    assert.deepEqual(loaded.get(987654), []);
    assert.ok(!loaded.get(a.id)!.some((s) => s.id === expiring.id));
    assert.equal((await loadSubscriptionsFor(core, [])).size, 0);
  });
});
