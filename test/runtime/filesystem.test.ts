/**
 * The container's filesystem as the spec describes it: bind mounts with
 * their options, tmpfs, a read-only root, spec devices, the device cgroup,
 * and symlinks in the rootfs that try to lead a mount out of it.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, test } from 'node:test';

import type { Spec } from '../../src/oci/spec.js';
import { makeBundle, type Bundle } from '../fixtures/bundle.js';
import { parseReport, parseSyscall, parseWrite } from '../fixtures/probe.js';
import { useRuntimeCli } from './harness.js';

const root = process.getuid?.() === 0;

describe('container filesystem', { skip: !root && 'needs root' }, () => {
  const env = useRuntimeCli();

  async function run(mutate: (s: Spec, b: { dir: string; rootfs: string }) => void | Promise<void>, prepare?: (b: Bundle) => Promise<void>) {
    const bundle = await makeBundle({ mutate });
    try {
      await prepare?.(bundle);
      const r = await env.cli.run(['run', '--bundle', bundle.dir, bundle.id]);
      return { ...r, bundle };
    } finally {
      await bundle.cleanup();
    }
  }

  test('a read-only bind mount shows the host files and refuses writes; a tmpfs is writable', async () => {
    const r = await run(
      (s, b) => {
        s.mounts!.push({ destination: '/data', type: 'bind', source: path.join(b.dir, 'shared'), options: ['rbind', 'ro', 'nosuid', 'nodev'] });
        s.mounts!.push({ destination: '/scratch', type: 'tmpfs', source: 'tmpfs', options: ['size=1m', 'mode=1777'] });
        s.process!.args = ['/bin/sh', '-c', 'cat /data/hello; /bin/probe write /data/new x; /bin/probe write /scratch/new x; /bin/probe report'];
      },
      async (b) => {
        await mkdir(path.join(b.dir, 'shared'));
        await writeFile(path.join(b.dir, 'shared/hello'), 'from the host\n');
      },
    );
    assert.equal(r.code, 0, r.stderr);
    const [hello, ro, rw, reportLine] = r.stdout.trim().split('\n');
    assert.equal(hello, 'from the host');
    assert.equal(parseWrite(ro!).errno, 'EROFS');
    assert.equal(parseWrite(rw!).ok, true);
    const mounts = parseReport(reportLine!).mounts ?? [];
    const data = mounts.find((m) => m.target === '/data');
    assert.match(data?.options ?? '', /^ro,nosuid,nodev/);
    assert.equal(mounts.find((m) => m.target === '/scratch')?.fstype, 'tmpfs');
  });

  test('a read-only root refuses writes outside its writable mounts', async () => {
    const r = await run((s) => {
      s.root!.readonly = true;
      s.process!.args = ['/bin/sh', '-c', '/bin/probe write /etc/new x; /bin/probe write /dev/shm/new x'];
    });
    assert.equal(r.code, 0, r.stderr);
    const [etc, shm] = r.stdout.trim().split('\n').map(parseWrite);
    assert.equal(etc?.errno, 'EROFS');
    assert.equal(shm?.ok, true);
  });

  test('spec devices are created with their numbers and mode', async () => {
    const r = await run((s) => {
      s.linux!.devices = [{ type: 'c', path: '/dev/mynull', major: 1, minor: 3, fileMode: 0o620, uid: 0, gid: 5 }];
      s.process!.args = ['/bin/sh', '-c', 'ls -ln /dev/mynull; echo discard > /dev/mynull && echo wrote'];
    });
    assert.equal(r.code, 0, r.stderr);
    const [ls, wrote] = r.stdout.trim().split('\n');
    assert.match(ls!, /^crw--w----\s+1\s+0\s+5\s+1,\s+3 /);
    assert.equal(wrote, 'wrote');
  });

  test('the device cgroup decides which devices may be opened', { skip: !existsSync('/sys/fs/cgroup/devices') && 'device rules need cgroup v1 here' }, async () => {
    // mknod is allowed for any device (Docker's "b *:* m"); opening is not.
    const open = async (rules: NonNullable<NonNullable<Spec['linux']>['resources']>['devices']) => {
      const r = await run((s) => {
        s.process!.args = ['/bin/sh', '-c', 'mknod /tmp/blk b 7 0 && /bin/probe syscall open /tmp/blk'];
        s.linux!.resources = { ...s.linux!.resources, devices: rules ?? [] };
      });
      assert.equal(r.code, 0, r.stderr);
      return parseSyscall(r.stdout.trim()).errno;
    };
    assert.equal(await open([{ allow: false, access: 'rwm' }]), 'EPERM');
    assert.notEqual(await open([{ allow: false, access: 'rwm' }, { allow: true, type: 'b', major: 7, minor: 0, access: 'rw' }]), 'EPERM');
  });

  test('a symlink in the rootfs cannot lead a mount outside it', async () => {
    let outside = '';
    const r = await run(
      (s, b) => {
        outside = path.join(b.dir, 'outside');
        s.mounts!.push({ destination: '/escape/target', type: 'tmpfs', source: 'tmpfs', options: ['size=1m'] });
        s.process!.args = ['/bin/sh', '-c', 'grep -c " /outside/target " /proc/self/mountinfo'];
      },
      async (b) => {
        await mkdir(path.join(b.dir, 'outside'));
        // /escape -> ../../outside: followed naively it would land in the bundle, outside the rootfs.
        await symlink('../../outside', path.join(b.rootfs, 'escape'));
      },
    );
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.trim(), '1', 'the mount must land on /outside inside the rootfs');
    assert.equal(existsSync(path.join(outside, 'target')), false, 'a mount point was created outside the rootfs');
  });
});
