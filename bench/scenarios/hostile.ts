import type { ScenarioSource } from './scenario.js';

/**
 * Issue 6: what an anonymous caller can send that costs the most, one scenario each. Every
 * answer must come quickly, as a bounded result or a clear refusal (400 "The database timed
 * out running your query.", or a refused offset), never a stalled event loop.
 */
const deepInviter = (depth: number, leaf: string): string => `search${'[inviter]'.repeat(depth)}${leaf}`;

const nativeFilter = (filter: unknown): string => `filter=${encodeURIComponent(JSON.stringify(filter))}`;

const inviterChain = (depth: number, leaf: unknown): unknown =>
  depth === 0 ? leaf : { kind: 'exists', relation: 'inviter', where: inviterChain(depth - 1, leaf) };

/** [name, path]: also used by tests and by ad-hoc measurements against a seeded database. */
export const HOSTILE_PATHS: readonly (readonly [string, string])[] = [
  ['hostile danbooru catastrophic regex', `/danbooru/users.json?search[name_regex]=${encodeURIComponent('^(a+)+_$')}`],
  ['hostile danbooru unanchored regex', `/danbooru/users.json?search[name_regex]=${encodeURIComponent('q.z')}`],
  ['hostile danbooru leading-wildcard substring', '/danbooru/users.json?search[name_ilike]=*qz*'],
  ['hostile danbooru last page, 1000 per page', '/danbooru/users.json?page=1000&limit=1000'],
  ['hostile danbooru inviter chain 8 deep + regex', `/danbooru/users.json?${deepInviter(8, `[name_regex]=${encodeURIComponent('q.z')}`)}`],
  ['hostile danbooru huge only=', `/danbooru/users.json?only=${'a'.repeat(12_000)}`],
  ['hostile danbooru nested only=', `/danbooru/users.json?only=${'inviter['.repeat(1000)}id${']'.repeat(1000)}`],
  ['hostile native unanchored regex', `/v1/users?${nativeFilter({ kind: 'match', field: 'name', mode: 'regex', value: 'q.z', caseSensitive: true })}`],
  ['hostile native short substring', '/v1/users?q=qz'],
  ['hostile native substring', '/v1/users?q=qzx'],
  ['hostile native count=true', '/v1/users?count=true'],
  ['hostile native count=true + substring', '/v1/users?count=true&q=a'],
  ['hostile native offset 10^9', '/v1/users?offset=1000000000'],
  ['hostile native offset 10^6', '/v1/users?offset=1000000'],
  ['hostile native inviter chain 10 deep', `/v1/users?${nativeFilter(inviterChain(10, { kind: 'match', field: 'name', mode: 'contains', value: 'q' }))}`],
  ['hostile native invitees of invitees', `/v1/users?${nativeFilter({ kind: 'exists', relation: 'invitees', where: { kind: 'exists', relation: 'invitees', where: null } })}`],
];

export const hostileScenarios: ScenarioSource = () => HOSTILE_PATHS.map(([name, path]) => ({ name, path }));
