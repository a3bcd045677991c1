import assert from 'node:assert/strict';
import { test } from 'node:test';

import { vethScript } from './veth.js';

test('one ip batch, run in the container namespace, creates, enslaves, addresses and routes', () => {
  const plan = {
    netnsPath: '/run/berth/netns/c1',
    hostNetns: '/proc/42/ns/net',
    hostVeth: 'veth0123456789a',
    bridgeIndex: 7,
    ifname: 'eth0',
    mac: '02:42:ac:11:00:02',
    ip: '172.17.0.2',
    prefixLen: 16,
    defaultGateway: '172.17.0.1' as string | undefined,
  };
  assert.equal(
    vethScript(plan),
    'link add veth0123456789a netns /proc/42/ns/net master if7 up type veth peer name eth0 address 02:42:ac:11:00:02\n' +
      'addr add 172.17.0.2/16 dev eth0\n' +
      'link set eth0 up\n' +
      'route add default via 172.17.0.1 dev eth0\n',
  );
  assert.doesNotMatch(vethScript({ ...plan, defaultGateway: undefined }), /route/);
});
