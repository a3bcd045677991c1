// Small rule sets of HostConfig: ulimits, device rules, ports.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { isDeviceMode, parseDeviceCgroupRule } from './device-rules.js';
import { assertInvalid } from './invalid.test-helper.js';
import { checkExtraHost, isPortSpec } from './ports.js';
import { ulimitsToRlimits } from './ulimits.js';

test('ulimits become OCI rlimits; -1 is unlimited', () => {
  assert.deepEqual(ulimitsToRlimits([{ Name: 'nofile', Soft: 1024, Hard: 2048 }, { Name: 'core', Soft: -1, Hard: -1 }]), [
    { type: 'RLIMIT_NOFILE', soft: 1024, hard: 2048 },
    { type: 'RLIMIT_CORE', soft: 2 ** 64, hard: 2 ** 64 },
  ]);
  assert.deepEqual(ulimitsToRlimits(undefined), []);
  assertInvalid(() => ulimitsToRlimits([{ Name: 'files', Soft: 1, Hard: 1 }]), /^HostConfig\.Ulimits\[0\]\.Name: invalid ulimit type: files$/);
  assertInvalid(() => ulimitsToRlimits([{ Name: 'nproc', Soft: -1, Hard: 10 }]), /soft limit must be less than or equal to hard limit: -1 > 10/);
  assertInvalid(() => ulimitsToRlimits([{ Name: 'nproc', Soft: -2, Hard: 10 }]), /Soft: must be -1/);
  assertInvalid(() => ulimitsToRlimits([{ Name: 'nofile', Soft: 1, Hard: 1 }, { Name: 'NOFILE', Soft: 2, Hard: 2 }]), /Ulimits\[1\]\.Name: duplicate ulimit "NOFILE"/);
});

test('device cgroup rules: "*" is any number', () => {
  assert.deepEqual(parseDeviceCgroupRule('c 1:3 mr', 'f'), { allow: true, type: 'c', major: 1, minor: 3, access: 'mr' });
  assert.deepEqual(parseDeviceCgroupRule('b 8:* rw', 'f'), { allow: true, type: 'b', major: 8, minor: null, access: 'rw' });
  assert.deepEqual(parseDeviceCgroupRule('a *:* rwm', 'f'), { allow: true, type: 'a', major: null, minor: null, access: 'rwm' });
  for (const bad of ['c 1:3', 'c 1:3 x', 'c -1:3 r', 'c 1:3 rwmr', ' c 1:3 r']) {
    assertInvalid(() => parseDeviceCgroupRule(bad, 'f'), /invalid device cgroup rule format/);
  }
  assert.equal(isDeviceMode('rw'), true);
  assert.equal(isDeviceMode('rr'), false);
  assert.equal(isDeviceMode(''), false);
});

test('port specs and extra hosts', () => {
  for (const p of ['80', '80/tcp', '53/udp', '8000-8010/sctp']) assert.equal(isPortSpec(p), true, p);
  for (const p of ['', 'http', '80/icmp', '90-80', '70000']) assert.equal(isPortSpec(p), false, p);
  assert.equal(isPortSpec('', true), true);
  assert.doesNotThrow(() => checkExtraHost('db=10.0.0.1', 'f'));
  assertInvalid(() => checkExtraHost('db', 'f'), /bad format for add-host: "db"/);
  assertInvalid(() => checkExtraHost(':1.2.3.4', 'f'), /bad format for add-host/);
});
