import type { ScenarioSource } from './scenario.js';

export const danbooruScenarios: ScenarioSource = ({ someId, adminName, adminKey }) => [
  { name: 'danbooru /users/:id.json', path: `/danbooru/users/${someId}.json` },
  { name: 'danbooru users.json name_matches', path: '/danbooru/users.json?search[name_matches]=ab*' },
  { name: 'danbooru users.json order by uploads', path: '/danbooru/users.json?search[order]=post_upload_count' },
  { name: 'danbooru users.json level range + order', path: '/danbooru/users.json?search[level]=30..40&search[order]=post_upload_count' },
  { name: 'danbooru /profile.json (api key)', path: `/danbooru/profile.json?login=${adminName}&api_key=${encodeURIComponent(adminKey)}` },
];
