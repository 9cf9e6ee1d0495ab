import type { ScenarioSource } from './scenario.js';

/** Civitai's `/api/v1/me` (a member with a subscription) and `/api/v1/users` lookups. */
export const civitaiScenarios: ScenarioSource = ({ someId, adminName, adminKey, roster }) => {
  roster(['subscriptions', 'add', '--user', adminName, '--product', 'monthly', '--tier', 'gold']);
  const ids = [someId, someId + 1, someId + 2, someId + 3, someId + 4].join(',');
  return [
    { name: 'civitai /api/v1/me (bearer)', path: '/civitai/api/v1/me', headers: { authorization: `Bearer ${adminKey}` } },
    { name: 'civitai /api/v1/users?query=ami', path: '/civitai/api/v1/users?query=ami' },
    { name: 'civitai /api/v1/users?query=sa', path: '/civitai/api/v1/users?query=sa' },
    { name: 'civitai /api/v1/users?ids= (5 ids)', path: `/civitai/api/v1/users?ids=${ids}` },
  ];
};
