import assert from 'node:assert/strict';
import { test } from 'node:test';

import { isBerthError } from '../../errors.js';
import { findLayout, v1Controllers } from './layout.js';
import { parseMountinfo } from './mountinfo.js';

// The development machine's cgroup mounts (v1 hybrid), with cpu and cpuacct co-mounted as on most distros.
const HYBRID = `25 30 0:23 / /sys rw,nosuid,nodev,noexec,relatime shared:7 - sysfs sysfs rw
31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755
32 31 0:29 / /sys/fs/cgroup/cpu,cpuacct rw,relatime - cgroup cgroup rw,cpu,cpuacct
34 31 0:31 / /sys/fs/cgroup/cpuset rw,relatime - cgroup cgroup rw,cpuset,clone_children
35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory
40 31 0:37 / /sys/fs/cgroup/systemd rw,nosuid,nodev,noexec,relatime shared:9 - cgroup cgroup rw,xattr,release_agent=/lib/systemd/systemd-cgroups-agent,name=systemd
41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw
50 1 0:32 /docker/x /var/lib/other/memory rw - cgroup cgroup rw,memory
`;

test('mountinfo lines are split into their fields, with optional fields skipped', () => {
  const [sys, , cpu] = parseMountinfo(HYBRID);
  assert.deepEqual(sys, {
    id: 25,
    parentId: 30,
    device: '0:23',
    root: '/',
    mountPoint: '/sys',
    mountOptions: ['rw', 'nosuid', 'nodev', 'noexec', 'relatime'],
    fsType: 'sysfs',
    source: 'sysfs',
    superOptions: ['rw'],
  });
  assert.equal(cpu?.mountPoint, '/sys/fs/cgroup/cpu,cpuacct');
  assert.deepEqual(cpu?.superOptions, ['rw', 'cpu', 'cpuacct']);
});

test('octal escapes in paths are decoded and malformed lines skipped', () => {
  const entries = parseMountinfo('1 2 0:1 / /mnt/with\\040space rw - tmpfs tmpfs rw\ngarbage line\n');
  assert.equal(entries.length, 1);
  assert.equal(entries[0]?.mountPoint, '/mnt/with space');
});

test('v1 controllers are what remains of the options after the known flags', () => {
  assert.deepEqual(v1Controllers(['rw', 'xattr', 'release_agent=/x', 'name=systemd']), ['name=systemd']);
  assert.deepEqual(v1Controllers(['rw', 'cpuset', 'clone_children', 'noprefix']), ['cpuset']);
  // a controller berth has never heard of still counts
  assert.deepEqual(v1Controllers(['rw', 'misc']), ['misc']);
});

test('a hybrid host is v1, with its cgroup2 carried as "unified"', () => {
  const layout = findLayout(parseMountinfo(HYBRID), '/sys/fs/cgroup');
  assert.equal(layout.version, 1);
  if (layout.version !== 1) return;
  assert.equal(layout.unified, '/sys/fs/cgroup/unified');
  assert.deepEqual(
    layout.hierarchies.map((h) => [h.name, h.controllers.join(',')]),
    [
      ['cpu,cpuacct', 'cpu,cpuacct'],
      ['cpuset', 'cpuset'],
      ['memory', 'memory'],
      ['systemd', 'name=systemd'],
    ],
  );
});

test('a cgroup2 at the root is a pure v2 host', () => {
  const text = '31 23 0:26 / /sys/fs/cgroup rw,nosuid - cgroup2 cgroup2 rw,nsdelegate\n';
  assert.deepEqual(findLayout(parseMountinfo(text), '/sys/fs/cgroup'), { version: 2, root: '/sys/fs/cgroup' });
});

test('a later mount on the same mount point hides the earlier one', () => {
  const text = HYBRID + '60 31 0:40 / /sys/fs/cgroup rw - cgroup2 cgroup2 rw\n';
  assert.equal(findLayout(parseMountinfo(text), '/sys/fs/cgroup').version, 2);
});

test('no cgroup mounts is a FailedPrecondition naming the root', () => {
  assert.throws(
    () => findLayout(parseMountinfo('25 30 0:23 / /sys rw - sysfs sysfs rw\n'), '/sys/fs/cgroup'),
    (e: unknown) => isBerthError(e, 'FailedPrecondition') && e.message === 'cgroups: no cgroup v1 or v2 hierarchy is mounted at or below /sys/fs/cgroup',
  );
});
