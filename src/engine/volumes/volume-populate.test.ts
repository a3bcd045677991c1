import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmod, chown, lstat, mkdir, mkdtemp, readFile, readlink, readdir, rm, symlink, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test, type TestContext } from 'node:test';

import { isMountPoint } from './volume-mount.js';
import { VolumeService } from './volume-service.js';

/** Root only: ownership, trusted.* xattrs and tmpfs mounts. */
const needsRoot = (t: TestContext): boolean => {
  if (process.getuid?.() === 0) return false;
  t.skip('needs root');
  return true;
};

async function withTmp(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(path.join(tmpdir(), 'berth-populate-'));
  try {
    await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const xattr = (p: string, name: string): string =>
  execFileSync('getfattr', ['-h', '--only-values', '-n', name, '--absolute-names', p], { encoding: 'utf8' });

/** A directory standing for an image's /var/lib/app. */
async function imageDir(dir: string): Promise<string> {
  const src = path.join(dir, 'rootfs', 'var', 'lib', 'app');
  await mkdir(path.join(src, 'conf'), { recursive: true });
  await writeFile(path.join(src, 'conf', 'app.conf'), 'answer=42\n');
  await chown(path.join(src, 'conf', 'app.conf'), 1000, 1001);
  await chmod(path.join(src, 'conf', 'app.conf'), 0o640);
  await utimes(path.join(src, 'conf', 'app.conf'), 1_000_000, 1_000_000);
  await symlink('/etc/hostname', path.join(src, 'link'));
  execFileSync('setfattr', ['-n', 'trusted.berth', '-v', 'kept', path.join(src, 'conf', 'app.conf')]);
  await chown(src, 999, 998);
  await chmod(src, 0o750);
  return src;
}

test('populateFromImage copies owners, modes, times, symlinks and xattrs into an empty volume, once', async (t) => {
  if (needsRoot(t)) return;
  await withTmp(async (dir) => {
    const src = await imageDir(dir);
    const s = await VolumeService.open(path.join(dir, 'berth'));
    const v = await s.create({ Name: 'app' });
    assert.equal(await s.populateFromImage('app', src), true);

    const file = path.join(v.Mountpoint, 'conf', 'app.conf');
    const st = await lstat(file);
    assert.deepEqual([st.uid, st.gid, st.mode & 0o7777, st.mtimeMs], [1000, 1001, 0o640, 1_000_000_000]);
    assert.equal(await readFile(file, 'utf8'), 'answer=42\n');
    assert.equal(await readlink(path.join(v.Mountpoint, 'link')), '/etc/hostname');
    assert.equal(xattr(file, 'trusted.berth'), 'kept');
    // The mount point's own owner and mode come along, as with Docker.
    const root = await lstat(v.Mountpoint);
    assert.deepEqual([root.uid, root.gid, root.mode & 0o7777], [999, 998, 0o750]);

    // Never twice: the user emptied it on purpose.
    await rm(path.join(v.Mountpoint, 'conf'), { recursive: true });
    await rm(path.join(v.Mountpoint, 'link'));
    assert.equal(await s.populateFromImage('app', src), false);
    assert.deepEqual(await readdir(v.Mountpoint), []);
  });
});

test('populateFromImage leaves a non-empty volume alone, and ignores a missing or non-directory source', async (t) => {
  if (needsRoot(t)) return;
  await withTmp(async (dir) => {
    const src = await imageDir(dir);
    const s = await VolumeService.open(path.join(dir, 'berth'));
    const v = await s.create({ Name: 'used' });
    await writeFile(path.join(v.Mountpoint, 'mine'), 'x');
    assert.equal(await s.populateFromImage('used', src), false);
    assert.deepEqual(await readdir(v.Mountpoint), ['mine']);

    const empty = await s.create({ Name: 'empty' });
    assert.equal(await s.populateFromImage('empty', path.join(dir, 'rootfs', 'absent')), false);
    assert.equal(await s.populateFromImage('empty', path.join(src, 'conf', 'app.conf')), false);
    // A symlinked source is not followed (it could lead anywhere on the host).
    await symlink(src, path.join(dir, 'rootfs', 'alias'));
    assert.equal(await s.populateFromImage('empty', path.join(dir, 'rootfs', 'alias')), false);
    assert.deepEqual(await readdir(empty.Mountpoint), []);
    // Not marked populated: a later image with content there still fills it.
    assert.equal(await s.populateFromImage('empty', src), true);
  });
});

test('a tmpfs volume is mounted by its first user and unmounted by its last', async (t) => {
  if (needsRoot(t)) return;
  await withTmp(async (dir) => {
    const s = await VolumeService.open(path.join(dir, 'berth'));
    const v = await s.create({ Name: 'fast', DriverOpts: { type: 'tmpfs', device: 'tmpfs', o: 'size=1m,mode=0711' } });
    assert.deepEqual(v.Options, { type: 'tmpfs', device: 'tmpfs', o: 'size=1m,mode=0711' });
    assert.equal(await isMountPoint(v.Mountpoint), false);
    try {
      assert.equal(await s.mount('fast', 'c1'), v.Mountpoint);
      await s.mount('fast', 'c2');
      await s.mount('fast', 'c2');
      assert.equal(await isMountPoint(v.Mountpoint), true);
      assert.equal((await lstat(v.Mountpoint)).mode & 0o7777, 0o711);
      const info = await readFile('/proc/self/mountinfo', 'utf8');
      assert.match(info.split('\n').find((l) => l.includes(` ${v.Mountpoint} `)) ?? '', / - tmpfs tmpfs .*size=1024k/);
      await writeFile(path.join(v.Mountpoint, 'f'), 'x');
      await s.unmount('fast', 'c1');
      assert.equal(await isMountPoint(v.Mountpoint), true);
      await s.unmount('fast', 'c2');
      assert.equal(await isMountPoint(v.Mountpoint), false);
      assert.deepEqual(await readdir(v.Mountpoint), []);

      // Removing a volume mounted by someone else (an earlier daemon) unmounts it first.
      await s.mount('fast', 'c1');
      const restarted = await VolumeService.open(path.join(dir, 'berth'));
      await restarted.remove('fast');
      assert.equal(await isMountPoint(v.Mountpoint), false);
    } finally {
      if (await isMountPoint(v.Mountpoint)) execFileSync('umount', [v.Mountpoint]);
    }
  });
});

test('a populated tmpfs volume is populated again after it was unmounted', async (t) => {
  if (needsRoot(t)) return;
  await withTmp(async (dir) => {
    const src = await imageDir(dir);
    const s = await VolumeService.open(path.join(dir, 'berth'));
    const v = await s.create({ Name: 'fast', DriverOpts: { type: 'tmpfs', device: 'tmpfs' } });
    try {
      await s.mount('fast', 'c1');
      assert.equal(await s.populateFromImage('fast', src), true);
      assert.equal(await s.populateFromImage('fast', src), false);
      assert.equal(await isMountPoint(v.Mountpoint), true); // still held by c1
      await s.unmount('fast', 'c1');
      await s.mount('fast', 'c2');
      assert.equal(await s.populateFromImage('fast', src), true);
      assert.equal(await readFile(path.join(v.Mountpoint, 'conf', 'app.conf'), 'utf8'), 'answer=42\n');
      await s.unmount('fast', 'c2');
    } finally {
      if (await isMountPoint(v.Mountpoint)) execFileSync('umount', [v.Mountpoint]);
    }
  });
});
