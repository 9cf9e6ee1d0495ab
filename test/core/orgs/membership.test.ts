import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { ANONYMOUS, SYSTEM } from '../../../src/core/access/viewer.js';
import { addSubscription, cancelSubscription, getOwnMembership, membershipOf, type Subscription } from '../../../src/core/orgs/subscriptions.js';
import { rejects } from '../../support/assertions.js';
import { createTestCore, type TestCore } from '../../support/database.js';
import { insertUser, viewerOf } from '../../support/users.js';

const subscription = (product: string, tier: Subscription['tier'], isActive = true): Subscription =>
  Object.freeze({ id: 1, user_id: 1, product, tier, created_at: 0, expires_at: null, canceled_at: null, is_active: isActive });

test('membershipOf: free without subscriptions; otherwise the highest active tier and each active product once', () => {
  const rows: [Subscription[], string, string[]][] = [
    [[], 'free', []],
    [[subscription('monthly', 'founder')], 'founder', ['monthly']],
    [[subscription('a', 'bronze'), subscription('b', 'gold'), subscription('c', 'silver')], 'gold', ['a', 'b', 'c']],
    [[subscription('old', 'gold', false), subscription('new', 'bronze')], 'bronze', ['new']],
    [[subscription('monthly', 'silver'), subscription('monthly', 'silver')], 'silver', ['monthly']],
    [[subscription('free-plan', 'free')], 'free', ['free-plan']],
  ];
  for (const [subscriptions, tier, products] of rows) {
    assert.deepEqual({ ...membershipOf(subscriptions), products: [...membershipOf(subscriptions).products] }, { tier, products });
  }
});

let core: TestCore;
before(async () => {
  core = await createTestCore();
});
after(() => core.dispose());

test('getOwnMembership reads the signed-in viewer and their active subscriptions; anonymous is unauthenticated', async () => {
  const id = await insertUser(core, { name: 'member_one' });
  const viewer = await viewerOf(core, id);
  assert.deepEqual((await getOwnMembership(core, viewer)).membership, { tier: 'free', products: [] });
  const gold = await addSubscription(core, SYSTEM, { userId: id, product: 'yearly', tier: 'gold' });
  await addSubscription(core, SYSTEM, { userId: id, product: 'monthly', tier: 'bronze' });
  const { user, membership } = await getOwnMembership(core, viewer);
  assert.equal(user.id, id);
  assert.equal(membership.tier, 'gold');
  assert.deepEqual([...membership.products].sort(), ['monthly', 'yearly']);
  await cancelSubscription(core, SYSTEM, gold.id);
  assert.deepEqual((await getOwnMembership(core, viewer)).membership, { tier: 'bronze', products: ['monthly'] });
  await rejects(getOwnMembership(core, ANONYMOUS), 'unauthenticated');
  await rejects(getOwnMembership(core, SYSTEM), 'unauthenticated');
});
