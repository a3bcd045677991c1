import assert from 'node:assert/strict';
import { test } from 'node:test';

import { describeEndpoint, describeNetwork, describePorts } from './describe.js';
import type { NetworkRecord } from './state.js';

const net: NetworkRecord = {
  id: 'f'.repeat(64),
  name: 'web',
  bridge: 'br-ffffffffffff',
  subnet: '172.18.0.0/16',
  gateway: '172.18.0.1',
  internal: false,
  created: '2025-01-01T00:00:00.000Z',
  labels: { a: 'b' },
  endpoints: {
    c1: {
      endpointId: 'e'.repeat(64),
      containerId: 'c1',
      name: 'app',
      ip: '172.18.0.2',
      mac: '02:42:ac:12:00:02',
      ifname: 'eth0',
      hostVeth: 'veth0123456789a',
      netnsPath: '/run/berth/netns/c1',
      aliases: ['api'],
    },
  },
};

test('a network as GET /networks/{id} shows it', () => {
  const d = describeNetwork(net);
  assert.deepEqual(d.IPAM, { Driver: 'default', Options: {}, Config: [{ Subnet: '172.18.0.0/16', Gateway: '172.18.0.1' }] });
  assert.deepEqual(d.Containers['c1'], {
    Name: 'app',
    EndpointID: 'e'.repeat(64),
    MacAddress: '02:42:ac:12:00:02',
    IPv4Address: '172.18.0.2/16',
    IPv6Address: '',
  });
  assert.equal(d.Options['com.docker.network.bridge.name'], 'br-ffffffffffff');
});

test('an endpoint as NetworkSettings.Networks shows it; ports as NetworkSettings.Ports', () => {
  const e = describeEndpoint(net, net.endpoints['c1'] ?? assert.fail());
  assert.equal(e.IPAddress, '172.18.0.2');
  assert.equal(e.IPPrefixLen, 16);
  assert.equal(e.Gateway, '172.18.0.1');
  assert.deepEqual(e.DNSNames, ['app', 'api']);
  assert.deepEqual(
    describePorts([
      { containerId: 'c1', hostIp: '', hostPort: 8080, containerIp: '172.18.0.2', containerPort: 80, proto: 'tcp' },
      { containerId: 'c1', hostIp: '127.0.0.1', hostPort: 8081, containerIp: '172.18.0.2', containerPort: 80, proto: 'tcp' },
    ]),
    { '80/tcp': [{ HostIp: '0.0.0.0', HostPort: '8080' }, { HostIp: '127.0.0.1', HostPort: '8081' }] },
  );
});
