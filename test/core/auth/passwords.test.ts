import assert from 'node:assert/strict';
import { pbkdf2Sync, randomBytes, scryptSync } from 'node:crypto';
import { describe, it } from 'node:test';
import argon2 from 'argon2';
import bcrypt from 'bcryptjs';
import { loadConfig } from '../../../src/config.js';
import { isCoreError } from '../../../src/core/errors.js';
import {
  hashPassword,
  isSupportedPasswordHash,
  PASSWORD_INPUT_LIMIT,
  PASSWORD_WORK,
  passwordProblems,
  verifyDummyPassword,
  verifyPassword,
} from '../../../src/core/auth/passwords.js';

const PASSWORD = 'correct horse';

// Vectors computed outside Roster: Openwall's crypt_blowfish test set, and Python's hashlib.
const VECTORS: readonly { name: string; hash: string; password: string }[] = [
  { name: 'bcrypt $2a$ (Openwall vector)', hash: '$2a$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW', password: 'U*U' },
  { name: 'Django pbkdf2_sha256 (hashlib)', hash: 'pbkdf2_sha256$1000$seasalt$JgZryXe2Ga8ysg6XbzkLpTdyPQrHqsinbL9BnnhgX4A=', password: 'lètmein' },
  { name: 'scrypt (hashlib)', hash: '$scrypt$ln=10,r=8,p=1$MDEyMzQ1Njc4OWFiY2RlZg$6g3umF+uVrJsObaTZhIbbTlgrvOEFcCItdwSjtPF67M', password: PASSWORD },
];

const b64 = (buffer: Buffer): string => buffer.toString('base64').replace(/=+$/, '');

async function generatedHashes(): Promise<{ name: string; hash: string }[]> {
  const bcryptHash = await bcrypt.hash(PASSWORD, 4);
  const scryptSalt = Buffer.from([0xfb, 0xef, 0xbe, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06]); // base64 "++++…"
  const scryptKey = scryptSync(PASSWORD, scryptSalt, 32, { N: 2 ** 12, r: 8, p: 1 });
  return [
    { name: 'argon2i', hash: await argon2.hash(PASSWORD, { type: argon2.argon2i, memoryCost: 8192, timeCost: 2, parallelism: 1 }) },
    { name: 'argon2d', hash: await argon2.hash(PASSWORD, { type: argon2.argon2d, memoryCost: 8192, timeCost: 2, parallelism: 1 }) },
    { name: 'argon2id, other parameters', hash: await argon2.hash(PASSWORD, { type: argon2.argon2id, memoryCost: 8192, timeCost: 3, parallelism: 2 }) },
    { name: 'bcrypt $2b$', hash: bcryptHash },
    { name: 'bcrypt $2a$', hash: bcryptHash.replace(/^\$2b\$/, '$2a$') },
    { name: 'bcrypt $2y$', hash: bcryptHash.replace(/^\$2b\$/, '$2y$') },
    {
      name: 'Django pbkdf2_sha1',
      hash: `pbkdf2_sha1$2000$pepper$${pbkdf2Sync(PASSWORD, 'pepper', 2000, 20, 'sha1').toString('base64')}`,
    },
    { name: 'scrypt, passlib ab64 salt', hash: `$scrypt$ln=12,r=8,p=1$${b64(scryptSalt).replace(/\+/g, '.')}$${b64(scryptKey)}` },
  ];
}

