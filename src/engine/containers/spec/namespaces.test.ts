import assert from 'node:assert/strict';
import { test } from 'node:test';

import { isBerthError } from '../../../errors.js';
import { buildSpec } from './build-spec.js';
import { specFor, specInput } from './spec-input.test-helper.js';

const types = (s: ReturnType<typeof specFor>) => s.linux?.namespaces?.map((n) => (n.path ? `${n.type}=${n.path}` : n.type));

test('the network namespace the caller chose', () => {
  assert.deepEqual(types(specFor({}, { Cmd: ['sh'] }, { network: { mode: 'none' } })), ['pid', 'network', 'ipc', 'uts', 'mount', 'cgroup']);
  assert.deepEqual(types(specFor({ NetworkMode: 'host' }, { Cmd: ['sh'] }, { network: { mode: 'host' } })), ['pid', 'ipc', 'uts', 'mount', 'cgroup']);
  assert.deepEqual(types(specFor({}, { Cmd: ['sh'] }, { network: { mode: 'path', path: '/run/berth/netns/x' } })), [
    'pid',
    'network=/run/berth/netns/x',
    'ipc',
    'uts',
    'mount',
    'cgroup',
  ]);
});

test("host pid, ipc and uts namespaces; the host's hostname then", () => {
  const s = specFor({ PidMode: 'host', IpcMode: 'host', UTSMode: 'host' });
  assert.deepEqual(types(s), ['network', 'mount', 'cgroup']);
  assert.equal(s.hostname, undefined);
});

test("another container's pid and ipc namespaces", () => {
  const s = specFor({ PidMode: 'container:db', IpcMode: 'container:db' }, { Cmd: ['sh'] }, { joined: { pid: { path: '/proc/7/ns/pid' }, ipc: { path: '/proc/7/ns/ipc' } } });
  assert.deepEqual(types(s), ['pid=/proc/7/ns/pid', 'network', 'ipc=/proc/7/ns/ipc', 'uts', 'mount', 'cgroup']);
  assert.throws(
    () => buildSpec(specInput({ hostConfig: { PidMode: 'container:db' } })),
    (e: unknown) => isBerthError(e, 'FailedPrecondition') && /HostConfig\.PidMode: the namespace of container db was not resolved/.test(e.message),
  );
});

test('cgroup namespace: the host default, unless CgroupnsMode says', () => {
  assert.ok(!types(specFor({}, { Cmd: ['sh'] }, { cgroupnsPrivate: false }))?.includes('cgroup'));
  assert.ok(types(specFor({ CgroupnsMode: 'private' }, { Cmd: ['sh'] }, { cgroupnsPrivate: false }))?.includes('cgroup'));
  assert.ok(!types(specFor({ CgroupnsMode: 'host' }, { Cmd: ['sh'] }, { cgroupnsPrivate: true }))?.includes('cgroup'));
});
