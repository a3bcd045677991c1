import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import type { Mount } from '../../../oci/spec.js';
import { specFor } from './spec-input.test-helper.js';

const byDest = (mounts: Mount[] | undefined, d: string) => mounts?.find((m) => m.destination === d);
const dests = (mounts: Mount[] | undefined) => mounts?.map((m) => m.destination) ?? [];

describe('default mounts', () => {
  const s = specFor({});

  test("Docker's filesystems, then the /etc files", () => {
    assert.deepEqual(dests(s.mounts), [
      '/proc',
      '/dev',
      '/dev/pts',
      '/dev/shm',
      '/dev/mqueue',
      '/sys',
      '/sys/fs/cgroup',
      '/etc/resolv.conf',
      '/etc/hostname',
      '/etc/hosts',
    ]);
    assert.deepEqual(byDest(s.mounts, '/etc/hosts'), { destination: '/etc/hosts', type: 'bind', source: '/run/c/hosts', options: ['rbind', 'rprivate'] });
  });

  test('/sys and /sys/fs/cgroup are read-only', () => {
    assert.ok(byDest(s.mounts, '/sys')?.options?.includes('ro'));
    assert.ok(byDest(s.mounts, '/sys/fs/cgroup')?.options?.includes('ro'));
  });

  test('/dev/shm is 64 MiB unless ShmSize says otherwise', () => {
    assert.deepEqual(byDest(s.mounts, '/dev/shm')?.options, ['nosuid', 'noexec', 'nodev', 'mode=1777', 'size=67108864']);
    const t = specFor({ ShmSize: 1 << 30 });
    assert.ok(byDest(t.mounts, '/dev/shm')?.options?.includes('size=1073741824'));
  });
});

describe("the user's mounts", () => {
  const bind = (source: string, destination: string, ro = false): Mount => ({ destination, type: 'bind', source, options: ['rbind', ro ? 'ro' : 'rw', 'rprivate'] });

  test('come after the defaults, sorted by depth, the order kept within a depth', () => {
    const s = specFor({}, { Cmd: ['sh'] }, { mounts: [bind('/h/c', '/a/b/c'), bind('/h/z', '/z'), bind('/h/a', '/a')] });
    assert.deepEqual(dests(s.mounts).slice(7), ['/z', '/a', '/etc/resolv.conf', '/etc/hostname', '/etc/hosts', '/a/b/c']);
  });

  test('replace a default or an /etc file at the same destination', () => {
    const s = specFor({}, { Cmd: ['sh'] }, { mounts: [bind('/h/shm', '/dev/shm'), bind('/h/hosts', '/etc/hosts', true)] });
    assert.equal(s.mounts?.filter((m) => m.destination === '/dev/shm').length, 1);
    assert.equal(byDest(s.mounts, '/dev/shm')?.source, '/h/shm');
    assert.equal(byDest(s.mounts, '/etc/hosts')?.source, '/h/hosts');
  });

  test('a /dev of their own replaces everything under /dev', () => {
    const s = specFor({}, { Cmd: ['sh'] }, { mounts: [bind('/h/dev', '/dev')] });
    assert.deepEqual(dests(s.mounts).filter((d) => d.startsWith('/dev')), ['/dev']);
  });

  test('tmpfs from Tmpfs and Mounts, with Docker options', () => {
    const s = specFor({ Tmpfs: { '/run': 'size=64m', '/tmp': 'exec' }, Mounts: [{ Type: 'tmpfs', Target: '/cache', TmpfsOptions: { SizeBytes: 1 << 20 } }] });
    assert.deepEqual(byDest(s.mounts, '/run'), { destination: '/run', type: 'tmpfs', source: 'tmpfs', options: ['noexec', 'nosuid', 'nodev', 'rprivate', 'size=64m'] });
    assert.deepEqual(byDest(s.mounts, '/tmp')?.options, ['nosuid', 'nodev', 'rprivate', 'exec']);
    assert.deepEqual(byDest(s.mounts, '/cache')?.options, ['noexec', 'nosuid', 'nodev', 'rprivate', 'size=1m']);
  });
});

describe('IpcMode and /dev/shm', () => {
  test('none: no /dev/shm', () => {
    assert.equal(byDest(specFor({ IpcMode: 'none' }).mounts, '/dev/shm'), undefined);
  });

  test("host: the host's /dev/shm", () => {
    assert.deepEqual(byDest(specFor({ IpcMode: 'host' }).mounts, '/dev/shm'), { destination: '/dev/shm', type: 'bind', source: '/dev/shm', options: ['rbind', 'rprivate'] });
  });

  test("container:<id>: that container's", () => {
    const s = specFor({ IpcMode: 'container:db' }, { Cmd: ['sh'] }, { joined: { ipc: { path: '/proc/42/ns/ipc', shmPath: '/run/berth/db/shm' } } });
    assert.equal(byDest(s.mounts, '/dev/shm')?.source, '/run/berth/db/shm');
  });
});

describe('read-only rootfs, privileged, writable cgroups', () => {
  test('read-only rootfs: the /etc files read-only; /proc and /dev stay as they are', () => {
    const s = specFor({ ReadonlyRootfs: true });
    assert.ok(byDest(s.mounts, '/etc/resolv.conf')?.options?.includes('ro'));
    assert.ok(!byDest(s.mounts, '/proc')?.options?.includes('ro'));
    assert.ok(!byDest(s.mounts, '/dev/shm')?.options?.includes('ro'));
  });

  test('privileged on a read-only rootfs still gets a writable /sys and cgroup tree', () => {
    const s = specFor({ ReadonlyRootfs: true, Privileged: true });
    assert.ok(!byDest(s.mounts, '/sys')?.options?.includes('ro'));
    assert.ok(!byDest(s.mounts, '/sys/fs/cgroup')?.options?.includes('ro'));
  });

  test('writable-cgroups', () => {
    const s = specFor({ SecurityOpt: ['writable-cgroups=true'] });
    assert.ok(!byDest(s.mounts, '/sys/fs/cgroup')?.options?.includes('ro'));
    assert.ok(byDest(s.mounts, '/sys')?.options?.includes('ro'));
  });
});
