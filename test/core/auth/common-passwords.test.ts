import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { commonPasswordProblems, commonPasswords, readCommonPasswords } from '../../../src/core/auth/common-passwords.js';
import { isCoreError } from '../../../src/core/errors.js';
import { createUser, updateUser } from '../../../src/core/users/users.js';
import { SYSTEM } from '../../../src/core/access/viewer.js';
import { testConfig } from '../../support/database.js';
import { createTestCore, type TestCore } from '../../support/database.js';

const passwordErrors = (error: unknown): readonly string[] => {
  assert.ok(isCoreError(error) && error.code === 'validation_failed', String(error));
  return error.details.fields?.password ?? [];
};

describe('new passwords are checked against the shipped list of breached passwords', () => {
  let core: TestCore;
  before(async () => {
    core = await createTestCore();
  });
  after(() => core.dispose());

  it('ships well over 100,000 entries, read offline, the most common among them', async () => {
    const list = await commonPasswords(1);
    assert.ok(list.size > 400_000, `only ${list.size}`);
    for (const common of ['123456', 'password', 'qwerty', 'iloveyou', 'password123', 'trustno1']) assert.ok(list.has(common), common);
    assert.ok(!list.has('correct horse battery'));
  });

  it('refuses a breached password at creation and on change, ignoring case', async () => {
    await assert.rejects(createUser(core, SYSTEM, { name: 'common_one', password: 'Password123' }), (e) => passwordErrors(e).some((m) => /breached/.test(m)));
    const user = await createUser(core, SYSTEM, { name: 'uncommon_one', password: 'a rarely seen phrase' });
    await assert.rejects(updateUser(core, SYSTEM, user.id, { password: 'iloveyou1' }), (e) => passwordErrors(e).some((m) => /breached/.test(m)));
    await updateUser(core, SYSTEM, user.id, { password: 'another rare phrase' });
  });

  it('a list that cannot be read rejects its load (the server keeps running and tries again later)', async () => {
    await assert.rejects(readCommonPasswords('/nonexistent/passwords.txt.gz', 8), /ENOENT/);
  });

  it('counts each entry once, as compared (lower case)', async () => {
    const list = await commonPasswords(8);
    assert.equal(list.size, 197_527);
    assert.ok(list.has('password123') && list.has('iloveyou1'));
  });

  it('can be turned off: ROSTER_BREACHED_PASSWORDS=false', async () => {
    const off = testConfig('sqlite::memory:', { ROSTER_BREACHED_PASSWORDS: 'false' });
    assert.deepEqual(await commonPasswordProblems(off, 'password123'), []);
    assert.equal((await commonPasswordProblems(core.config, 'password123')).length, 1);
  });
});
