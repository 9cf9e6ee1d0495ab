import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createApiKey, listApiKeys, MAX_API_KEYS_PER_USER, revokeApiKey } from '../../../src/core/auth/api-keys.js';
import { authenticateBearer } from '../../../src/core/auth/authenticate.js';
import { flushCredentialUse } from '../../../src/core/auth/credential-cache.js';
import { isCoreError, type CoreErrorCode } from '../../../src/core/errors.js';
import { hashSecret } from '../../../src/core/auth/secrets.js';
import { SYSTEM } from '../../../src/core/access/viewer.js';
import { insertUser, viewerOf } from '../../support/users.js';
import { createTestCore, type TestCore } from '../../support/database.js';

const SECRET_KEYS = ['token_hash', 'secret', 'password_hash', 'token'];

/** Fails if any object key anywhere in `value` names a secret. */
function assertNoSecrets(value: unknown, path = 'result'): void {
  if (Array.isArray(value)) return value.forEach((item, i) => assertNoSecrets(item, `${path}[${i}]`));
  if (value === null || typeof value !== 'object') return;
  for (const [key, inner] of Object.entries(value)) {
    assert.ok(!SECRET_KEYS.includes(key), `${path}.${key} must not be returned`);
    assertNoSecrets(inner, `${path}.${key}`);
  }
}

const rejectsWith = (code: CoreErrorCode, field?: string) => (error: unknown) =>
  isCoreError(error) && error.code === code && (field === undefined || error.details.fields?.[field] !== undefined);

