import assert from 'node:assert/strict';
import { test } from 'node:test';

import { isBerthError } from '../errors.js';
import { fromPortBindings, parsePortSpec } from './port-spec.js';

test('the forms of docker run -p', () => {
  assert.deepEqual(parsePortSpec('80'), [{ proto: 'tcp', containerPort: 80, hostIp: '', hostPort: 0 }]);
  assert.deepEqual(parsePortSpec('8080:80'), [{ proto: 'tcp', containerPort: 80, hostIp: '', hostPort: 8080 }]);
  assert.deepEqual(parsePortSpec('53:53/udp'), [{ proto: 'udp', containerPort: 53, hostIp: '', hostPort: 53 }]);
  assert.deepEqual(parsePortSpec('127.0.0.1:8080:80'), [
    { proto: 'tcp', containerPort: 80, hostIp: '127.0.0.1', hostPort: 8080 },
  ]);
  assert.deepEqual(parsePortSpec('127.0.0.1::80'), [{ proto: 'tcp', containerPort: 80, hostIp: '127.0.0.1', hostPort: 0 }]);
  assert.deepEqual(parsePortSpec('0.0.0.0:8080:80/tcp'), [{ proto: 'tcp', containerPort: 80, hostIp: '', hostPort: 8080 }]);
});

test('ranges pair up one to one; a host range for one port is a pool', () => {
  assert.deepEqual(
    parsePortSpec('8000-8002:80-82').map((r) => [r.hostPort, r.containerPort]),
    [
      [8000, 80],
      [8001, 81],
      [8002, 82],
    ],
  );
  assert.deepEqual(parsePortSpec('8000-8010:80'), [
    { proto: 'tcp', containerPort: 80, hostIp: '', hostPort: 8000, hostPortEnd: 8010 },
  ]);
  assert.deepEqual(parsePortSpec('80-81/udp').map((r) => [r.hostPort, r.containerPort, r.proto]), [
    [0, 80, 'udp'],
    [0, 81, 'udp'],
  ]);
});

test('bad specs say what is wrong', () => {
  const bad = (spec: string, re: RegExp) =>
    assert.throws(() => parsePortSpec(spec), (e) => isBerthError(e, 'InvalidArgument') && re.test(e.message));
  bad('8000-8005:80-90', /differ in length/);
  bad('80/sctp', /unsupported protocol "sctp"/);
  bad('70000', /ports are 1-65535/);
  bad('0', /invalid container port/);
  bad('90-80', /invalid container port/);
  bad('8080:', /no container port/);
  bad('[::1]:8080:80', /IPv6 host address "\[::1\]" is not supported/);
  bad('::1:8080:80', /too many colons/);
  bad('1.2.3:8080:80', /invalid host address/);
  bad('x:80', /invalid host port "x"/);
});

test('the Engine API PortBindings map', () => {
  assert.deepEqual(
    fromPortBindings({
      '80/tcp': [{ HostIp: '', HostPort: '8080' }, { HostIp: '127.0.0.1', HostPort: '' }],
      '53/udp': [{ HostPort: '5300-5310' }],
      '443/tcp': null,
    }),
    [
      { proto: 'tcp', containerPort: 80, hostIp: '', hostPort: 8080 },
      { proto: 'tcp', containerPort: 80, hostIp: '127.0.0.1', hostPort: 0 },
      { proto: 'udp', containerPort: 53, hostIp: '', hostPort: 5300, hostPortEnd: 5310 },
    ],
  );
  assert.throws(() => fromPortBindings({ '80-81/tcp': [] }), /names one port/);
});
