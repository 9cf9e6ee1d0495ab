import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { clientIp } from '../../../src/http/client-ip.js';
import { parseTrustProxy } from '../../../src/config.js';
import { rateLimitKeys } from '../../../src/dialects/rails/rate-limits.js';
import { addressKey, ipInRanges, ipRangesProblems, MAX_IP_RANGES, parseIpRange, rangeWithin, unmapIpv4 } from '../../../src/core/auth/ip-ranges.js';

describe('IP addresses and CIDR ranges: one reading for every caller', () => {
  it('reads IPv4 and IPv6 addresses as single-address ranges', () => {
    assert.deepEqual(parseIpRange('203.0.113.5'), { address: '203.0.113.5', prefix: 32, family: 'ipv4' });
    assert.deepEqual(parseIpRange(' 2001:db8::1 '), { address: '2001:db8::1', prefix: 128, family: 'ipv6' });
    assert.deepEqual(parseIpRange('::ffff:203.0.113.5'), { address: '::ffff:203.0.113.5', prefix: 128, family: 'ipv6' });
  });

  it('reads prefixes up to the family length', () => {
    assert.deepEqual(parseIpRange('10.0.0.0/8'), { address: '10.0.0.0', prefix: 8, family: 'ipv4' });
    assert.deepEqual(parseIpRange('0.0.0.0/0'), { address: '0.0.0.0', prefix: 0, family: 'ipv4' });
    assert.deepEqual(parseIpRange('2001:db8::/128'), { address: '2001:db8::', prefix: 128, family: 'ipv6' });
  });

  it('refuses anything else', () => {
    for (const bad of [
      '',
      'proxy.local',
      '127.1',
      '0x7f.0.0.1',
      '1.2.3.4/33',
      '::1/129',
      '1.2.3.4/8/9',
      '1.2.3.4/',
      '1.2.3.4/-1',
      '1.2.3.4/0008',
      '1.2.3.4/ 8',
      '2001:db8:::1',
      '256.0.0.1',
    ]) {
      assert.equal(parseIpRange(bad), null, bad);
    }
    assert.deepEqual(ipRangesProblems(['10.0.0.0/8', 'nope']), ['"nope" is not an IP address or CIDR range']);
    assert.deepEqual(ipRangesProblems(Array<string>(MAX_IP_RANGES + 1).fill('10.0.0.1')), [`can have at most ${MAX_IP_RANGES} entries`]);
  });

  it('matches IPv4, IPv6 and IPv4-mapped IPv6 addresses against ranges', () => {
    const ranges = Object.freeze(['203.0.113.0/24', '2001:db8::/32', 'junk']);
    assert.equal(ipInRanges('203.0.113.200', ranges), true);
    assert.equal(ipInRanges('203.0.114.1', ranges), false);
    assert.equal(ipInRanges('2001:db8:ffff::1', ranges), true);
    assert.equal(ipInRanges('2001:db9::1', ranges), false);
    assert.equal(ipInRanges('::ffff:203.0.113.9', ranges), true);
    assert.equal(ipInRanges('::ffff:198.51.100.1', ranges), false);
    assert.equal(ipInRanges('not an address', ranges), false);
    assert.equal(ipInRanges('203.0.113.1', []), false);
  });

  it('tells whether a range lies inside another of the same family', () => {
    assert.equal(rangeWithin('10.1.0.0/16', ['10.0.0.0/8']), true);
    assert.equal(rangeWithin('10.0.0.0/8', ['10.1.0.0/16']), false);
    assert.equal(rangeWithin('2001:db8:1::/48', ['2001:db8::/32']), true);
    assert.equal(rangeWithin('::ffff:10.0.0.1', ['10.0.0.0/8']), false);
    assert.equal(rangeWithin('bad', ['0.0.0.0/0']), false);
  });

  it('unmaps IPv4-mapped IPv6 addresses and leaves everything else alone', () => {
    assert.equal(unmapIpv4('::ffff:203.0.113.5'), '203.0.113.5');
    assert.equal(unmapIpv4('::ffff:cb00:7105'), '203.0.113.5');
    assert.equal(unmapIpv4('203.0.113.5'), '203.0.113.5');
    assert.equal(unmapIpv4('2001:db8::1'), '2001:db8::1');
    assert.equal(unmapIpv4('garbage'), 'garbage');
    assert.equal(clientIp({ ip: '::ffff:127.0.0.1' }), '127.0.0.1');
    assert.equal(clientIp({ ip: '::1' }), '::1');
    assert.equal(clientIp({ ip: '' }), null);
  });

  it('keys per-address limits by the IPv4 address or the IPv6 /64', () => {
    assert.equal(addressKey('203.0.113.5'), '203.0.113.5');
    assert.equal(addressKey('::ffff:203.0.113.5'), '203.0.113.5');
    assert.equal(addressKey('2001:db8:1:2::5'), '2001:db8:1:2::/64');
    assert.equal(addressKey('2001:0DB8:0001:0002:ffff:0:0:1'), '2001:db8:1:2::/64');
    assert.equal(addressKey('::1'), '0:0:0:0::/64');
    assert.equal(addressKey('fe80::1%eth0'), 'fe80:0:0:0::/64');
    assert.equal(addressKey('x'.repeat(100)), 'x'.repeat(64));
    assert.deepEqual(rateLimitKeys(7, '2001:db8:1:2::5'), ['users/7', 'ip/2001:db8:1:2::/64']);
    assert.deepEqual(rateLimitKeys(null, '203.0.113.5'), ['ip/203.0.113.5']);
    assert.deepEqual(rateLimitKeys(null, null), []);
  });

  it('reads ROSTER_TRUST_PROXY with the same rules', () => {
    assert.deepEqual(parseTrustProxy(' 10.0.0.0/8, ::1 ,'), ['10.0.0.0/8', '::1']);
    assert.throws(() => parseTrustProxy('10.0.0.0/8,127.1'), /"127.1" is not an IP address or CIDR range/);
  });
});
