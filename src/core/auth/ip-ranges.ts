import { BlockList, isIP } from 'node:net';
import ipaddr from 'ipaddr.js';

/**
 * Every reading of an IP address or CIDR range in Roster: API-key address limits, trusted proxies,
 * the client address, throttle and rate-limit keys. Node's `isIP` decides what is valid (dotted
 * quads only, no `127.1`), `BlockList` matches, `ipaddr.js` reads IPv6 groups; nothing by hand.
 */

/** Danbooru: at most 20 permitted addresses or ranges per API key. */
export const MAX_IP_RANGES = 20;

export interface IpRange {
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

/**
 * Whether every address of the range `inner` lies within one of `outer`'s ranges: a container of
 * the same family with a prefix no longer than inner's that holds inner's address (all addresses
 * of inner share its first bits, so they are then all inside).
 */
export function rangeWithin(inner: string, outer: readonly string[]): boolean {
  const range = parseIpRange(inner);
  if (!range) return false;
  return outer.some((text) => {
    const container = parseIpRange(text);
    return container !== null && container.family === range.family && container.prefix <= range.prefix && ipInRanges(range.address, [text]);
  });
}

/** A valid IPv6 address, read; null for IPv4 addresses and anything that is not an address. */
function ipv6(ip: string): ipaddr.IPv6 | null {
  return isIP(ip) === 6 ? ipaddr.IPv6.parse(ip) : null;
}

/**
 * An IPv4-mapped IPv6 address (`::ffff:a.b.c.d`, as dual-stack sockets report IPv4 peers) as the
 * IPv4 address it stands for; any other text unchanged.
 */
export function unmapIpv4(ip: string): string {
  const address = ipv6(ip);
  return address?.isIPv4MappedAddress() ? address.toIPv4Address().toString() : ip;
}

/**
 * The unit a network-level limit should count: the address for IPv4 (and IPv4-mapped IPv6),
 * the /64 for IPv6, since one subscriber commonly holds a whole /64 and could rotate within it.
 */
export function addressKey(ip: string): string {
  const version = isIP(ip);
  if (version === 4) return ip;
  const address = ipv6(ip);
  if (!address) return ip.slice(0, 64);
  if (address.isIPv4MappedAddress()) return address.toIPv4Address().toString();
  return `${address.parts
    .slice(0, 4)
    .map((group) => group.toString(16))
    .join(':')}::/64`;
}
