import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isCoreError } from '../../src/core/errors.js';
import { checkBeforeIdPage, checkOffsetPage, MAX_ROW_ID, splitPage } from '../../src/core/paginator.js';

const invalid = (param: string) => (error: unknown) => isCoreError(error) && error.code === 'invalid_param' && error.details.param === param;

describe('the shared paginator', () => {
  it('splits rows read one past the page into the page and whether more follow', () => {
    assert.deepEqual(splitPage([1, 2, 3], 2), { items: [1, 2], hasMore: true });
    assert.deepEqual(splitPage([1, 2], 2), { items: [1, 2], hasMore: false });
    assert.deepEqual(splitPage([], 5), { items: [], hasMore: false });
  });

  it('accepts offset pages of a non-negative offset and a positive or no limit', () => {
    checkOffsetPage({ offset: 0, limit: null });
    checkOffsetPage({ offset: 10, limit: 1 });
    assert.throws(() => checkOffsetPage({ offset: -1, limit: 10 }), invalid('offset'));
    assert.throws(() => checkOffsetPage({ offset: 0.5, limit: 10 }), invalid('offset'));
    assert.throws(() => checkOffsetPage({ offset: 0, limit: 0 }), invalid('limit'));
  });

  it('checks by-id pages: limit within its bounds, each id a row id', () => {
    checkBeforeIdPage(1, 10, [['cursor', undefined]]);
    checkBeforeIdPage(10, 10, [['cursor', MAX_ROW_ID]]);
    assert.throws(() => checkBeforeIdPage(0, 10, []), invalid('limit'));
    assert.throws(() => checkBeforeIdPage(11, 10, []), invalid('limit'));
    assert.throws(() => checkBeforeIdPage(5, 10, [['actor_id', 0]]), invalid('actor_id'));
    assert.throws(() => checkBeforeIdPage(5, 10, [['cursor', MAX_ROW_ID + 1]]), invalid('cursor'));
  });
});
