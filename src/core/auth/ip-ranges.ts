import { BlockList, isIP } from 'node:net';

/** Danbooru: at most 20 permitted addresses or ranges per API key. */
export const MAX_IP_RANGES = 20;

interface IpRange {
  readonly address: string;
  readonly prefix: number;
  readonly family: 'ipv4' | 'ipv6';
}

/** Reads `1.2.3.4`, `1.2.3.0/24`, `2001:db8::1` or `2001:db8::/32`; null when it is none of these. */
export function parseIpRange(text: string): IpRange | null {
  const [address = '', prefixText, extra] = text.trim().split('/');
  if (extra !== undefined) return null;
  const version = isIP(address);
  if (version === 0) return null;
  const family = version === 4 ? 'ipv4' : 'ipv6';
  const maxPrefix = version === 4 ? 32 : 128;
  if (prefixText === undefined) return { address, prefix: maxPrefix, family };
  if (!/^[0-9]{1,3}$/.test(prefixText) || Number(prefixText) > maxPrefix) return null;
  return { address, prefix: Number(prefixText), family };
}

/** Messages for a list of permitted ranges; empty when every entry is valid and there are few enough. */
export function ipRangesProblems(ranges: readonly string[]): string[] {
  const problems: string[] = [];
  if (ranges.length > MAX_IP_RANGES) problems.push(`can have at most ${MAX_IP_RANGES} entries`);
  for (const range of ranges) {
    if (parseIpRange(range) === null) problems.push(`"${range.slice(0, 64)}" is not an IP address or CIDR range`);
  }
  return problems;
}

const blockLists = new WeakMap<readonly string[], BlockList>();

/** Built once per (frozen) list: the lists live on cached credentials, checked on every request. */
function blockListFor(ranges: readonly string[]): BlockList {
  let list = blockLists.get(ranges);
  if (!list) {
    list = new BlockList();
    for (const range of ranges.map(parseIpRange)) {
      if (range) list.addSubnet(range.address, range.prefix, range.family);
    }
    blockLists.set(ranges, list);
  }
  return list;
}

/** Whether `ip` falls in one of `ranges` (IPv4-mapped IPv6 addresses match IPv4 ranges). */
export function ipInRanges(ip: string, ranges: readonly string[]): boolean {
  const version = isIP(ip);
  if (version === 0) return false;
  return blockListFor(ranges).check(ip, version === 4 ? 'ipv4' : 'ipv6');
}

/** The eight 16-bit groups of a valid IPv6 address, as numbers. */
function ipv6Groups(ip: string): number[] {
  let text = ip.split('%')[0] ?? '';
  const v4Tail = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (v4Tail) {
    const [a, b, c, d] = v4Tail.slice(1).map(Number) as [number, number, number, number];
    text = `${text.slice(0, v4Tail.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [left = '', right] = text.split('::');
  const head = left ? left.split(':') : [];
  const tail = right ? right.split(':') : [];
  const middle = right === undefined ? [] : Array<string>(8 - head.length - tail.length).fill('0');
  return [...head, ...middle, ...tail].map((group) => parseInt(group, 16));
}

/**
 * The unit a network-level limit should count: the address for IPv4 (and IPv4-mapped IPv6),
 * the /64 for IPv6, since one subscriber commonly holds a whole /64 and could rotate within it.
 */
export function addressKey(ip: string): string {
  const version = isIP(ip);
  if (version === 4) return ip;
  if (version !== 6) return ip.slice(0, 64);
  const groups = ipv6Groups(ip);
  if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) {
    const [hi = 0, lo = 0] = groups.slice(6);
    return `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
  }
  return `${groups
    .slice(0, 4)
    .map((g) => g.toString(16))
    .join(':')}::/64`;
}
