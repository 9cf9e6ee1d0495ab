import { byId, cvatSearch, ordered } from './limits.js';
import type { ScenarioSource } from './scenario.js';

/** CVAT at `/cvat`, as the admin's API key sent as `Token` (issue 12's five scenarios). */
export const cvatScenarios: ScenarioSource = ({ someId, adminKey, users }) => {
  const headers = { authorization: `Token ${adminKey}` };
  const filter = encodeURIComponent(JSON.stringify({ and: [{ in: ['ab', { var: 'username' }] }, { '>': [{ var: 'id' }, Math.floor(users / 2)] }] }));
  // page 2500 of 20 needs 50,000 users; smaller runs take their last full page instead of a 404.
  const page = Math.max(1, Math.min(2500, Math.floor(users / 20)));
  return [
    { name: 'cvat GET /api/users/self (token)', path: '/cvat/api/users/self', headers },
    { name: 'cvat GET /api/users/:id', path: `/cvat/api/users/${someId}`, headers, limit: byId(someId) },
    { name: 'cvat search=ann with count', path: '/cvat/api/users?search=ann', headers, limit: cvatSearch('ann', 10) },
    {
      name: 'cvat JSON Logic filter on two fields',
      path: `/cvat/api/users?filter=${filter}`,
      headers,
      limit: ordered(
        'filter + count',
        { sqlite: `instr(name, 'ab') > 0 and id > ${Math.floor(users / 2)}`, postgres: `strpos(name, 'ab') > 0 and id > ${Math.floor(users / 2)}` },
        'id desc',
        10,
        0,
        true,
      ),
    },
    {
      name: `cvat page=${page}&page_size=20`,
      path: `/cvat/api/users?page=${page}&page_size=20`,
      headers,
      limit: ordered('offset page + count', '', 'id desc', 20, (page - 1) * 20, true),
      indexOrder: true,
    },
  ];
};
