import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { errorCode, nativeFixture, type NativeFixture } from './fixture.js';

interface Created {
  project: { id: string; display_name: string; config: Record<string, boolean>; created_at: number };
  publishable_client_key: string;
  secret_server_key: string;
  super_secret_admin_key: string;
}

describe('native stack projects', () => {
  let f: NativeFixture;
  before(async () => {
    f = await nativeFixture();
  });
  after(() => f.close());

  test('admins create a project: keys shown once, stored hashed, usable by the Stack dialect', async () => {
    const response = await f.request('admin', 'POST', '/v1/stack-projects', { display_name: ' Shop ', config: { require_email_verification: true } });
    assert.equal(response.statusCode, 201, response.body);
    const created = response.json() as Created;
    assert.equal(created.project.display_name, 'Shop');
    assert.deepEqual(created.project.config, { require_publishable_client_key: true, require_email_verification: true, allow_client_user_deletion: false });
    assert.match(created.publishable_client_key, /^pck_/);
    assert.match(created.secret_server_key, /^ssk_/);
    assert.match(created.super_secret_admin_key, /^sak_/);

    const row = await f.core.db.selectFrom('stack_projects').selectAll().where('id', '=', created.project.id).executeTakeFirstOrThrow();
    assert.doesNotMatch(JSON.stringify(row), new RegExp(`${created.secret_server_key}|${created.super_secret_admin_key}|${created.publishable_client_key}`));

    const list = await f.request('owner', 'GET', '/v1/stack-projects');
    assert.equal(list.statusCode, 200, list.body);
    assert.ok(list.json().items.some((project: { id: string }) => project.id === created.project.id));
    assert.doesNotMatch(list.body, /pck_|ssk_|sak_|hash/);

    const server = await f.app.inject({
      method: 'GET',
      url: '/stack/api/v1/users',
      headers: { 'x-stack-access-type': 'server', 'x-stack-project-id': created.project.id, 'x-stack-secret-server-key': created.secret_server_key },
    });
    assert.equal(server.statusCode, 200, server.body);
  });

  test('admins change settings and the name; the change is audited', async () => {
    const created = (await f.request('admin', 'POST', '/v1/stack-projects', { display_name: 'Blog' })).json() as Created;
    const url = `/v1/stack-projects/${created.project.id}`;
    const renamed = await f.request('admin', 'PATCH', url, { display_name: 'Blog 2' });
    assert.equal(renamed.statusCode, 200, renamed.body);
    assert.equal(renamed.json().display_name, 'Blog 2');
    const changed = await f.request('owner', 'PATCH', url, { config: { allow_client_user_deletion: true } });
    assert.equal(changed.statusCode, 200, changed.body);
    assert.deepEqual(changed.json().config, { require_publishable_client_key: true, require_email_verification: false, allow_client_user_deletion: true });
    assert.equal(changed.json().display_name, 'Blog 2');
    const audit = await f.request('admin', 'GET', '/v1/audit-log?action=stack_project.update');
    assert.equal(audit.json().items.length, 2);
  });

  test('moderators and members are refused', async () => {
    const created = (await f.request('admin', 'POST', '/v1/stack-projects', { display_name: 'Private' })).json() as Created;
    for (const role of ['moderator', 'member', null] as const) {
      for (const [method, url, body] of [
        ['GET', '/v1/stack-projects', undefined],
        ['POST', '/v1/stack-projects', { display_name: 'X' }],
        ['PATCH', `/v1/stack-projects/${created.project.id}`, { display_name: 'X' }],
      ] as const) {
        const response = await f.request(role, method, url, body);
        assert.equal(response.statusCode, 403, `${String(role)} ${method}`);
        assert.equal(errorCode(response), 'forbidden');
      }
    }
  });

  test('bad input is refused in the native shape', async () => {
    const cases: [string, string, unknown, number, string][] = [
      ['POST', '/v1/stack-projects', {}, 400, 'invalid_param'],
      ['POST', '/v1/stack-projects', { display_name: '   ' }, 422, 'validation_failed'],
      ['POST', '/v1/stack-projects', { display_name: 'A', config: { unknown_setting: true } }, 400, 'invalid_param'],
      ['POST', '/v1/stack-projects', { display_name: 'A', config: { require_email_verification: 'yes' } }, 400, 'invalid_param'],
      ['PATCH', '/v1/stack-projects/not-a-uuid', { display_name: 'A' }, 400, 'invalid_param'],
      ['PATCH', '/v1/stack-projects/00000000-0000-4000-8000-000000000000', { display_name: 'A' }, 404, 'not_found'],
      ['PATCH', '/v1/stack-projects/00000000-0000-4000-8000-000000000000', {}, 400, 'invalid_param'],
    ];
    for (const [method, url, body, status, code] of cases) {
      const response = await f.request('admin', method as 'POST', url, body);
      assert.equal(response.statusCode, status, `${method} ${url} ${JSON.stringify(body)}: ${response.body}`);
      assert.equal(errorCode(response), code);
    }
  });
});
