import assert from 'node:assert/strict';
import { test } from 'node:test';

import { isBerthError } from '../errors.js';
import { assignHostPorts, parsePortRange, type AllocationContext, type PortTarget } from './port-allocation.js';
import type { PublishedPort } from './state.js';

const other: PublishedPort = {
  containerId: 'b'.repeat(64),
  hostIp: '',
  hostPort: 8080,
  containerIp: '10.0.0.3',
  containerPort: 80,
  proto: 'tcp',
};
const ctx = (over: Partial<AllocationContext> = {}): AllocationContext => ({
  published: [other],
  hostSockets: [{ proto: 'tcp', ip: '127.0.0.1', port: 9000 }],
  ephemeral: { low: 40000, high: 40003 },
  start: 40002,
  ...over,
});
const target = (over: Partial<PortTarget>): PortTarget => ({
  proto: 'tcp',
  containerPort: 80,
  hostIp: '',
  hostPort: 0,
  containerIp: '10.0.0.2',
  ...over,
});
const conflictWith = (re: RegExp) => (e: unknown) => isBerthError(e, 'Conflict') && re.test(e.message);

test('a fixed port held by another container or a host socket is a Conflict naming the holder', () => {
  assert.throws(() => assignHostPorts('a', [target({ hostPort: 8080 })], ctx()), conflictWith(/container bbbbbbbbbbbb/));
  assert.throws(
    () => assignHostPorts('a', [target({ hostPort: 9000 })], ctx()),
    conflictWith(/0\.0\.0\.0:9000\/tcp: already in use by a process on the host \(listening on 127\.0\.0\.1:9000\/tcp\)/),
  );
  assert.throws(
    () => assignHostPorts('a', [target({ hostPort: 9000, hostIp: '127.0.0.1' })], ctx()),
    conflictWith(/process on the host/),
  );
});

test('different addresses or protocols do not clash', () => {
  const ok = assignHostPorts(
    'a',
    [target({ hostPort: 9000, hostIp: '192.0.2.7' }), target({ hostPort: 8080, proto: 'udp' })],
    ctx(),
  );
  assert.deepEqual(
    ok.map((p) => [p.hostIp, p.hostPort, p.proto]),
    [
      ['192.0.2.7', 9000, 'tcp'],
      ['', 8080, 'udp'],
    ],
  );
});

test('two ports of one request clash with each other too', () => {
  assert.throws(
    () => assignHostPorts('a', [target({ hostPort: 7000 }), target({ hostPort: 7000, containerPort: 81 })], ctx()),
    conflictWith(/already in use by this container/),
  );
});

test('a range gives its first free port; an ephemeral port goes round the range', () => {
  const [r] = assignHostPorts('a', [target({ hostPort: 8079, hostPortEnd: 8085 })], ctx({ published: [other, { ...other, hostPort: 8079 }] }));
  assert.equal(r?.hostPort, 8080 + 1);
  const eph = assignHostPorts('a', [target({}), target({ containerPort: 81 }), target({ containerPort: 82 })], ctx());
  assert.deepEqual(eph.map((p) => p.hostPort), [40002, 40003, 40000]);
  assert.throws(
    () => assignHostPorts('a', [target({ hostPort: 8080, hostPortEnd: 8080 })], ctx()),
    conflictWith(/every port of the range is in use/),
  );
  const full = ctx({ ephemeral: { low: 8080, high: 8080 } });
  assert.throws(() => assignHostPorts('a', [target({})], full), (e) => isBerthError(e, 'Unavailable'));
});

test('the ephemeral range comes from the kernel, with a fallback', () => {
  assert.deepEqual(parsePortRange('32768\t60999\n'), { low: 32768, high: 60999 });
  assert.deepEqual(parsePortRange(undefined), { low: 49153, high: 60999 });
});
