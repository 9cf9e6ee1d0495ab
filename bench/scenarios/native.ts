import { byId, namePrefix, nameSubstring, ordered } from './limits.js';
import type { ScenarioSource } from './scenario.js';

export const nativeScenarios: ScenarioSource = ({ someId, adminKey }) => [
  { name: 'native GET /v1/users/:id', path: `/v1/users/${someId}`, limit: byId(someId) },
  { name: 'native GET /v1/me (api key)', path: '/v1/me', headers: { authorization: `Bearer ${adminKey}` } },
  { name: 'native name prefix search', path: '/v1/users?name_prefix=ami&limit=20', limit: namePrefix('ami', 'id desc', 20) },
  { name: 'native substring search', path: '/v1/users?q=ann&limit=20', limit: nameSubstring('ann', 20) },
  {
    name: 'native keyset page by created_at',
    path: '/v1/users?sort=-created_at&limit=50',
    limit: ordered('keyset page', '', 'created_at desc, id desc', 50),
    indexOrder: true,
  },
];
