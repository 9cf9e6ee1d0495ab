import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { describe, test } from 'node:test';
import { Type, TypeBoxValidatorCompiler } from '@fastify/type-provider-typebox';
import Fastify from 'fastify';
import { conflict, CoreError, notFound, rateLimited } from '../../src/core/errors.js';
import { classifyError, installErrorHandler, type HttpFailure, type RenderedError } from '../../src/http/error-handler.js';
import { loggerOptions } from '../../src/http/logger.js';

/** A renderer that shows what it was given, so tests can see the classification. */
const echo = (failure: HttpFailure): RenderedError => {
  switch (failure.kind) {
    case 'core':
      return { status: 418, body: { kind: 'core', code: failure.error.code } };
    case 'request':
      return { status: failure.issue.status, body: { kind: 'request', issue: failure.issue } };
    case 'internal':
      return { status: 500, body: { kind: 'internal' } };
  }
};

function appWith(routes: (app: ReturnType<typeof Fastify>) => void, logs: string[] = []) {
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      logs.push(chunk.toString());
      done();
    },
  });
  const app = Fastify({ logger: { ...loggerOptions('info'), stream }, bodyLimit: 1024 });
  app.setValidatorCompiler(TypeBoxValidatorCompiler);
  installErrorHandler(app, echo);
  routes(app);
  return app;
}

describe('classifyError', () => {
  test('core errors pass through with their code', () => {
    const error = conflict('user', { name: ['taken'] });
    assert.deepEqual(classifyError(error), { kind: 'core', error });
  });

  test('anything unknown is internal', () => {
    for (const thrown of [new Error('boom'), new TypeError('x'), 'a string', null, { statusCode: 400 }]) {
      assert.equal(classifyError(thrown).kind, 'internal');
    }
  });
});

describe('installErrorHandler', () => {
  test('core errors thrown by a route reach the renderer', async () => {
    const app = appWith((a) => a.get('/x', async () => Promise.reject(notFound('user'))));
    const response = await app.inject({ url: '/x' });
    assert.equal(response.statusCode, 418);
    assert.deepEqual(response.json(), { kind: 'core', code: 'not_found' });
  });

  test('schema failures become invalid_param naming the parameter', async () => {
    const app = appWith((a) =>
      a.post(
        '/x',
        { schema: { body: Type.Object({ n: Type.Integer(), nested: Type.Optional(Type.Object({ b: Type.Boolean() })) }, { additionalProperties: false }) } },
        async () => 'ok',
      ),
    );
    const wrongType = await app.inject({ method: 'POST', url: '/x', payload: { n: 'three' } });
    assert.equal(wrongType.statusCode, 400);
    assert.deepEqual(wrongType.json().issue, { kind: 'invalid_param', status: 400, message: 'n must be integer', param: 'n', location: 'body' });
    const unknown = await app.inject({ method: 'POST', url: '/x', payload: { n: 1, extra: true } });
    assert.equal(unknown.json().issue.param, 'extra');
    const missing = await app.inject({ method: 'POST', url: '/x', payload: {} });
    assert.equal(missing.json().issue.param, 'n');
    const nested = await app.inject({ method: 'POST', url: '/x', payload: { n: 1, nested: { b: 'no' } } });
    assert.equal(nested.json().issue.param, 'nested.b');
  });

  test('unreadable bodies: bad JSON, empty JSON, too large, wrong media type', async () => {
    const app = appWith((a) => a.post('/x', async () => 'ok'));
    const post = (payload: string, type: string) => app.inject({ method: 'POST', url: '/x', payload, headers: { 'content-type': type } });
    const cases: [string, string, number, string][] = [
      ['{"a":', 'application/json', 400, 'malformed_body'],
      ['{"__proto__":{"x":1}}', 'application/json', 400, 'malformed_body'],
      ['x'.repeat(2048), 'text/plain', 413, 'body_too_large'],
      ['<a/>', 'application/xml', 415, 'unsupported_media_type'],
    ];
    for (const [payload, type, status, kind] of cases) {
      const response = await post(payload, type);
      assert.equal(response.statusCode, status, `${type} ${payload.slice(0, 20)}`);
      assert.equal(response.json().issue.kind, kind);
    }
  });

  test('rate limits keep their details for the renderer', () => {
    const failure = classifyError(rateLimited(30));
    assert.equal(failure.kind, 'core');
    assert.equal(failure.kind === 'core' && failure.error.details.retryAfterSeconds, 30);
  });

  test('unknown errors are logged without headers and rendered without a stack', async () => {
    const logs: string[] = [];
    const app = appWith(
      (a) =>
        a.get('/boom', async () => {
          throw new Error('database exploded');
        }),
      logs,
    );
    const response = await app.inject({ url: '/boom?api_key=hunter2', headers: { authorization: 'Bearer topsecret', cookie: 'sid=cookiesecret' } });
    assert.equal(response.statusCode, 500);
    assert.deepEqual(response.json(), { kind: 'internal' });
    assert.doesNotMatch(response.body, /exploded|at /);
    const logged = logs.join('');
    assert.match(logged, /database exploded/);
    assert.doesNotMatch(logged, /topsecret|cookiesecret|hunter2/);
  });

  test('CoreError is an Error with a stable code', () => {
    const error = new CoreError('forbidden', 'Access denied');
    assert.ok(error instanceof Error);
    assert.equal(classifyError(error).kind, 'core');
  });
});
