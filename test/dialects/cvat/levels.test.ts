import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Level } from '../../../src/core/access/levels.js';
import { groupOf, isPrivileged, levelAfter } from '../../../src/dialects/cvat/levels.js';
import { pageLink } from '../../../src/dialects/cvat/page-links.js';

describe('CVAT level map', () => {
  const GROUPS: [number, string, boolean][] = [
    [Level.Restricted, 'worker', false],
    [Level.Member, 'user', false],
    [Level.Gold, 'user', false],
    [Level.Moderator, 'user', false],
    [Level.Admin, 'admin', true],
    [Level.Owner, 'admin', true],
  ];
  for (const [level, group, privileged] of GROUPS) {
    test(`level ${level} is group ${group}${privileged ? ', superuser and staff' : ''}`, () => {
      assert.equal(groupOf(level), group);
      assert.equal(isPrivileged(level), privileged);
    });
  }

  const CHANGES: [number, Parameters<typeof levelAfter>[1], number][] = [
    [Level.Gold, { groups: ['user'] }, Level.Gold],
    [Level.Gold, { groups: ['worker'] }, Level.Restricted],
    [Level.Restricted, { groups: ['user'] }, Level.Member],
    [Level.Member, { groups: ['admin'] }, Level.Admin],
    [Level.Member, { groups: ['worker', 'admin'] }, Level.Admin],
    [Level.Admin, { groups: [] }, Level.Member],
    [Level.Member, { privileged: true }, Level.Admin],
    [Level.Owner, { privileged: true }, Level.Owner],
    [Level.Admin, { privileged: false }, Level.Member],
    [Level.Restricted, { privileged: false }, Level.Restricted],
    [Level.Member, { groups: ['worker'], privileged: true }, Level.Restricted],
  ];
  for (const [from, change, to] of CHANGES) {
    test(`${from} with ${JSON.stringify(change)} → ${to}`, () => assert.equal(levelAfter(from, change), to));
  }
});

describe("DRF's page links", () => {
  test('page replaced, keys sorted, values re-encoded as Python does', () => {
    assert.equal(pageLink('http://h/api/users', 'search=a+b&org=&page=3&filter=%7B%7D', 4), 'http://h/api/users?filter=%7B%7D&org=&page=4&search=a+b');
    assert.equal(pageLink('http://h/api/users', 'page=2', null), 'http://h/api/users');
    assert.equal(pageLink('http://h/api/users', 'x=1&x=2', 2), 'http://h/api/users?page=2&x=1&x=2');
  });
});
