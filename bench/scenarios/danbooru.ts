import { byId, namePrefix, ordered } from './limits.js';
import type { ScenarioSource } from './scenario.js';

export const danbooruScenarios: ScenarioSource = ({ someId, adminName, adminKey }) => [
  { name: 'danbooru /users/:id.json', path: `/danbooru/users/${someId}.json`, limit: byId(someId) },
  { name: 'danbooru users.json name_matches', path: '/danbooru/users.json?search[name_matches]=ami*', limit: namePrefix('ami', 'id desc', 20) },
  {
    name: 'danbooru users.json order by uploads',
    path: '/danbooru/users.json?search[order]=post_upload_count',
    limit: ordered('ordered page', '', 'post_upload_count desc, id desc', 20),
    indexOrder: true,
  },
  {
    name: 'danbooru users.json level range + order',
    path: '/danbooru/users.json?search[level]=30..40&search[order]=post_upload_count',
    // SQLite: `+level` keeps the planner off the level index, so it walks the order's index and
    // filters (the cheaper plan, issue 14); PostgreSQL's planner picks on its own.
    limit: ordered('ordered page', { sqlite: '+level between 30 and 40', postgres: 'level between 30 and 40' }, 'post_upload_count desc, id desc', 20),
    indexOrder: true,
  },
  {
    name: 'danbooru users.json page=b<id> (keyset)',
    path: `/danbooru/users.json?page=b${someId}&limit=20`,
    limit: ordered('keyset page', `id < ${someId}`, 'id desc', 20),
    indexOrder: true,
  },
  { name: 'danbooru /profile.json (api key)', path: `/danbooru/profile.json?login=${adminName}&api_key=${encodeURIComponent(adminKey)}` },
];
