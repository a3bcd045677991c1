import assert from 'node:assert/strict';
import { test } from 'node:test';

import type { ContainerConfig } from './container-config.js';
import type { HostConfig } from './host-config.js';
import { assertInvalid } from './invalid.test-helper.js';
import { checkModes, sharedContainer } from './modes.js';

const ok = (hc: HostConfig, c: ContainerConfig = {}) => assert.doesNotThrow(() => checkModes(hc, c));
const bad = (hc: HostConfig, re: RegExp, c: ContainerConfig = {}) => assertInvalid(() => checkModes(hc, c), re);

test('network modes berth can set up today', () => {
  for (const NetworkMode of ['', 'default', 'none', 'host', 'bridge']) ok({ NetworkMode });
  bad({ NetworkMode: 'container:' }, /^HostConfig\.NetworkMode: invalid network mode "container:"/);
  bad({ NetworkMode: 'my net!' }, /invalid network mode "my net!"/);
});

test('ipc, pid, uts and cgroup namespace modes', () => {
  for (const IpcMode of ['', 'private', 'shareable', 'none', 'host', 'container:db']) ok({ IpcMode });
  bad({ IpcMode: 'container:' }, /^HostConfig\.IpcMode: invalid IPC mode: container:$/);
  bad({ IpcMode: 'shared' }, /invalid IPC mode: shared/);
  for (const PidMode of ['', 'host', 'container:db']) ok({ PidMode });
  bad({ PidMode: 'private' }, /invalid PID mode: private/);
  bad({ UTSMode: 'private' }, /invalid UTS mode: private/);
  for (const CgroupnsMode of ['', 'private', 'host']) ok({ CgroupnsMode });
  bad({ CgroupnsMode: 'shared' }, /invalid cgroup namespace mode: shared/);
  assert.equal(sharedContainer('container:db'), 'db');
  assert.equal(sharedContainer('host'), undefined);
});

test('user namespaces, runtimes and isolations berth does not have are refused', () => {
  ok({ UsernsMode: 'host' });
  bad({ UsernsMode: 'private' }, /^HostConfig\.UsernsMode: user namespace mode "private" is not supported/);
  for (const Runtime of ['', 'berth', 'runc']) ok({ Runtime });
  bad({ Runtime: 'kata' }, /^HostConfig\.Runtime: unknown or invalid runtime name: kata$/);
  for (const Isolation of ['', 'default', 'container']) ok({ Isolation });
  bad({ Isolation: 'hyperv' }, /^HostConfig\.Isolation: invalid isolation 'hyperv' on linux/);
});

test("a hostname cannot go with the host's uts namespace", () => {
  bad({ UTSMode: 'host' }, /conflicting options: hostname and the UTS mode/, { Hostname: 'web' });
  ok({ UTSMode: 'host' });
  ok({}, { Hostname: 'web' });
});
