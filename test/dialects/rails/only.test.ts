import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseOnly, pickOnly } from '../../../src/dialects/rails/only.js';
import type { RailsRecord } from '../../../src/dialects/rails/record.js';

test('parsing only=', () => {
  assert.equal(parseOnly(undefined), null);
  assert.equal(parseOnly(['id']), null);
  assert.deepEqual(parseOnly('id,name,inviter[name,level],bans'), [
    { name: 'id', children: null },
    { name: 'name', children: null },
    {
      name: 'inviter',
      children: [
        { name: 'name', children: null },
        { name: 'level', children: null },
      ],
    },
    { name: 'bans', children: null },
  ]);
  // Lenient: an unclosed bracket swallows the rest into one item, which names nothing.
  assert.deepEqual(parseOnly('id,inviter[name,level'), [
    { name: 'id', children: null },
    { name: 'inviter[name,level', children: null },
  ]);
  assert.deepEqual(parseOnly('id],name'), [
    { name: 'id]', children: null },
    { name: 'name', children: null },
  ]);
  assert.deepEqual(parseOnly(''), [{ name: '', children: null }]);
});

test('pickOnly keeps columns in database order, then methods in the order asked, dropping unknown and hidden names', () => {
  const record: RailsRecord = { id: 1, name: 'a', level: 20, level_string: 'Member', is_banned: false };
  const shape = { columns: ['id', 'name', 'level', 'secret'], methods: ['level_string', 'is_banned'] };
  assert.deepEqual(pickOnly(parseOnly('is_banned,level_string,name,id,secret,nope')!, record, shape), {
    id: 1,
    name: 'a',
    is_banned: false,
    level_string: 'Member',
  });
});
