import { randomInt } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';

// Lower-case ASCII words, so that every generated name passes every dialect's name rules.
const ADJECTIVES = [
  'amber',
  'bold',
  'brave',
  'bright',
  'brisk',
  'calm',
  'clever',
  'cosmic',
  'crisp',
  'daring',
  'eager',
  'fancy',
  'gentle',
  'glad',
  'golden',
  'happy',
  'honest',
  'jolly',
  'keen',
  'kind',
  'lively',
  'lucky',
  'merry',
  'mighty',
  'nimble',
  'noble',
  'proud',
  'quick',
  'quiet',
  'rapid',
  'silver',
  'steady',
  'sunny',
  'swift',
  'tidy',
  'witty',
] as const;
const NOUNS = [
  'badger',
  'beacon',
  'birch',
  'brook',
  'canyon',
  'cedar',
  'comet',
  'coral',
  'crane',
  'delta',
  'falcon',
  'fern',
  'finch',
  'fox',
  'glacier',
  'harbor',
  'hawk',
  'heron',
  'island',
  'lark',
  'maple',
  'meadow',
  'otter',
  'owl',
  'panda',
  'pine',
  'raven',
  'reef',
  'river',
  'robin',
  'sparrow',
  'summit',
  'thistle',
  'tiger',
  'walrus',
  'willow',
] as const;

const pick = <T>(items: readonly T[]): T => items[randomInt(items.length)]!;

/**
 * A readable name for an account created without one (Stack Auth users): `<adjective>_<noun>_<NNNN>`,
 * e.g. `brisk_heron_0417`, about 13 million combinations. Never `user_<digits>`, which marks
 * deleted accounts. Returns a name free at the time of the query; the unique index settles races.
 */
export async function generateUserName(db: Kysely<Database>): Promise<string> {
  for (let digits = 4; ; digits += 2) {
    const candidates = Array.from({ length: 8 }, () => `${pick(ADJECTIVES)}_${pick(NOUNS)}_${String(randomInt(10 ** digits)).padStart(digits, '0')}`);
    const taken = await db.selectFrom('users').select('name_lower').where('name_lower', 'in', candidates).execute();
    const takenSet = new Set(taken.map((row) => row.name_lower));
    const free = candidates.find((name) => !takenSet.has(name));
    if (free) return free;
  }
}
