import assert from 'node:assert/strict';
import { test } from 'node:test';

import { isBerthError } from '../errors.js';
import type { HostRoute } from './host-routes.js';
import { formatCidr, formatIPv4, parseCidr } from './ipv4.js';
import { planSubnet } from './subnet.js';

const route = (cidr: string, ifname = 'eth0'): HostRoute => ({ destination: parseCidr(cidr), ifname });
const hostRoutes = [route('0.0.0.0/0'), route('192.0.2.0/24'), route('172.17.0.0/16', 'docker0')];

test('without a subnet, the first default pool that no network and no host route covers', () => {
  const used = [{ network: 'one', subnet: parseCidr('172.18.0.0/16') }];
  const plan = planSubnet({}, used, hostRoutes);
  assert.equal(formatCidr(plan.subnet), '172.19.0.0/16');
  assert.equal(formatIPv4(plan.gateway), '172.19.0.1');
});

test('a given subnet gets its first address as gateway, or the one given', () => {
  assert.equal(formatIPv4(planSubnet({ subnet: '10.9.0.0/24' }, [], hostRoutes).gateway), '10.9.0.1');
  assert.equal(formatIPv4(planSubnet({ subnet: '10.9.0.0/24', gateway: '10.9.0.254' }, [], hostRoutes).gateway), '10.9.0.254');
});

test('overlaps and bad gateways are plain InvalidArgument errors', () => {
  const used = [{ network: 'web', subnet: parseCidr('10.9.0.0/16') }];
  const invalid = (fn: () => unknown, re: RegExp) =>
    assert.throws(fn, (e) => isBerthError(e, 'InvalidArgument') && re.test(e.message));
  invalid(() => planSubnet({ subnet: '10.9.3.0/24' }, used, hostRoutes), /overlaps 10\.9\.0\.0\/16 of network "web"/);
  invalid(() => planSubnet({ subnet: '192.0.2.0/25' }, [], hostRoutes), /overlaps the host route to 192\.0\.2\.0\/24 on eth0/);
  invalid(() => planSubnet({ subnet: '10.8.0.0/24', gateway: '10.7.0.1' }, [], hostRoutes), /not inside the subnet/);
  invalid(() => planSubnet({ subnet: '10.8.0.0/24', gateway: '10.8.0.255' }, [], hostRoutes), /broadcast/);
  invalid(() => planSubnet({ subnet: '10.8.0.0/31' }, [], hostRoutes), /between 8 and 30/);
  invalid(() => planSubnet({ subnet: 'nope' }, [], hostRoutes), /CIDR/);
  invalid(() => planSubnet({ gateway: '10.8.0.1' }, [], hostRoutes), /needs a subnet/);
});

test('the default route does not count as an overlap', () => {
  assert.equal(formatCidr(planSubnet({ subnet: '10.9.0.0/24' }, [], [route('0.0.0.0/0')]).subnet), '10.9.0.0/24');
});
