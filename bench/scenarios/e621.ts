import type { ScenarioSource } from './scenario.js';

/** Issue 11: who-am-I on the legacy API, the legacy name search, and e621ng's prefix search. */
export const e621Scenarios: ScenarioSource = ({ adminName, adminKey }) => [
  { name: 'e621 user/show.json (who am I)', path: `/e621/user/show.json?login=${adminName}&api_key=${encodeURIComponent(adminKey)}` },
  { name: 'e621 user/index.json?name=', path: '/e621/user/index.json?name=ami' },
  { name: 'e621 users.json name_matches', path: '/e621/users.json?search[name_matches]=ami*' },
];
