import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { generateSecret, hashSecret, secretHint, secretsEqual } from '../../../src/core/auth/secrets.js';

describe('secrets', () => {
  it('generates 256-bit base64url secrets, all different', () => {
    const secrets = new Set(Array.from({ length: 1000 }, generateSecret));
    assert.equal(secrets.size, 1000);
    for (const secret of secrets) {
      assert.match(secret, /^[A-Za-z0-9_-]{43}$/);
      assert.equal(Buffer.from(secret, 'base64url').length, 32);
    }
  });

  it('hashes with SHA-256, hex', () => {
    assert.equal(hashSecret('abc'), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  it('compares secrets of any length', () => {
    const secret = generateSecret();
    assert.equal(secretsEqual(secret, `${secret}`), true);
    assert.equal(secretsEqual(secret, secret.slice(0, -1)), false);
    assert.equal(secretsEqual(secret, generateSecret()), false);
    assert.equal(secretsEqual('', ''), true);
  });

  it('hints with the last four characters', () => {
    assert.equal(secretHint('abcdefgh'), 'efgh');
  });
});
