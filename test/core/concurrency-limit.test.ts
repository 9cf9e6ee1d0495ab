import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConcurrencyLimit } from '../../src/core/concurrency-limit.js';

/** A task the test finishes by hand, recording when it started. */
function gate(started: number[], id: number): { task: () => Promise<number>; finish: () => void; fail: (error: Error) => void } {
  let resolve: (value: number) => void = () => {};
  let reject: (error: Error) => void = () => {};
  const promise = new Promise<number>((yes, no) => {
    resolve = yes;
    reject = no;
  });
  return {
    task: () => {
      started.push(id);
      return promise;
    },
    finish: () => resolve(id),
    fail: (error) => reject(error),
  };
}

/** Lets every settled promise's continuations run. */
const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('ConcurrencyLimit', () => {
  it('never runs more than its limit at once, whatever order tasks finish in', async () => {
    const limit = new ConcurrencyLimit(3);
    let running = 0;
    let most = 0;
    const task = async (i: number): Promise<number> => {
      running += 1;
      most = Math.max(most, running);
      assert.ok(limit.running <= 3);
      // Uneven durations, so that slots free up out of order.
      for (let turn = 0; turn < (i * 7) % 5; turn++) await settle();
      running -= 1;
      return i;
    };
    const results = await Promise.all(Array.from({ length: 40 }, (_, i) => limit.run(() => task(i))));
    assert.deepEqual(
      results,
      Array.from({ length: 40 }, (_, i) => i),
    );
    assert.equal(most, 3);
    assert.equal(limit.running, 0);
    assert.equal(limit.queued, 0);
  });

  it('starts waiting tasks in arrival order, and a newcomer does not take a freed slot first', async () => {
    const limit = new ConcurrencyLimit(2);
    const started: number[] = [];
    const gates = Array.from({ length: 6 }, (_, i) => gate(started, i));
    const runs = gates.slice(0, 5).map((g) => limit.run(g.task));
    await settle();
    assert.deepEqual(started, [0, 1]);
    assert.equal(limit.queued, 3);

    gates[1]?.finish();
    // Arrives as a slot frees: it queues behind 3 and 4.
    runs.push(limit.run(gates[5]?.task ?? (() => Promise.resolve(-1))));
    await settle();
    assert.deepEqual(started, [0, 1, 2]);
    for (const i of [0, 2, 3, 4]) {
      gates[i]?.finish();
      await settle();
    }
    gates[5]?.finish();
    assert.deepEqual(await Promise.all(runs), [0, 1, 2, 3, 4, 5]);
    assert.deepEqual(started, [0, 1, 2, 3, 4, 5]);
  });

  it('frees the slot of a task that rejects or throws, and passes its error to the caller', async () => {
    const limit = new ConcurrencyLimit(1);
    const started: number[] = [];
    const rejecting = gate(started, 0);
    const first = limit.run(rejecting.task);
    const second = limit.run(() => {
      throw new Error('thrown before any await');
    });
    const third = limit.run(async () => 'ran');
    rejecting.fail(new Error('rejected'));
    await assert.rejects(first, /rejected/);
    await assert.rejects(second, /thrown before any await/);
    assert.equal(await third, 'ran');
    assert.equal(limit.running, 0);
    assert.equal(limit.queued, 0);
  });

  it('refuses a limit that is not a positive integer', () => {
    for (const bad of [0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) assert.throws(() => new ConcurrencyLimit(bad), RangeError);
  });
});
