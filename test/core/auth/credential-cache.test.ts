import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { CHANGE_POLL_INTERVAL_MS, CredentialCache } from '../../../src/core/auth/credential-cache.js';
import type { Change, ChangeFeed } from '../../../src/core/context.js';

/** A feed that counts polls and, when told, reports another process's commit on the next poll. */
function countingFeed(): { feed: ChangeFeed; polls: () => number; commitElsewhere: () => void } {
  let polls = 0;
  let pending = false;
  const listeners = new Set<(change: Change) => void>();
  const feed: ChangeFeed = {
    publish: async () => {},
    subscribe: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    poll: () => {
      polls++;
      if (!pending) return;
      pending = false;
      for (const listener of listeners) listener({ kind: 'everything' });
    },
    listening: true,
    reconnects: 0,
    close: async () => {},
  };
  return { feed, polls: () => polls, commitElsewhere: () => (pending = true) };
}

const ENTRY = { user: { id: 1 }, credential: { kind: 'session', id: 1 }, validUntil: Number.POSITIVE_INFINITY } as never;

describe('CredentialCache polls for other processes at most once per window', () => {
  test('many reads within a window ask once; the first read after it asks again', () => {
    let clock = 1_000;
    const { feed, polls } = countingFeed();
    const cache = new CredentialCache({ changes: feed }, () => clock);
    for (let i = 0; i < 1000; i++) cache.get('hash', 0);
    assert.equal(polls(), 1);
    clock += CHANGE_POLL_INTERVAL_MS - 1;
    cache.get('hash', 0);
    assert.equal(polls(), 1);
    clock += 1;
    cache.get('hash', 0);
    assert.equal(polls(), 2);
  });

  test("another process's commit empties the cache on the first read after the window", () => {
    let clock = 0;
    const { feed, commitElsewhere } = countingFeed();
    const cache = new CredentialCache({ changes: feed }, () => clock);
    cache.set('hash', ENTRY, cache.generation);
    assert.equal(cache.get('hash', 0), ENTRY);
    commitElsewhere();
    clock += CHANGE_POLL_INTERVAL_MS;
    assert.equal(cache.get('hash', 0), null);
  });
});
