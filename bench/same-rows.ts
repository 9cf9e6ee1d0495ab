/**
 * Keeps limits honest: fetches one answer from Roster and one from the scenario's limit and
 * compares the ids they carry, in order. `yes`, `NO` (the limit's query differs from the
 * scenario's) or `HTTP <status>` when Roster does not answer 2xx.
 */
import type { Scenario } from './scenarios/scenario.js';

const LIST_KEYS = ['items', 'results', 'data', 'users', 'rows'];

function ids(body: unknown): string[] | null {
  if (Array.isArray(body)) return body.map((row: unknown) => String((row as { id?: unknown }).id));
  if (body === null || typeof body !== 'object') return null;
  const record = body as Record<string, unknown>;
  for (const key of LIST_KEYS) if (Array.isArray(record[key])) return ids(record[key]);
  return 'id' in record ? [String(record.id)] : null;
}

export async function sameRows(rosterUrl: string, limitUrl: string, scenario: Scenario): Promise<string> {
  const init: RequestInit = {
    method: scenario.method ?? 'GET',
    headers: scenario.headers ?? {},
    ...(scenario.body === undefined ? {} : { body: scenario.body }),
  };
  const [roster, limit] = await Promise.all([fetch(`${rosterUrl}${scenario.path}`, init), fetch(limitUrl)]);
  if (!roster.ok) return `HTTP ${roster.status}`;
  if (!limit.ok) return `limit HTTP ${limit.status}`;
  const [mine, theirs] = [ids(await roster.json()), ids(await limit.json())];
  if (mine === null || theirs === null) return '?';
  return JSON.stringify(mine) === JSON.stringify(theirs) ? `yes (${mine.length})` : `NO ${mine.length}/${theirs.length}`;
}
