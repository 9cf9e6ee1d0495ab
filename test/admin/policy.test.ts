import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Level } from '../../src/core/access/levels.js';
import { maySearchUsersBy } from '../../admin/src/policy.js';
import type { ApiUser } from '../../admin/src/types.js';

const at = (level: number): ApiUser => ({ id: level, level, is_deleted: false, ban: null, mute: null }) as unknown as ApiUser;

test("the console offers the email search exactly to whom the core's read rule lets search emails", () => {
  assert.equal(maySearchUsersBy(at(Level.Admin), 'email'), true);
  assert.equal(maySearchUsersBy(at(Level.Owner), 'email'), true);
  assert.equal(maySearchUsersBy(at(Level.Moderator), 'email'), false);
  assert.equal(maySearchUsersBy(at(Level.Member), 'email'), false);
  assert.equal(maySearchUsersBy(at(Level.Moderator), 'name'), true);
});
