import assert from 'node:assert/strict';
import { test } from 'node:test';

import { parseRouteTable } from './host-routes.js';
import { formatCidr } from './ipv4.js';

test('/proc/net/route fields are little-endian hex', () => {
  const text =
    'Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT\n' +
    'eth0\t00000000\t010200C0\t0003\t0\t0\t0\t00000000\t0\t0\t0\n' +
    'eth0\t000200C0\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0\n' +
    'docker0\t000011AC\t00000000\t0001\t0\t0\t0\t0000FFFF\t0\t0\t0\n';
  assert.deepEqual(
    parseRouteTable(text).map((r) => `${r.ifname} ${formatCidr(r.destination)}`),
    ['eth0 0.0.0.0/0', 'eth0 192.0.2.0/24', 'docker0 172.17.0.0/16'],
  );
});
