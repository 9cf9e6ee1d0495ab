import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { Level } from '../../../src/core/access/levels.js';
import { hashSecret } from '../../../src/core/auth/secrets.js';
import {
  DEFAULT_STACK_PROJECT_CONFIG,
  createStackProject,
  getStackProject,
  listStackProjects,
  verifyStackProjectKey,
  type StackProjectConfig,
} from '../../../src/core/orgs/stack-projects.js';
import { loadUser } from '../../../src/core/users/user-store.js';
import { ANONYMOUS, SYSTEM, viewerFor, type Viewer } from '../../../src/core/access/viewer.js';
import { rejects } from '../../support/assertions.js';
import { createTestCore, type TestCore } from '../../support/database.js';

let core: TestCore;
before(async () => {
  core = await createTestCore();
});
after(async () => {
  await core.dispose();
});

let serial = 0;
async function makeUser(level: number): Promise<Viewer> {
  const name = `stk${++serial}`;
  const now = core.now();
  const row = await core.db
    .insertInto('users')
    .values({ uuid: randomUUID(), name, name_lower: name, level, created_at: now, updated_at: now })
    .returning('id')
    .executeTakeFirstOrThrow();
  return viewerFor((await loadUser(core, row.id))!, { kind: 'session', id: 0 }, null);
}

describe('creating projects', () => {
  test('the system creates a project with three prefixed keys, stored only as hashes', async () => {
    const created = await createStackProject(core, SYSTEM, { displayName: ' Demo ' });
    assert.match(created.project.id, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.equal(created.project.display_name, 'Demo');
    assert.deepEqual(created.project.config, DEFAULT_STACK_PROJECT_CONFIG);
    assert.match(created.publishableClientKey, /^pck_[A-Za-z0-9_-]{43}$/);
    assert.match(created.secretServerKey, /^ssk_[A-Za-z0-9_-]{43}$/);
    assert.match(created.superSecretAdminKey, /^sak_[A-Za-z0-9_-]{43}$/);
    const keys = [created.publishableClientKey, created.secretServerKey, created.superSecretAdminKey];
    const row = await core.db.selectFrom('stack_projects').selectAll().where('id', '=', created.project.id).executeTakeFirstOrThrow();
    assert.deepEqual([row.publishable_client_key_hash, row.secret_server_key_hash, row.super_secret_admin_key_hash], keys.map(hashSecret));
    const audit = await core.db.selectFrom('audit_log').selectAll().where('action', '=', 'stack_project.create').execute();
    const stored = JSON.stringify([row, audit]);
    for (const key of keys) assert.ok(!stored.includes(key.slice(4)), 'a key was stored in clear');
    assert.ok(audit.some((entry) => entry.details.includes(created.project.id)));
  });

  test('settings override the defaults; unknown or non-boolean settings and blank names are refused', async () => {
    const config: Partial<StackProjectConfig> = { require_email_verification: true, allow_client_user_deletion: true, require_publishable_client_key: false };
    const created = await createStackProject(core, SYSTEM, { displayName: 'Strict', config });
    assert.deepEqual(created.project.config, config);
    await rejects(createStackProject(core, SYSTEM, { displayName: 'x', config: { colour: true } as Partial<StackProjectConfig> }), 'validation_failed');
    await rejects(
      createStackProject(core, SYSTEM, { displayName: 'x', config: { require_email_verification: 'yes' } as unknown as Partial<StackProjectConfig> }),
      'validation_failed',
    );
    await rejects(createStackProject(core, SYSTEM, { displayName: '   ' }), 'validation_failed');
  });

  test('admins may create and list projects; members, moderators and anonymous may not', async () => {
    const admin = await makeUser(Level.Admin);
    const created = await createStackProject(core, admin, { displayName: 'By admin' });
    assert.ok((await listStackProjects(core, admin)).some((p) => p.id === created.project.id));
    for (const refused of [await makeUser(Level.Member), await makeUser(Level.Moderator), ANONYMOUS]) {
      await rejects(createStackProject(core, refused, { displayName: 'no' }), 'forbidden');
      await rejects(listStackProjects(core, refused), 'forbidden');
    }
  });
});

describe('reading projects and checking keys', () => {
  test('a project reads back without any key; unknown ids give null', async () => {
    const created = await createStackProject(core, SYSTEM, { displayName: 'Readable', config: { require_email_verification: true } });
    const project = await getStackProject(core, created.project.id.toUpperCase());
    assert.deepEqual(project, created.project);
    assert.deepEqual(Object.keys(project).sort(), ['config', 'created_at', 'display_name', 'id']);
    const listed = JSON.stringify(await listStackProjects(core, SYSTEM));
    for (const key of [created.publishableClientKey, created.secretServerKey, created.superSecretAdminKey]) {
      assert.ok(!listed.includes(key) && !listed.includes(hashSecret(key)));
    }
    assert.equal(await getStackProject(core, randomUUID()), null);
    assert.equal(await getStackProject(core, 'not-a-uuid'), null);
  });

  test('each key verifies for its own kind only; wrong keys and unknown projects fail', async () => {
    const a = await createStackProject(core, SYSTEM, { displayName: 'A' });
    const b = await createStackProject(core, SYSTEM, { displayName: 'B' });
    const id = a.project.id;
    assert.equal(await verifyStackProjectKey(core, id, 'client', a.publishableClientKey), true);
    assert.equal(await verifyStackProjectKey(core, id, 'server', a.secretServerKey), true);
    assert.equal(await verifyStackProjectKey(core, id, 'admin', a.superSecretAdminKey), true);
    const refused: [string, 'client' | 'server' | 'admin', string][] = [
      [id, 'client', a.secretServerKey],
      [id, 'server', a.publishableClientKey],
      [id, 'admin', a.secretServerKey],
      [id, 'server', b.secretServerKey],
      [id, 'server', a.secretServerKey.slice(0, -1)],
      [id, 'server', ''],
      [b.project.id, 'client', a.publishableClientKey],
      [randomUUID(), 'client', a.publishableClientKey],
    ];
    for (const [projectId, kind, key] of refused) assert.equal(await verifyStackProjectKey(core, projectId, kind, key), false, `${kind} ${key}`);
  });
});
