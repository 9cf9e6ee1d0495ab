import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { banUser } from '../../../src/core/moderation/moderation.js';
import type { User } from '../../../src/core/users/user.js';
import { createUser } from '../../../src/core/users/users.js';
import { SYSTEM } from '../../../src/core/access/viewer.js';
import { danbooruError, danbooruFixture, type DanbooruFixture, type Role } from './http-fixture.js';

/** Rails XML (A2): the same records as JSON, as activemodel-serializers-xml writes them. */
describe('Danbooru XML', () => {
  let f: DanbooruFixture;
  let invited: User;

  before(async () => {
    f = await danbooruFixture();
    invited = await createUser(f.core, SYSTEM, { name: 'invited_user', inviterId: f.users.member.id });
    await banUser(f.core, SYSTEM, { userId: invited.id, reason: 'spam', durationMs: 86_400_000 });
  });
  after(() => f.close());

  const xml = async (role: Role | null, url: string): Promise<string> => {
    const response = await f.request(role, 'GET', url);
    assert.equal(response.statusCode, 200, response.body);
    assert.match(String(response.headers['content-type']), /^application\/xml/);
    return response.body;
  };

  test('a list: <users type="array">, dasherized, typed, nil', async () => {
    assert.equal(
      await xml(null, `/danbooru/users.xml?search[id]=${f.users.member.id}`),
      [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<users type="array">',
        '  <user>',
        `    <id type="integer">${f.users.member.id}</id>`,
        '    <created-at type="dateTime">2024-05-01T12:00:00-04:00</created-at>',
        '    <name>member_user</name>',
        '    <inviter-id type="integer" nil="true"/>',
        '    <level type="integer">20</level>',
        '    <post-upload-count type="integer">0</post-upload-count>',
        '    <post-update-count type="integer">0</post-update-count>',
        '    <note-update-count type="integer">0</note-update-count>',
        '    <is-deleted type="boolean">false</is-deleted>',
        '    <level-string>Member</level-string>',
        '    <is-banned type="boolean">false</is-banned>',
        '  </user>',
        '</users>',
        '',
      ].join('\n'),
    );
  });

  test('an empty list', async () => {
    assert.equal(await xml(null, '/danbooru/users.xml?search[id]=999999'), '<?xml version="1.0" encoding="UTF-8"?>\n<users type="array"/>\n');
  });

  test('one record, with associations', async () => {
    assert.equal(
      await xml(null, `/danbooru/users/${invited.id}.xml?only=id,inviter[name],bans[reason]`),
      [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<user>',
        `  <id type="integer">${invited.id}</id>`,
        '  <inviter type="User">',
        '    <name>member_user</name>',
        '  </inviter>',
        '  <bans type="array">',
        '    <ban>',
        '      <reason>spam</reason>',
        '    </ban>',
        '  </bans>',
        '</user>',
        '',
      ].join('\n'),
    );
  });

  test('the anonymous profile', async () => {
    const body = await xml(null, '/danbooru/profile.xml');
    assert.match(body, /^<\?xml version="1.0" encoding="UTF-8"\?>\n<user>\n {2}<id type="integer" nil="true"\/>\n/);
    assert.match(body, /<level-string nil="true"\/>/);
    assert.match(body, /<tag-query-limit type="integer">2<\/tag-query-limit>/);
  });

  test('errors are <result>', async () => {
    const response = await f.request(null, 'GET', '/danbooru/users/999999.xml');
    assert.equal(response.statusCode, 404);
    assert.equal(
      response.body,
      [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<result>',
        '  <success type="boolean">false</success>',
        '  <error>ActiveRecord::RecordNotFound</error>',
        '  <message>That record was not found.</message>',
        '  <backtrace type="array"/>',
        '</result>',
        '',
      ].join('\n'),
    );
    assert.equal(danbooruError(await f.request(null, 'GET', '/danbooru/users/999999.json')).error, 'ActiveRecord::RecordNotFound');
  });

  test('validation errors mirror the JSON structure', async () => {
    const response = await f.request('member', 'PUT', `/danbooru/users/${f.users.member.id}.xml`, { payload: { user: { per_page: '500' } } });
    assert.equal(response.statusCode, 422);
    assert.equal(
      response.body,
      [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<errors>',
        '  <per-page type="array">',
        '    <per-page>is not included in the list</per-page>',
        '  </per-page>',
        '</errors>',
        '',
      ].join('\n'),
    );
  });

  test('a ban: integers, times without milliseconds', async () => {
    const response = await f.request(null, 'GET', `/danbooru/bans.xml?search[user_id]=${invited.id}`);
    assert.match(
      response.body,
      /<ban>\n {4}<id type="integer">\d+<\/id>\n {4}<user-id type="integer">\d+<\/user-id>\n {4}<reason>spam<\/reason>\n {4}<banner-id type="integer" nil="true"\/>\n {4}<duration type="integer">86400<\/duration>\n {4}<created-at type="dateTime">2024-05-01T12:00:00-04:00<\/created-at>/,
    );
  });
});
