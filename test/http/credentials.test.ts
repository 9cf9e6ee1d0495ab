import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createApiKey } from '../../src/core/auth/api-keys.js';
import { Level } from '../../src/core/access/levels.js';
import { createUser } from '../../src/core/users/users.js';
import { SYSTEM } from '../../src/core/access/viewer.js';
import {
  authenticateCredential,
  decodeNameAndKey,
  readAuthorization,
  readCredentials,
  type CredentialSources,
  type PresentedCredential,
} from '../../src/http/credentials.js';
import { createTestCore, type TestCore } from '../support/database.js';

const b64 = (text: string): string => Buffer.from(text, 'utf8').toString('base64');

const NATIVE: CredentialSources = { schemes: { bearer: 'token' } };
const CVAT: CredentialSources = { schemes: { token: 'token', bearer: 'token', basic: 'name_and_key' } };
const DANBOORU: CredentialSources = { anyScheme: 'name_and_key', queryNameAndKey: { name: 'login', key: 'api_key' } };
const E621: CredentialSources = {
  schemes: { basic: 'name_and_key' },
  queryNameAndKey: { name: 'login', key: 'api_key' },
  bodyNameAndKey: { name: 'login', key: 'api_key' },
};
const CIVITAI: CredentialSources = { anyScheme: 'token', queryToken: 'token' };

describe('readAuthorization', () => {
  const cases: [string, string, CredentialSources, PresentedCredential][] = [
    ['bearer token', 'Bearer abc.def', NATIVE, { kind: 'token', token: 'abc.def' }],
    ['scheme word in any case', 'bEaReR abc', NATIVE, { kind: 'token', token: 'abc' }],
    ['surrounding whitespace', '  Bearer   abc  ', NATIVE, { kind: 'token', token: 'abc' }],
    ['scheme not accepted', 'Basic ' + b64('a:b'), NATIVE, { kind: 'malformed', reason: 'unsupported_scheme' }],
    ['scheme without value', 'Bearer', NATIVE, { kind: 'malformed', reason: 'unreadable_authorization' }],
    ['two values', 'Bearer a b', NATIVE, { kind: 'malformed', reason: 'unreadable_authorization' }],
    ['empty header', '', NATIVE, { kind: 'malformed', reason: 'unreadable_authorization' }],
    ['CVAT Token', 'Token k1', CVAT, { kind: 'token', token: 'k1' }],
    ['CVAT Basic', 'Basic ' + b64('alice:s3cret'), CVAT, { kind: 'name_and_key', name: 'alice', key: 's3cret' }],
    ['Basic key containing a colon', 'Basic ' + b64('alice:a:b'), CVAT, { kind: 'name_and_key', name: 'alice', key: 'a:b' }],
    ['Basic without colon', 'Basic ' + b64('alice'), CVAT, { kind: 'malformed', reason: 'unreadable_authorization' }],
    ['Basic not base64', 'Basic %%%', CVAT, { kind: 'malformed', reason: 'unreadable_authorization' }],
    ['Danbooru: any scheme word', 'Whatever ' + b64('bob:key'), DANBOORU, { kind: 'name_and_key', name: 'bob', key: 'key' }],
    ['Civitai: any scheme word', 'Token xyz', CIVITAI, { kind: 'token', token: 'xyz' }],
  ];
  for (const [name, header, sources, expected] of cases) {
    test(name, () => assert.deepEqual(readAuthorization(header, sources), expected));
  }

  test('decodeNameAndKey refuses empty halves and invalid UTF-8', () => {
    assert.equal(decodeNameAndKey(b64(':key')), null);
    assert.equal(decodeNameAndKey(b64('name:')), null);
    assert.equal(decodeNameAndKey(Buffer.from([0xff, 0x3a, 0x61]).toString('base64')), null);
    assert.deepEqual(decodeNameAndKey(b64('ünï:çødé')), { name: 'ünï', key: 'çødé' });
  });
});

