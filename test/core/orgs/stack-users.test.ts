import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Level } from '../../../src/core/access/levels.js';
import { SYSTEM, viewerFor, type Viewer } from '../../../src/core/access/viewer.js';
import { liveStackSession, openStackSession } from '../../../src/core/auth/stack-sessions.js';
import { authenticateStackAccessToken, issueStackAccessToken } from '../../../src/core/auth/stack-tokens.js';
import { storeStackImage } from '../../../src/core/orgs/stack-images.js';
import { createStackProject, DEFAULT_STACK_PROJECT_CONFIG, type StackProject } from '../../../src/core/orgs/stack-projects.js';
import { deleteOwnStackUser, restrictedReason } from '../../../src/core/orgs/stack-users.js';
import type { User } from '../../../src/core/users/user.js';
import { createUser, deleteUser, updateUser } from '../../../src/core/users/users.js';
import { rejects, rejectsWith } from '../../support/assertions.js';
import { createTestCore, type TestCore } from '../../support/database.js';

let core: TestCore;
let project: StackProject;
before(async () => {
  core = await createTestCore();
  project = (await createStackProject(core, SYSTEM, { displayName: 'Core tests' })).project;
});
after(() => core.dispose());

let serial = 0;
const make = (input: Parameters<typeof createUser>[2] = {}): Promise<User> => createUser(core, SYSTEM, { name: `stack_core_${++serial}`, ...input });
const as = (user: User): Viewer => viewerFor(user, { kind: 'session', id: 0 }, null);

describe('unique emails (core)', () => {
  test('an email is taken ignoring case, on create and on update; deletion frees it', async () => {
    const first = await make({ email: 'Unique@Example.com' });
    assert.deepEqual(await rejects(make({ email: 'unique@example.COM' }), 'conflict'), { email: ['has already been taken'] });
    const other = await make({ email: 'other@example.com' });
    assert.deepEqual(await rejects(updateUser(core, SYSTEM, other.id, { email: 'UNIQUE@example.com' }), 'conflict'), { email: ['has already been taken'] });
    // Re-saving one's own address in another case is no conflict.
    assert.equal((await updateUser(core, SYSTEM, first.id, { email: 'UNIQUE@example.com' })).email, 'UNIQUE@example.com');
    await deleteUser(core, SYSTEM, first.id);
    assert.equal((await make({ email: 'unique@example.com' })).email, 'unique@example.com');
  });
});

describe('Stack restrictions (core)', () => {
  test('restrictedReason: anonymous, then unverified email when required, then the admin restriction', async () => {
    const strict = { ...DEFAULT_STACK_PROJECT_CONFIG, require_email_verification: true };
    const anonymous = await make({ isAnonymous: true, restrictedByAdmin: true });
    assert.equal(restrictedReason(anonymous, strict), 'anonymous');
    const unverified = await make({ email: `u${serial}@example.com`, restrictedByAdmin: true });
    assert.equal(restrictedReason(unverified, strict), 'email_not_verified');
    assert.equal(restrictedReason(unverified, DEFAULT_STACK_PROJECT_CONFIG), 'restricted_by_administrator');
    const plain = await make();
    assert.equal(restrictedReason(plain, DEFAULT_STACK_PROJECT_CONFIG), null);
  });

  test('only admins above the user restrict them; reasons need a restriction', async () => {
    const admin = await make({ level: Level.Admin });
    const member = await make();
    await rejectsWith(updateUser(core, as(member), member.id, { restrictedByAdmin: true }), 'forbidden');
    assert.deepEqual(await rejects(updateUser(core, SYSTEM, member.id, { restrictedByAdminReason: 'x' }), 'validation_failed'), {
      restricted_by_admin_reason: ['must be null unless the user is restricted'],
    });
    const restricted = await updateUser(core, as(admin), member.id, { restrictedByAdmin: true, restrictedByAdminReason: 'spam' });
    assert.equal(restricted.restricted_by_admin_reason, 'spam');
  });
});

describe('Stack sessions and tokens (core)', () => {
  test('openStackSession: the system and admins above the user; never the user for themselves through it', async () => {
    const admin = await make({ level: Level.Admin });
    const member = await make();
    await rejectsWith(openStackSession(core, as(member), project, member.id, { ip: null }), 'forbidden');
    await rejectsWith(openStackSession(core, as(member), project, admin.id, { ip: null }), 'forbidden');
    const byAdmin = await openStackSession(core, as(admin), project, member.id, { ip: null });
    assert.equal((await liveStackSession(core, project, byAdmin.sessionId))?.user.id, member.id);
    const bySystem = await openStackSession(core, SYSTEM, project, member.id, { ip: null, expiresInMillis: 1000 });
    await rejects(openStackSession(core, SYSTEM, project, member.id, { ip: null, expiresInMillis: 0 }), 'validation_failed');
    const token = await issueStackAccessToken(core, project, bySystem);
    const checked = await authenticateStackAccessToken(core, project, token, null);
    assert.equal(checked.kind, 'ok');
    const other = (await createStackProject(core, SYSTEM, { displayName: 'Other' })).project;
    assert.equal((await authenticateStackAccessToken(core, other, token, null)).kind, 'wrong_project');
    assert.equal(await liveStackSession(core, other, bySystem.sessionId), null);
  });

  test('a deleted user has no live session and its tokens prove no user', async () => {
    const member = await make();
    const session = await openStackSession(core, SYSTEM, project, member.id, { ip: null });
    const token = await issueStackAccessToken(core, project, session);
    await deleteUser(core, SYSTEM, member.id);
    assert.equal((await authenticateStackAccessToken(core, project, token, null)).kind, 'no_user');
  });

  test('deleteOwnStackUser needs the project setting and a signed-in user, but no password', async () => {
    const member = await make({ password: 'a good password' });
    await rejectsWith(deleteOwnStackUser(core, as(member), project), 'forbidden');
    await rejectsWith(deleteOwnStackUser(core, SYSTEM, project), 'forbidden');
    const open = { ...project, config: { ...project.config, allow_client_user_deletion: true } };
    assert.equal((await deleteOwnStackUser(core, as(member), open)).is_deleted, true);
  });
});

describe('Stack images (core)', () => {
  test('only recognised images of at most 1 MB are stored, and only for someone signed in', async () => {
    const member = await make();
    const png = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8/5+hHgAHggJ/PchI7wAAAABJRU5ErkJggg==', 'base64');
    const stored = await storeStackImage(core, as(member), `data:image/png;base64,${png.toString('base64')}`);
    assert.equal(stored.content_type, 'image/png');
    await rejects(storeStackImage(core, as(member), `data:image/png;base64,${Buffer.from('<svg/>').toString('base64')}`), 'validation_failed');
    await rejects(storeStackImage(core, as(member), 'data:image/png;base64,!!!'), 'validation_failed');
    await rejectsWith(storeStackImage(core, { ...SYSTEM, credential: { kind: 'anonymous' } }, `data:image/png;base64,${png.toString('base64')}`), 'forbidden');
  });
});
