import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { LightMyRequestResponse } from 'fastify';
import { knownError, PASSWORD, stackFixture, type StackFixture } from './fixture.js';

/** The unique index on the lower-cased address is the one rule: concurrent claims never both win, and never 500. */
describe('Stack: one account per email address, under concurrency', () => {
  let f: StackFixture;
  before(async () => {
    f = await stackFixture();
  });
  after(() => f.close());

  const create = (email: string) => f.request({ access: 'server', method: 'POST', url: '/api/v1/users', body: { primary_email: email } });
  const signUp = (email: string) => f.request({ access: 'client', method: 'POST', url: '/api/v1/auth/password/sign-up', body: { email, password: PASSWORD } });
  const patch = (id: string, email: string) => f.request({ access: 'server', method: 'PATCH', url: `/api/v1/users/${id}`, body: { primary_email: email } });

  /** Exactly one answer succeeded; every other is Stack's USER_EMAIL_ALREADY_EXISTS (409). */
  function assertOneWinner(responses: readonly LightMyRequestResponse[], status: number): void {
    assert.equal(responses.filter((r) => r.statusCode === status).length, 1, responses.map((r) => `${r.statusCode} ${r.body}`).join('\n'));
    for (const response of responses.filter((r) => r.statusCode !== status)) {
      assert.equal(response.statusCode, 409, response.body);
      assert.equal(knownError(response).code, 'USER_EMAIL_ALREADY_EXISTS');
    }
  }

  const holders = async (email: string): Promise<number> =>
    (await f.core.db.selectFrom('users').select('id').where('email_lower', '=', email.toLowerCase()).execute()).length;

  test('concurrent server creates of one address (in any case): exactly one is created', async () => {
    const emails = Array.from({ length: 8 }, (_, i) => (i % 2 === 0 ? 'Race@Example.com' : 'race@EXAMPLE.com'));
    assertOneWinner(await Promise.all(emails.map(create)), 201);
    assert.equal(await holders('race@example.com'), 1);
  });

  test('concurrent password sign-ups of one address: exactly one account, one set of tokens', async () => {
    assertOneWinner(await Promise.all(Array.from({ length: 4 }, () => signUp('signup-race@example.com'))), 200);
    assert.equal(await holders('signup-race@example.com'), 1);
  });

  test('concurrent changes of two accounts to one address: exactly one takes it; the other keeps its own', async () => {
    const first = (await create('first@example.com')).json() as { id: string };
    const second = (await create('second@example.com')).json() as { id: string };
    const responses = await Promise.all([patch(first.id, 'Contested@example.com'), patch(second.id, 'contested@EXAMPLE.com')]);
    assertOneWinner(responses, 200);
    assert.equal(await holders('contested@example.com'), 1);
    const loser = responses[0]!.statusCode === 200 ? 'second@example.com' : 'first@example.com';
    assert.equal(await holders(loser), 1);
  });

  test('an address an account already holds is refused on create and on update, in Stack words', async () => {
    await create('held@example.com');
    const created = await create('HELD@example.com');
    assert.equal(created.statusCode, 409);
    assert.equal(knownError(created).code, 'USER_EMAIL_ALREADY_EXISTS');
    const other = (await create('elsewhere@example.com')).json() as { id: string };
    const updated = await patch(other.id, 'Held@Example.com');
    assert.equal(updated.statusCode, 409);
    assert.equal(knownError(updated).code, 'USER_EMAIL_ALREADY_EXISTS');
    assert.equal(await holders('elsewhere@example.com'), 1);
  });
});