describe('readCredentials', () => {
  const request = (headers: Record<string, string>, query: unknown = {}, body: unknown = undefined) => ({ headers, query, body });

  test('nothing presented is none, whatever the rules', () => {
    for (const sources of [NATIVE, CVAT, DANBOORU, E621, CIVITAI]) assert.deepEqual(readCredentials(request({}), sources), { kind: 'none' });
  });

  test('the header wins over parameters', () => {
    const presented = readCredentials(request({ authorization: 'Basic ' + b64('a:b') }, { login: 'c', api_key: 'd' }), E621);
    assert.deepEqual(presented, { kind: 'name_and_key', name: 'a', key: 'b' });
  });

  test('Danbooru query login and api_key; one without the other is malformed', () => {
    assert.deepEqual(readCredentials(request({}, { login: 'bob', api_key: 'k' }), DANBOORU), { kind: 'name_and_key', name: 'bob', key: 'k' });
    assert.deepEqual(readCredentials(request({}, { login: 'bob' }), DANBOORU), { kind: 'malformed', reason: 'missing_name_or_key' });
    assert.deepEqual(readCredentials(request({}, { api_key: 'k' }), DANBOORU), { kind: 'malformed', reason: 'missing_name_or_key' });
    assert.deepEqual(readCredentials(request({}, { login: ['a', 'b'], api_key: 'k' }), DANBOORU), { kind: 'malformed', reason: 'missing_name_or_key' });
  });

  test('Danbooru ignores body parameters; e621 reads them', () => {
    const body = { login: 'bob', api_key: 'k' };
    assert.deepEqual(readCredentials(request({}, {}, body), DANBOORU), { kind: 'none' });
    assert.deepEqual(readCredentials(request({}, {}, body), E621), { kind: 'name_and_key', name: 'bob', key: 'k' });
  });

  test('Civitai token parameter, trimmed; empty is malformed', () => {
    assert.deepEqual(readCredentials(request({}, { token: ' t1 ' }), CIVITAI), { kind: 'token', token: 't1' });
    assert.deepEqual(readCredentials(request({}, { token: '' }), CIVITAI), { kind: 'malformed', reason: 'unreadable_authorization' });
  });

  test('the native API ignores query parameters', () => {
    assert.deepEqual(readCredentials(request({}, { token: 'x', login: 'a', api_key: 'b' }), NATIVE), { kind: 'none' });
  });
});

describe('authenticateCredential', () => {
  let core: TestCore;
  let secret: string;
  let userId: number;

  before(async () => {
    core = await createTestCore();
    const user = await createUser(core, SYSTEM, { name: 'Carol', level: Level.Member });
    userId = user.id;
    secret = (await createApiKey(core, SYSTEM, user.id, {})).secret;
  });
  after(() => core.dispose());

  test('none gives an anonymous viewer carrying the address', async () => {
    const viewer = await authenticateCredential(core, { kind: 'none' }, '10.0.0.1');
    assert.equal(viewer?.id, null);
    assert.equal(viewer?.ip, '10.0.0.1');
    assert.equal(viewer?.credential.kind, 'anonymous');
  });

  test('a key authenticates as a token and as name and key (name ignoring case)', async () => {
    assert.equal((await authenticateCredential(core, { kind: 'token', token: secret }, null))?.id, userId);
    assert.equal((await authenticateCredential(core, { kind: 'name_and_key', name: 'carol', key: secret }, null))?.id, userId);
  });

  test('wrong, unknown and malformed credentials are all null', async () => {
    assert.equal(await authenticateCredential(core, { kind: 'token', token: secret + 'x' }, null), null);
    assert.equal(await authenticateCredential(core, { kind: 'name_and_key', name: 'nobody', key: secret }, null), null);
    assert.equal(await authenticateCredential(core, { kind: 'malformed', reason: 'unsupported_scheme' }, null), null);
  });
});
