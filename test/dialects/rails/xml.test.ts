import assert from 'node:assert/strict';
import { test } from 'node:test';
import { dasherize, errorXml, userXml, usersXml, xmlList, xmlRecord } from '../../../src/dialects/rails/xml.js';

const DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n';

test('a list of users, Rails style', () => {
  const xml = usersXml([
    {
      id: 5,
      created_at: '2024-05-01T12:00:00.123-04:00',
      name: 'a<b> & "c"',
      inviter_id: null,
      level: 20,
      last_logged_in_at: null,
      favorite_tags: null,
      custom_style: '',
      last_ip_addr: '10.0.0.1',
      theme: 'dark',
      is_deleted: false,
      level_string: 'Member',
      is_banned: true,
      tag_query_limit: null,
      max_saved_searches: 250,
      'odd?': 'x\u0001y',
      inviter: { id: 2, name: 'bob' },
      bans: [{ id: 3, reason: 'spam', banner_id: null, duration: 86400, created_at: '2024-05-01T16:00:00.123Z' }],
      other_bans: [],
    },
  ]);
  assert.equal(
    xml,
    DECLARATION +
      [
        '<users type="array">',
        '  <user>',
        '    <id type="integer">5</id>',
        '    <created-at type="dateTime">2024-05-01T12:00:00-04:00</created-at>',
        '    <name>a&lt;b&gt; &amp; &quot;c&quot;</name>',
        '    <inviter-id type="integer" nil="true"/>',
        '    <level type="integer">20</level>',
        '    <last-logged-in-at type="dateTime" nil="true"/>',
        '    <favorite-tags nil="true"/>',
        '    <custom-style/>',
        '    <last-ip-addr type="inet">10.0.0.1</last-ip-addr>',
        '    <theme type="integer">dark</theme>',
        '    <is-deleted type="boolean">false</is-deleted>',
        '    <level-string>Member</level-string>',
        '    <is-banned type="boolean">true</is-banned>',
        '    <tag-query-limit type="float">Infinity</tag-query-limit>',
        '    <max-saved-searches type="integer">250</max-saved-searches>',
        '    <odd>x\uFFFDy</odd>',
        '    <inviter type="User">',
        '      <id type="integer">2</id>',
        '      <name>bob</name>',
        '    </inviter>',
        '    <bans type="array">',
        '      <ban>',
        '        <id type="integer">3</id>',
        '        <reason>spam</reason>',
        '        <banner-id type="integer" nil="true"/>',
        '        <duration type="integer">86400</duration>',
        '        <created-at type="dateTime">2024-05-01T16:00:00Z</created-at>',
        '      </ban>',
        '    </bans>',
        '    <other-bans type="array"/>',
        '  </user>',
        '</users>',
        '',
      ].join('\n'),
  );
});

test('empty lists, single records and other roots', () => {
  assert.equal(usersXml([]), `${DECLARATION}<users type="array"/>\n`);
  assert.equal(userXml({ id: null, level_string: null }), `${DECLARATION}<user>\n  <id type="integer" nil="true"/>\n  <level-string nil="true"/>\n</user>\n`);
  assert.equal(
    xmlList('user_name_change_requests', 'user_name_change_request', [{ id: 1 }]),
    `${DECLARATION}<user-name-change-requests type="array">\n  <user-name-change-request>\n    <id type="integer">1</id>\n  </user-name-change-request>\n</user-name-change-requests>\n`,
  );
  assert.equal(dasherize('_private_thing_'), '_private-thing_');
  assert.equal(dasherize('is_banned?'), 'is-banned');
});

test('the error body', () => {
  assert.equal(
    errorXml({ success: false, error: 'ActiveRecord::RecordNotFound', message: 'That record was not found.', backtrace: [] }),
    DECLARATION +
      '<result>\n  <success type="boolean">false</success>\n  <error>ActiveRecord::RecordNotFound</error>\n  <message>That record was not found.</message>\n  <backtrace type="array"/>\n</result>\n',
  );
  assert.match(errorXml({ success: false, error: 'NilClass', message: 'Page not found', backtrace: null }), /<backtrace nil="true"\/>/);
});

test('the five entities are escaped in values, list items and error bodies, once', () => {
  assert.equal(
    xmlRecord('user', { name: `O'Brien & <Co> "x"`, artist_tags: ['a&b', "it's", '<t>'], about: '&amp;' }),
    DECLARATION +
      [
        '<user>',
        '  <name>O&apos;Brien &amp; &lt;Co&gt; &quot;x&quot;</name>',
        '  <artist-tags type="array">',
        '    <artist-tag>a&amp;b</artist-tag>',
        '    <artist-tag>it&apos;s</artist-tag>',
        '    <artist-tag>&lt;t&gt;</artist-tag>',
        '  </artist-tags>',
        '  <about>&amp;amp;</about>',
        '</user>',
        '',
      ].join('\n'),
  );
  assert.equal(
    errorXml({ success: false, error: `Bad'<&>"`, message: "it's <b>&", backtrace: ["l'1 & <2>"] }),
    DECLARATION +
      [
        '<result>',
        '  <success type="boolean">false</success>',
        '  <error>Bad&apos;&lt;&amp;&gt;&quot;</error>',
        '  <message>it&apos;s &lt;b&gt;&amp;</message>',
        '  <backtrace type="array">',
        '    <backtrace>l&apos;1 &amp; &lt;2&gt;</backtrace>',
        '  </backtrace>',
        '</result>',
        '',
      ].join('\n'),
  );
});
