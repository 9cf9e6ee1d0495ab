import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { SYSTEM } from '../../../src/core/access/viewer.js';
import { isCoreError } from '../../../src/core/errors.js';
import { listAuditLog } from '../../../src/core/moderation/audit-log.js';
import { errorCode, nativeFixture, type NativeFixture } from './fixture.js';

interface Entry {
  id: number;
  action: string;
  actor_id: number | null;
  target_user_id: number | null;
  details: Record<string, unknown>;
}

describe('native audit log', () => {
  let f: NativeFixture;
  before(async () => {
    f = await nativeFixture();
    await f.request('admin', 'PUT', `/v1/users/${f.users.member.id}/level`, { level: 'gold' });
    await f.request('moderator', 'POST', '/v1/bans', { user_id: f.users.other.id, reason: 'spam', duration: '1d' });
    await f.request('admin', 'PUT', `/v1/users/${f.users.member.id}/level`, { level: 'member' });
  });
  after(() => f.close());

  test('admins read it newest first, narrowed by target or actor', async () => {
    const forMember = await f.request('admin', 'GET', `/v1/audit-log?target_user_id=${f.users.member.id}`);
    assert.equal(forMember.statusCode, 200, forMember.body);
    const entries = forMember.json().items as Entry[];
    const levelChanges = entries.filter((e) => e.actor_id === f.users.admin.id);
    assert.equal(levelChanges.length, 2);
    assert.ok(levelChanges[0]!.id > levelChanges[1]!.id);
    assert.ok(entries.every((e) => e.target_user_id === f.users.member.id));

    const byModerator = await f.request('owner', 'GET', `/v1/audit-log?actor_id=${f.users.moderator.id}`);
    const actions = (byModerator.json().items as Entry[]).map((e) => e.action);
    assert.ok(actions.length >= 1 && actions.every((a) => a.includes('ban')), actions.join());
  });

  test('pages by cursor without overlap; secrets never appear', async () => {
    const all = (await f.request('admin', 'GET', '/v1/audit-log?limit=1000')).json().items as Entry[];
    const seen: number[] = [];
    let cursor: string | null = null;
    do {
      const response = await f.request('admin', 'GET', `/v1/audit-log?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      const page = response.json() as { items: Entry[]; next_cursor: string | null };
      seen.push(...page.items.map((e) => e.id));
      cursor = page.next_cursor;
    } while (cursor);
    assert.deepEqual(
      seen,
      all.map((e) => e.id),
    );
    for (const secret of Object.values(f.keys)) assert.doesNotMatch(JSON.stringify(all), new RegExp(secret));
  });

  test('the core checks the time range itself, as for login attempts (callers other than this route)', async () => {
    for (const [param, range] of [
      ['since', { since: -1 }],
      ['since', { since: Number.NaN }],
      ['until', { until: 1.5 }],
    ] as const) {
      await assert.rejects(listAuditLog(f.core, SYSTEM, { limit: 10, ...range }), (error) => isCoreError(error) && error.details.param === param);
    }
    assert.ok((await listAuditLog(f.core, SYSTEM, { limit: 10, since: 0, until: Number.MAX_SAFE_INTEGER })).items.length > 0);
  });

  test('everyone below admin is refused', async () => {
    for (const role of [null, 'member', 'builder', 'moderator'] as const) {
      const response = await f.request(role, 'GET', '/v1/audit-log');
      assert.equal(response.statusCode, 403, String(role));
      assert.equal(errorCode(response), 'forbidden');
    }
  });

  test('bad parameters are 400', async () => {
    for (const query of ['?cursor=abc', '?limit=0', '?target_user_id=-1', '?actor_id=x', '?extra=1']) {
      const response = await f.request('admin', 'GET', `/v1/audit-log${query}`);
      assert.equal(response.statusCode, 400, query);
      assert.equal(errorCode(response), 'invalid_param');
    }
  });
});
