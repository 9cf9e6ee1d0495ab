import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ALLOWED_ORIGINS, civitaiFixture, type CivitaiFixture } from './fixture.js';

let f: CivitaiFixture;
let key: string;
before(async () => {
  f = await civitaiFixture();
  key = (await f.user('cors_user')).key;
});
after(() => f.close());

const [DEFAULT_ORIGIN, SECOND_ORIGIN] = ALLOWED_ORIGINS;

describe('credentialed CORS on /api/v1/me', () => {
  test('a preflight from an allowed origin is allowed with credentials and the headers it asks for', async () => {
    const response = await f.request('OPTIONS', '/api/v1/me', {
      origin: SECOND_ORIGIN,
      'access-control-request-method': 'GET',
      'access-control-request-headers': 'authorization, x-client',
    });
    assert.equal(response.statusCode, 200);
    assert.equal(response.body, '');
    assert.equal(response.headers['access-control-allow-origin'], SECOND_ORIGIN);
    assert.equal(response.headers['access-control-allow-credentials'], 'true');
    assert.equal(response.headers['access-control-allow-methods'], 'GET');
    assert.equal(response.headers['access-control-allow-headers'], 'authorization, x-client');
    assert.match(String(response.headers.vary), /Origin/);
  });

  test('a preflight from another origin names the default allowed origin, which the browser then refuses', async () => {
    for (const origin of ['https://evil.example', `${DEFAULT_ORIGIN}.evil.example`, `${DEFAULT_ORIGIN}:8443`, 'null']) {
      const response = await f.request('OPTIONS', '/api/v1/me', {
        origin,
        'access-control-request-method': 'GET',
        'access-control-request-headers': 'authorization',
      });
      assert.equal(response.statusCode, 200, origin);
      assert.equal(response.headers['access-control-allow-origin'], DEFAULT_ORIGIN, origin);
    }
  });

  test('a credentialed request from an allowed origin may be read by it; from another origin it may not', async () => {
    const allowed = await f.request('GET', '/api/v1/me', { origin: SECOND_ORIGIN, authorization: `Bearer ${key}` });
    assert.equal(allowed.statusCode, 200);
    assert.equal(allowed.headers['access-control-allow-origin'], SECOND_ORIGIN);
    assert.equal(allowed.headers['access-control-allow-credentials'], 'true');
    const other = await f.request('GET', '/api/v1/me', { origin: 'https://evil.example', authorization: `Bearer ${key}` });
    assert.equal(other.statusCode, 200);
    assert.equal(other.headers['access-control-allow-origin'], DEFAULT_ORIGIN);
    assert.notEqual(other.headers['access-control-allow-origin'], 'https://evil.example');
  });

  test('origins compare ignoring case, as browsers serialize them lower-case', async () => {
    const response = await f.request('GET', '/api/v1/me', { origin: SECOND_ORIGIN.toUpperCase().replace('HTTPS', 'https'), authorization: `Bearer ${key}` });
    assert.equal(response.headers['access-control-allow-origin'], SECOND_ORIGIN);
  });

  test('refusals carry the same CORS headers, so a page can read its 401', async () => {
    const response = await f.request('GET', '/api/v1/me', { origin: SECOND_ORIGIN });
    assert.equal(response.statusCode, 401);
    assert.equal(response.headers['access-control-allow-origin'], SECOND_ORIGIN);
    assert.equal(response.headers['access-control-allow-credentials'], 'true');
  });
});

describe('CORS without an allowlist', () => {
  test('no origin is allowed credentials when none is configured', async () => {
    const bare = await civitaiFixture({ origins: [] });
    try {
      const response = await bare.request('OPTIONS', '/api/v1/me', { origin: 'https://civitai.example', 'access-control-request-method': 'GET' });
      assert.equal(response.statusCode, 200);
      assert.equal(response.headers['access-control-allow-origin'], undefined);
      assert.equal(response.headers['access-control-allow-credentials'], undefined);
    } finally {
      await bare.close();
    }
  });
});

describe('public CORS on /api/v1/users', () => {
  test('any origin may read it, without credentials; the preflight answers 200', async () => {
    const preflight = await f.request('OPTIONS', '/api/v1/users', { origin: 'https://anyone.example', 'access-control-request-method': 'GET' });
    assert.equal(preflight.statusCode, 200);
    assert.equal(preflight.headers['access-control-allow-origin'], '*');
    assert.equal(preflight.headers['access-control-allow-methods'], 'GET');
    assert.equal(preflight.headers['access-control-allow-headers'], '*');
    assert.equal(preflight.headers['access-control-allow-credentials'], undefined);
    const response = await f.request('GET', '/api/v1/users', { origin: 'https://anyone.example' });
    assert.equal(response.headers['access-control-allow-origin'], '*');
    assert.equal(response.headers['access-control-allow-credentials'], undefined);
  });
});
