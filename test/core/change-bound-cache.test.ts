import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { CHANGE_POLL_INTERVAL_MS, ChangeBoundCache, MAX_CACHE_BYTES, type Binding } from '../../src/core/change-bound-cache.js';
import { DEFAULT_PREFERENCES } from '../../src/core/users/preferences.js';
import { approximateUserBytes } from '../../src/core/users/user.js';
import type { Change, ChangeFeed } from '../../src/core/context.js';

/** A feed that counts polls, delivers what is published here, and, when told, reports another process's commit on the next poll. */
function countingFeed(): { feed: ChangeFeed; polls: () => number; commitElsewhere: () => void } {
  let polls = 0;
  let pending = false;
  const listeners = new Set<(change: Change) => void>();
  const feed: ChangeFeed = {
    publish: async (_db, change) => {
      for (const listener of listeners) listener(change);
    },
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

const FOREVER: Binding = { validUntil: Number.POSITIVE_INFINITY, dependsOn: [] };

describe('ChangeBoundCache polls for other processes at most once per window', () => {
  test('many reads within a window ask once; the first read after it asks again', () => {
    let clock = 1_000;
    const { feed, polls } = countingFeed();
    const cache = new ChangeBoundCache<string, string>({ changes: feed }, () => clock);
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
    const cache = new ChangeBoundCache<string, string>({ changes: feed }, () => clock);
    cache.set('hash', 'value', FOREVER, cache.generation);
    assert.equal(cache.get('hash', 0), 'value');
    commitElsewhere();
    clock += CHANGE_POLL_INTERVAL_MS;
    assert.equal(cache.get('hash', 0), null);
  });
});

describe('ChangeBoundCache drops exactly the entries that depend on a change', () => {
  const db = null as never;

  test('a change drops every entry declaring it, and nothing else', async () => {
    const { feed } = countingFeed();
    const cache = new ChangeBoundCache<string, string>({ changes: feed }, () => 0);
    const bindings: Record<string, Binding['dependsOn']> = {
      key: [
        { kind: 'credential', tokenHash: 'h1' },
        { kind: 'user', userId: 1 },
      ],
      session: [
        { kind: 'credential', tokenHash: 'h2' },
        { kind: 'user', userId: 1 },
      ],
      other: [{ kind: 'user', userId: 2 }],
      project: [{ kind: 'stack_project', projectId: 'p' }],
    };
    const fill = () => {
      for (const [key, dependsOn] of Object.entries(bindings)) cache.set(key, key, { validUntil: 100, dependsOn }, cache.generation);
    };
    const present = () => Object.keys(bindings).filter((key) => cache.get(key, 0) !== null);
    const table: [Change, string[]][] = [
      [{ kind: 'credential', tokenHash: 'h2' }, ['key', 'other', 'project']],
      [{ kind: 'user', userId: 1 }, ['other', 'project']],
      [{ kind: 'user', userId: 3 }, ['key', 'session', 'other', 'project']],
      [{ kind: 'stack_project', projectId: 'p' }, ['key', 'session', 'other']],
      [{ kind: 'everything' }, []],
    ];
    for (const [change, left] of table) {
      fill();
      assert.deepEqual(present(), Object.keys(bindings));
      await feed.publish(db, change);
      assert.deepEqual(present(), left, JSON.stringify(change));
    }
  });

  test('an entry is served until validUntil, and a lookup overtaken by a change is not stored', async () => {
    const { feed } = countingFeed();
    const cache = new ChangeBoundCache<string, string>({ changes: feed }, () => 0);
    cache.set('a', 'value', { validUntil: 10, dependsOn: [] }, cache.generation);
    assert.equal(cache.get('a', 9), 'value');
    assert.equal(cache.get('a', 10), null);
    const generation = cache.generation;
    await feed.publish(db, { kind: 'user', userId: 9 });
    cache.set('b', 'stale', FOREVER, generation);
    assert.equal(cache.get('b', 0), null);
  });
});

describe('ChangeBoundCache holds a bounded amount of memory', () => {
  test('large entries make room by dropping the oldest; one larger than the whole budget is not kept', () => {
    const { feed } = countingFeed();
    const cache = new ChangeBoundCache<string, string>({ changes: feed }, () => 0);
    const quarter: Binding = { ...FOREVER, bytes: MAX_CACHE_BYTES / 4 };
    for (const key of ['a', 'b', 'c']) cache.set(key, key, quarter, cache.generation);
    assert.deepEqual(
      ['a', 'b', 'c'].map((key) => cache.get(key, 0)),
      ['a', 'b', 'c'],
    );
    // A fourth and a fifth quarter (each entry also counts a little of its own): the oldest go.
    cache.set('d', 'd', quarter, cache.generation);
    cache.set('e', 'e', quarter, cache.generation);
    assert.deepEqual(
      ['a', 'b', 'c', 'd', 'e'].map((key) => cache.get(key, 0)),
      [null, null, 'c', 'd', 'e'],
    );
    cache.set('huge', 'huge', { ...FOREVER, bytes: MAX_CACHE_BYTES + 1 }, cache.generation);
    assert.equal(cache.get('huge', 0), null);
    assert.equal(cache.get('e', 0), 'e', 'refusing the huge entry dropped nothing');
  });

  test("a core's caches share one budget: storing in one drops the oldest of any; another core's are apart", async () => {
    const { feed } = countingFeed();
    const first = new ChangeBoundCache<string, string>({ changes: feed }, () => 0);
    const second = new ChangeBoundCache<string, string>({ changes: feed }, () => 0);
    const elsewhere = new ChangeBoundCache<string, string>({ changes: countingFeed().feed }, () => 0);
    const quarter: Binding = { ...FOREVER, bytes: MAX_CACHE_BYTES / 4 };
    first.set('a', 'a', quarter, first.generation);
    first.set('b', 'b', quarter, first.generation);
    second.set('c', 'c', quarter, second.generation);
    for (const key of ['x', 'y', 'z', 'w']) elsewhere.set(key, key, quarter, elsewhere.generation);
    // The fourth quarter (with each entry's own overhead) is over the budget: the oldest, in the other cache, goes.
    second.set('d', 'd', quarter, second.generation);
    assert.deepEqual([first.get('a', 0), first.get('b', 0), second.get('c', 0), second.get('d', 0)], [null, 'b', 'c', 'd']);
    assert.deepEqual(
      ['x', 'y', 'z', 'w'].map((key) => elsewhere.get(key, 0)),
      [null, 'y', 'z', 'w'],
      'another core counts only its own entries',
    );
    // Emptied caches give their share back: after three quarters, a fourth drops only the oldest.
    await feed.publish(null as never, { kind: 'everything' });
    for (const key of ['e', 'f', 'g']) first.set(key, key, quarter, first.generation);
    second.set('h', 'h', quarter, second.generation);
    assert.deepEqual([first.get('e', 0), first.get('f', 0), first.get('g', 0), second.get('h', 0)], [null, 'f', 'g', 'h']);
  });

  test('a user is counted with the documents it carries', () => {
    const small = approximateUserBytes({
      client_metadata: null,
      client_read_only_metadata: null,
      server_metadata: null,
      risk_scores: null,
      preferences: DEFAULT_PREFERENCES,
    });
    const large = approximateUserBytes({
      client_metadata: { notes: 'x'.repeat(100_000) },
      client_read_only_metadata: null,
      server_metadata: null,
      risk_scores: null,
      preferences: DEFAULT_PREFERENCES,
    });
    assert.ok(large - small >= 100_000, `${large} - ${small}`);
  });
});
