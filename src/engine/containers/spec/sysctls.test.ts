import assert from 'node:assert/strict';
import { test } from 'node:test';

import { assertInvalid } from '../config/invalid.test-helper.js';
import { buildSpec } from './build-spec.js';
import { specFor, specInput } from './spec-input.test-helper.js';

test("Docker's defaults in a network namespace of the container's own, the user's on top", () => {
  assert.deepEqual(specFor({ Sysctls: { 'net.ipv4.ip_unprivileged_port_start': '1024', 'kernel.shmmax': '1000', 'fs.mqueue.msg_max': '20' } }).linux?.sysctl, {
    'net.ipv4.ping_group_range': '0 2147483647',
    'net.ipv4.ip_unprivileged_port_start': '1024',
    'kernel.shmmax': '1000',
    'fs.mqueue.msg_max': '20',
  });
});

test("none on the host's network", () => {
  assert.deepEqual(specFor({ NetworkMode: 'host' }, { Cmd: ['sh'] }, { network: { mode: 'host' } }).linux?.sysctl, {});
});

test('a sysctl the container would share with the host is refused, naming it', () => {
  assertInvalid(
    () => buildSpec(specInput({ hostConfig: { Sysctls: { 'net.ipv4.ip_forward': '1' } }, network: { mode: 'host' } })),
    /^HostConfig\.Sysctls\.net\.ipv4\.ip_forward: sysctl "net\.ipv4\.ip_forward" is not allowed: the container shares the network namespace$/,
  );
  assertInvalid(() => buildSpec(specInput({ hostConfig: { IpcMode: 'host', Sysctls: { 'kernel.sem': '1 2 3 4' } } })), /shares the ipc namespace/);
  assertInvalid(() => buildSpec(specInput({ hostConfig: { Sysctls: { 'vm.swappiness': '0' } } })), /sysctl "vm\.swappiness" is not in a separate kernel namespace/);
  assertInvalid(() => buildSpec(specInput({ hostConfig: { Sysctls: { 'kernel.hostname': 'x' } } })), /set the hostname instead/);
});