describe('API keys', () => {
  let core: TestCore;
  let clock = Date.UTC(2024, 0, 1);
  let alice: number;
  let bob: number;

  before(async () => {
    core = await createTestCore({ now: () => clock });
    alice = await insertUser(core, { name: 'alice' });
    bob = await insertUser(core, { name: 'bob' });
  });
  after(() => core.dispose());

  it('creates a key whose secret is returned once and stored only as its SHA-256', async () => {
    const { apiKey, secret } = await createApiKey(core, await viewerOf(core, alice, '192.0.2.1'), alice, {});
    assert.match(secret, /^[A-Za-z0-9_-]{43}$/);
    assertNoSecrets(apiKey);
    assert.equal(apiKey.name, 'API key');
    assert.equal(apiKey.token_hint, secret.slice(-4));
    assert.deepEqual([apiKey.scopes, apiKey.permitted_ips, apiKey.uses, apiKey.revoked_at], [[], [], 0, null]);
    const row = await core.db.selectFrom('api_keys').selectAll().where('id', '=', apiKey.id).executeTakeFirstOrThrow();
    assert.equal(row.token_hash, hashSecret(secret));
    assert.ok(!JSON.stringify(row).includes(secret));
    const listed = await listApiKeys(core, await viewerOf(core, alice, '192.0.2.1'), alice);
    assertNoSecrets(listed);
    assert.ok(listed.some((key) => key.id === apiKey.id));
  });

  it('keeps name, scopes, permitted addresses and expiry', async () => {
    const expiresAt = core.now() + 86_400_000;
    const { apiKey } = await createApiKey(core, await viewerOf(core, alice, '192.0.2.1'), alice, {
      name: '  uploader ',
      scopes: ['users:index', 'users:show', 'users:index'],
      permittedIps: ['203.0.113.0/24', '2001:db8::1'],
      expiresAt,
    });
    assert.equal(apiKey.name, 'uploader');
    assert.deepEqual(apiKey.scopes, ['users:index', 'users:show']);
    assert.deepEqual(apiKey.permitted_ips, ['203.0.113.0/24', '2001:db8::1']);
    assert.equal(apiKey.expires_at, expiresAt);
  });

  it('refuses bad scopes, addresses, names and expiries, field by field', async () => {
    const viewer = await viewerOf(core, alice, '192.0.2.1');
    const cases: [Parameters<typeof createApiKey>[3], string][] = [
      [{ scopes: ['users'] }, 'scopes'],
      [{ scopes: ['Users:Index'] }, 'scopes'],
      [{ permittedIps: ['300.1.1.1'] }, 'permitted_ips'],
      [{ permittedIps: ['10.0.0.0/33'] }, 'permitted_ips'],
      [{ permittedIps: Array.from({ length: 21 }, (_, i) => `198.51.100.${i}`) }, 'permitted_ips'],
      [{ name: 'n'.repeat(101) }, 'name'],
      [{ expiresAt: core.now() - 1 }, 'expires_at'],
    ];
    for (const [input, field] of cases) {
      await assert.rejects(createApiKey(core, viewer, alice, input), rejectsWith('validation_failed', field), JSON.stringify(input));
    }
  });

  it('allows at most 20 live keys per user; revoked keys do not count', async () => {
    const carol = await insertUser(core, { name: 'carol' });
    const viewer = await viewerOf(core, carol, '192.0.2.1');
    const keys = [];
    for (let i = 0; i < MAX_API_KEYS_PER_USER; i += 1) keys.push((await createApiKey(core, viewer, carol, { name: `k${i}` })).apiKey);
    await assert.rejects(createApiKey(core, viewer, carol, {}), rejectsWith('validation_failed', 'base'));
    await revokeApiKey(core, viewer, keys[0]!.id);
    await createApiKey(core, viewer, carol, {});
    assert.equal((await listApiKeys(core, viewer, carol)).length, MAX_API_KEYS_PER_USER);
  });

  it('lets only the owner (or the system) manage keys', async () => {
    const { apiKey } = await createApiKey(core, SYSTEM, alice, { name: 'from the CLI' });
    const bobViewer = await viewerOf(core, bob, '192.0.2.1');
    await assert.rejects(createApiKey(core, bobViewer, alice, {}), rejectsWith('forbidden'));
    await assert.rejects(listApiKeys(core, bobViewer, alice), rejectsWith('forbidden'));
    await assert.rejects(revokeApiKey(core, bobViewer, apiKey.id), rejectsWith('not_found'));
    await assert.rejects(createApiKey(core, SYSTEM, 999_999, {}), rejectsWith('not_found'));
    const deleted = await insertUser(core, { name: 'gone', is_deleted: 1 });
    await assert.rejects(createApiKey(core, await viewerOf(core, deleted, '192.0.2.1'), deleted, {}), rejectsWith('forbidden'));
  });

  it('revokes: gone from the list, refused at once, audited without secrets, idempotent', async () => {
    const viewer = await viewerOf(core, alice, '192.0.2.1');
    const { apiKey, secret } = await createApiKey(core, viewer, alice, { name: 'temporary' });
    assert.ok(await authenticateBearer(core, secret, null));
    clock += 1000;
    const revoked = await revokeApiKey(core, viewer, apiKey.id);
    assertNoSecrets(revoked);
    assert.equal(revoked.revoked_at, clock);
    assert.equal(await authenticateBearer(core, secret, null), null);
    assert.ok(!(await listApiKeys(core, viewer, alice)).some((key) => key.id === apiKey.id));
    clock += 1000;
    const again = await revokeApiKey(core, viewer, apiKey.id);
    assert.deepEqual([again.id, again.revoked_at], [apiKey.id, revoked.revoked_at]);
    const audit = await core.db
      .selectFrom('audit_log')
      .selectAll()
      .where('subject_type', '=', 'api_key')
      .where('subject_id', '=', apiKey.id)
      .orderBy('id')
      .execute();
    assert.deepEqual(
      audit.map((row) => [row.action, row.actor_id, row.target_user_id]),
      [
        ['api_key.create', alice, alice],
        ['api_key.revoke', alice, alice],
      ],
    );
    for (const row of audit) {
      assert.ok(!row.details.includes(secret) && !row.details.includes(hashSecret(secret)) && !row.details.includes(apiKey.token_hint));
    }
  });

  it('counts uses and records the last use, written in batches', async () => {
    const viewer = await viewerOf(core, bob, '192.0.2.1');
    const { apiKey, secret } = await createApiKey(core, viewer, bob, {});
    for (const ip of ['198.51.100.1', '198.51.100.2', '198.51.100.3']) {
      clock += 10;
      assert.ok(await authenticateBearer(core, secret, ip));
    }
    await flushCredentialUse(core);
    const [listed] = await listApiKeys(core, viewer, bob);
    assert.equal(listed?.id, apiKey.id);
    assert.equal(listed?.uses, 3);
    assert.equal(listed?.last_ip, '198.51.100.3');
    assert.equal(listed?.last_used_at, clock);
  });
});