describe('passwords', () => {
  it('hashes with Argon2id at the OWASP parameters and verifies', async () => {
    const hash = await hashPassword(PASSWORD);
    const [, type, version, params] = hash.split('$');
    assert.equal(type, 'argon2id');
    assert.equal(version, 'v=19');
    assert.deepEqual(params?.split(',').sort(), ['m=19456', 'p=1', 't=2']);
    assert.deepEqual(await verifyPassword(hash, PASSWORD), { ok: true, needsRehash: false });
    assert.deepEqual(await verifyPassword(hash, 'correct horsE'), { ok: false, needsRehash: false });
    assert.notEqual(await hashPassword(PASSWORD), hash, 'each hash has its own salt');
  });

  it('verifies known vectors of every imported format, and refuses wrong passwords', async () => {
    for (const { name, hash, password } of VECTORS) {
      assert.equal(isSupportedPasswordHash(hash), true, name);
      assert.deepEqual(await verifyPassword(hash, password), { ok: true, needsRehash: true }, name);
      assert.deepEqual(await verifyPassword(hash, `${password}x`), { ok: false, needsRehash: true }, name);
    }
  });

  it('verifies generated hashes of every format and asks for a rehash of all but current Argon2id', async () => {
    for (const { name, hash } of await generatedHashes()) {
      assert.equal(isSupportedPasswordHash(hash), true, name);
      assert.deepEqual(await verifyPassword(hash, PASSWORD), { ok: true, needsRehash: true }, name);
      assert.equal((await verifyPassword(hash, 'wrong password')).ok, false, name);
    }
  });

  it('never matches an unknown, malformed or over-expensive hash', async () => {
    const salt = randomBytes(8).toString('hex');
    const unsupported = [
      '',
      PASSWORD,
      '5f4dcc3b5aa765d61d8327deb882cf99',
      `md5$${salt}$abc`,
      '$2x$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW',
      'pbkdf2_sha256$99999999$seasalt$JgZryXe2Ga8ysg6XbzkLpTdyPQrHqsinbL9BnnhgX4A=',
      '$scrypt$ln=30,r=8,p=1$MDEyMzQ1Njc4OWFiY2RlZg$6g3umF+uVrJsObaTZhIbbTlgrvOEFcCItdwSjtPF67M',
    ];
    for (const hash of unsupported) {
      assert.equal(isSupportedPasswordHash(hash), false, hash);
      assert.deepEqual(await verifyPassword(hash, PASSWORD), { ok: false, needsRehash: true }, hash);
    }
  });

  it('refuses to hash or check an over-long password', async () => {
    const long = 'a'.repeat(PASSWORD_INPUT_LIMIT + 1);
    await assert.rejects(hashPassword(long), (error) => isCoreError(error) && error.code === 'invalid_param');
    const hash = await bcrypt.hash(long, 4);
    assert.equal((await verifyPassword(hash, long)).ok, false);
  });

  it('hashes and checks at most PASSWORD_WORK.limit passwords at once, the dummy check for an unknown login queued like a real one', async () => {
    const hash = await hashPassword(PASSWORD);
    await verifyDummyPassword(PASSWORD); // its own hash is made once, on first use
    const { limit } = PASSWORD_WORK;
    const checks = Array.from({ length: limit + 2 }, () => verifyPassword(hash, PASSWORD));
    const dummy = verifyDummyPassword(PASSWORD);
    const rehash = hashPassword(PASSWORD);
    // Microtasks only: no hash can have finished, every call has asked for its slot.
    for (let turn = 0; turn < 10; turn++) await Promise.resolve();
    assert.equal(PASSWORD_WORK.running, limit);
    assert.equal(PASSWORD_WORK.queued, 4);
    assert.deepEqual(await Promise.all(checks), Array(limit + 2).fill({ ok: true, needsRehash: false }));
    await dummy;
    assert.equal((await verifyPassword(await rehash, PASSWORD)).ok, true);
    assert.equal(PASSWORD_WORK.running, 0);
  });

  it('checks only length for new passwords, in characters', () => {
    const config = loadConfig({ ROSTER_PASSWORD_MIN_LENGTH: '8' });
    assert.deepEqual(passwordProblems(config, 'short'), ['is too short (minimum is 8 characters)']);
    assert.deepEqual(passwordProblems(config, 'alllowercase'), []);
    assert.deepEqual(passwordProblems(config, '😀😀😀😀😀😀😀😀'), [], 'eight emoji are eight characters');
    assert.deepEqual(passwordProblems(config, 'x'.repeat(129)), ['is too long (maximum is 128 characters)']);
  });
});
