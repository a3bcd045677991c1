import assert from 'node:assert/strict';
import { test } from 'node:test';

import { csvValues, ipamConfig, parseCidr, parseIp } from './network-ipam.js';

test('subnets, ranges and gateways grouped by the subnet that holds them', () => {
  assert.deepEqual(ipamConfig([], [], []), []);
  assert.deepEqual(ipamConfig(['10.1.0.0/24'], ['10.1.0.128/25'], ['10.1.0.1']), [{ Subnet: '10.1.0.0/24', IPRange: '10.1.0.128/25', Gateway: '10.1.0.1' }]);
  assert.deepEqual(ipamConfig(['10.0.0.0/8', '11.0.0.0/8'], [], ['11.0.0.1', '10.0.0.1']), [
    { Subnet: '10.0.0.0/8', Gateway: '10.0.0.1' },
    { Subnet: '11.0.0.0/8', Gateway: '11.0.0.1' },
  ]);
  assert.deepEqual(ipamConfig(['fd00::/64'], [], ['fd00::1']), [{ Subnet: 'fd00::/64', Gateway: 'fd00::1' }]);
  // passed on as given: the daemon judges them
  assert.deepEqual(ipamConfig(['bogus'], [], []), [{ Subnet: 'bogus' }]);
  assert.deepEqual(ipamConfig(['10.0.0.0/8'], ['10.0.0.5/24'], ['10.0.0.1/8']), [{ Subnet: '10.0.0.0/8', IPRange: '10.0.0.5/24', Gateway: '10.0.0.1/8' }]);
  assert.deepEqual(ipamConfig(['10.0.0.0/8'], [], ['::ffff:10.0.0.1']), [{ Subnet: '10.0.0.0/8', Gateway: '::ffff:10.0.0.1' }]);
});

test("docker's refusals, word for word", () => {
  const refused = (s: string[], r: string[], g: string[], message: string) => assert.throws(() => ipamConfig(s, r, g), { message });
  refused([], [], ['10.0.0.1'], 'every ip-range or gateway must have a corresponding subnet');
  refused(['10.0.0.0/8'], ['10.0.0.0/24', '10.0.0.0/25'], [], 'every ip-range or gateway must have a corresponding subnet');
  refused(['10.0.0.0/8'], [], ['11.0.0.1'], 'no matching subnet for gateway 11.0.0.1');
  refused(['10.0.0.0/8'], [], ['010.0.0.1'], 'no matching subnet for gateway 010.0.0.1');
  refused(['fd00::/64'], [], ['10.0.0.1'], 'no matching subnet for gateway 10.0.0.1');
  refused(['10.0.0.0/8'], ['11.0.0.0/24'], [], 'no matching subnet for range 11.0.0.0/24');
  refused(['10.0.0.0/8'], ['10.0.0.5'], [], 'invalid CIDR address: 10.0.0.5');
  refused(['bogus'], ['bogus2'], [], 'invalid CIDR address: bogus2');
  refused(['10.0.0.0/8', '10.1.0.0/16'], [], [], 'multiple overlapping subnet configuration is not supported');
  refused(['10.0.0.0/8', 'bogus2'], [], [], 'invalid subnet: invalid CIDR address: bogus2');
  refused(['bogus', '10.0.0.0/8'], [], [], 'invalid subnet: invalid CIDR address: bogus');
  refused(['10.0.0.0/8', '11.0.0.0/8'], ['10.0.0.0/24', '10.1.0.0/24'], [], 'cannot configure multiple ranges (10.1.0.0/24, 10.0.0.0/24) on the same subnet (10.0.0.0/8)');
  refused(['10.0.0.0/8', '11.0.0.0/8'], [], ['10.0.0.1', '10.0.0.2'], 'cannot configure multiple gateways (10.0.0.2, 10.0.0.1) for the same subnet (10.0.0.0/8)');
});

test('addresses and CIDRs as Go parses them', () => {
  assert.deepEqual(parseIp('10.0.0.1'), { value: 0x0a000001n, bits: 32 });
  assert.deepEqual(parseIp('::ffff:10.0.0.1'), { value: 0x0a000001n, bits: 32 });
  assert.deepEqual(parseIp('fd00::1'), { value: (0xfd00n << 112n) | 1n, bits: 128 });
  assert.deepEqual(parseIp('1:2:3:4:5:6:1.2.3.4'), { value: 0x0001000200030004000500060102_0304n, bits: 128 });
  assert.equal(parseIp('fe80::1%eth0'), undefined);
  assert.equal(parseIp('1.2.3'), undefined);
  assert.equal(parseCidr('10.0.0.0/08').prefix, 8);
  assert.equal(parseCidr('::ffff:10.0.0.0/104').prefix, 8);
  for (const bad of ['10.0.0.0', '10.0.0.0/33', 'fd00::/129', '10.0.0.0/', '10.0.0.0/-1', 'x/8']) assert.throws(() => parseCidr(bad), { message: `invalid CIDR address: ${bad}` });
});

test('"strings" flags: comma-separated, CSV quoting', () => {
  assert.deepEqual(csvValues(['a,b', 'c']), ['a', 'b', 'c']);
  assert.deepEqual(csvValues(['"10.0.0.0/8,x"']), ['10.0.0.0/8,x']);
  assert.deepEqual(csvValues(['"a""b",c']), ['a"b', 'c']);
  assert.deepEqual(csvValues(['']), []);
});
