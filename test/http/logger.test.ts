import assert from 'node:assert/strict';
import { test } from 'node:test';
import { redactUrl } from '../../src/http/logger.js';

test('redactUrl hides the values of credential parameters only', () => {
  const cases: [string, string][] = [
    ['/users.json', '/users.json'],
    ['/users.json?search[name]=bob&page=2', '/users.json?search[name]=bob&page=2'],
    ['/users.json?login=bob&api_key=s3cret', '/users.json?login=bob&api_key=[redacted]'],
    ['/api/v1/me?token=abc', '/api/v1/me?token=[redacted]'],
    ['/x?password=p&Session_Token=t&flag', '/x?password=[redacted]&Session_Token=[redacted]&flag'],
    ['/x?api%5Fkey=s3cret', '/x?api%5Fkey=[redacted]'],
    ['/x?%E0%A4%A=1', '/x?%E0%A4%A=1'],
  ];
  for (const [url, expected] of cases) assert.equal(redactUrl(url), expected, url);
});
