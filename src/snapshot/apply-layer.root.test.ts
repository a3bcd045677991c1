import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { lstat, mkdir, mkdtemp, readFile, readdir, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { test, type TestContext } from 'node:test';
import { gzipSync } from 'node:zlib';

import { isBerthError } from '../errors.js';
import { MediaType } from '../image/media-types.js';
import { tarBuffer, type TestEntry } from '../image/unpack/test-tar.js';
import { applyLayerToSnapshot } from './apply-layer.js';
import { chainIds } from './chain-id.js';
import { isMountPoint, mountAll, unmount } from './mount-all.js';
import { OverlaySnapshotter } from './overlay.js';

/**
 * Root only: two image layers unpacked into snapshots and mounted with a
 * real overlayfs. Every mount is undone and every directory removed in
 * `finally`.
 */

const needsRoot = (t: TestContext): boolean => {
  if (process.getuid?.() === 0) return false;
  t.skip('needs root');
  return true;
};

const stream = (buf: Buffer): Readable => Readable.from([buf], { objectMode: false });
const sha256 = (b: Buffer): string => `sha256:${createHash('sha256').update(b).digest('hex')}`;
const zstd = (b: Buffer): Buffer => execFileSync('zstd', ['-q', '-c'], { input: b });

const base: TestEntry[] = [
  { name: './bin/', type: 'dir' },
  { name: './bin/sh', data: '#!sh', mode: 0o755 },
  { name: './usr/lib/libc.so', data: 'libc' },
  { name: './lib', type: 'symlink', linkname: 'usr/lib' },
  { name: './etc/passwd', data: 'root:x:0:0\n' },
  { name: './etc/gone', data: 'delete me' },
  { name: './etc/conf.d/a', data: 'a' },
  { name: './etc/conf.d/b', data: 'b' },
  { name: './opq/lower1', data: 'lower' },
  { name: './opq/sub/lower2', data: 'lower' },
  { name: './recreated/old', data: 'old' },
];

const top: TestEntry[] = [
  { name: './etc/.wh.gone' },
  { name: './etc/passwd', data: 'root:x:0:0\nuser:x:1000:1000\n' },
  { name: './etc/conf.d/.wh.a' },
  { name: './opq/.wh..wh..opq' },
  { name: './opq/upper', data: 'upper' },
  { name: './new/file', data: 'new', xattrs: { 'user.origin': 'top' } },
  { name: './.wh.recreated' },
  { name: './recreated/new', data: 'new' },
];

async function withRoot(fn: (root: string, mounts: string[]) => Promise<void>): Promise<void> {
  const root = await mkdtemp(path.join(tmpdir(), 'berth-apply-'));
  const mounted: string[] = [];
  try {
    await fn(root, mounted);
  } finally {
    for (const m of mounted.reverse()) await unmount(m);
    await rm(root, { recursive: true, force: true });
  }
}

test('two layers as snapshots, mounted with overlayfs: whiteouts and opaque directories work', async (t) => {
  if (needsRoot(t)) return;
  await withRoot(async (root, mounted) => {
    const sn = await OverlaySnapshotter.open(path.join(root, 'snapshots'));
    const tar0 = tarBuffer(base);
    const tar1 = tarBuffer(top);
    const [c0, c1] = chainIds([sha256(tar0), sha256(tar1)]);

    const l0 = await applyLayerToSnapshot(sn, undefined, stream(gzipSync(tar0)), MediaType.OciLayerGzip, sha256(tar0));
    assert.deepEqual(l0, { chainId: c0, diffId: sha256(tar0), unpacked: true });
    const l1 = await applyLayerToSnapshot(sn, l0.chainId, stream(zstd(tar1)), MediaType.OciLayerZstd, sha256(tar1));
    assert.deepEqual(l1, { chainId: c1, diffId: sha256(tar1), unpacked: true });
    assert.deepEqual((await sn.list()).map((i) => [i.name, i.kind, i.parent]), [
      [c0, 'committed', undefined],
      [c1, 'committed', c0],
    ]);
    // The same layer again: already there, the stream is not read.
    const again = await applyLayerToSnapshot(sn, undefined, stream(Buffer.alloc(0)), '', sha256(tar0));
    assert.equal(again.unpacked, false);

    const rootfs = path.join(root, 'rootfs');
    await mkdir(rootfs);
    await mountAll(await sn.prepare('container', l1.chainId), rootfs);
    mounted.push(rootfs);
    assert.equal(await isMountPoint(rootfs), true);

    const r = (p: string): Promise<string> => readFile(path.join(rootfs, p), 'utf8');
    assert.equal(await r('bin/sh'), '#!sh');
    assert.equal(await r('lib/libc.so'), 'libc');
    assert.equal(await r('etc/passwd'), 'root:x:0:0\nuser:x:1000:1000\n');
    await assert.rejects(lstat(path.join(rootfs, 'etc/gone')), { code: 'ENOENT' }, 'deleted by the upper layer');
    assert.deepEqual((await readdir(path.join(rootfs, 'etc'))).sort(), ['conf.d', 'passwd']);
    assert.deepEqual(await readdir(path.join(rootfs, 'etc/conf.d')), ['b']);
    assert.deepEqual(await readdir(path.join(rootfs, 'opq')), ['upper'], 'the opaque directory hides the lower content');
    assert.equal(await r('new/file'), 'new');
    assert.deepEqual(await readdir(path.join(rootfs, 'recreated')), ['new'], 'deleted and created again: only the new content');

    // The container's changes land in its own upper directory.
    await writeFile(path.join(rootfs, 'etc/hostname'), 'box');
    await unlink(path.join(rootfs, 'bin/sh'));
    const upper = sn.fsDir('container');
    assert.equal(await readFile(path.join(upper, 'etc/hostname'), 'utf8'), 'box');
    const whiteout = await lstat(path.join(upper, 'bin/sh'));
    assert.ok(whiteout.isCharacterDevice() && whiteout.rdev === 0);
    const usage = await sn.usage('container');
    assert.ok(usage.inodes >= 4, JSON.stringify(usage));

    // Views are read-only: an overlay of two layers, a bind of one.
    const view2 = path.join(root, 'view2');
    const view1 = path.join(root, 'view1');
    await mkdir(view2);
    await mkdir(view1);
    const v2 = await sn.view('v2', l1.chainId);
    assert.equal(v2[0]?.type, 'overlay');
    await mountAll(v2, view2);
    mounted.push(view2);
    const v1 = await sn.view('v1', l0.chainId);
    assert.equal(v1[0]?.type, 'bind');
    await mountAll(v1, view1);
    mounted.push(view1);
    assert.equal(await readFile(path.join(view2, 'bin/sh'), 'utf8'), '#!sh', 'the container deleted it only in its own layer');
    assert.equal(await readFile(path.join(view1, 'etc/gone'), 'utf8'), 'delete me');
    await assert.rejects(writeFile(path.join(view2, 'x'), 'x'), { code: 'EROFS' });
    await assert.rejects(writeFile(path.join(view1, 'x'), 'x'), { code: 'EROFS' });

    // In use: a layer under a container or a view cannot go.
    await assert.rejects(sn.remove(l1.chainId), (e: unknown) => {
      assert.ok(isBerthError(e, 'FailedPrecondition'));
      assert.equal(e.message, `snapshot "${l1.chainId}": is in use by "container", "v2"`);
      return true;
    });
    for (const m of mounted.splice(0).reverse()) await unmount(m);
    assert.equal(await isMountPoint(rootfs), false);
    await unmount(rootfs); // nothing mounted: nothing to do
    for (const k of ['container', 'v2', 'v1', l1.chainId, l0.chainId]) await sn.remove(k);
    assert.deepEqual(await readdir(sn.dir), ['metadata.json']);
  });
});

test('a layer whose diffID does not match, or that is unsafe, leaves no snapshot behind', async (t) => {
  if (needsRoot(t)) return;
  await withRoot(async (root) => {
    const sn = await OverlaySnapshotter.open(path.join(root, 'snapshots'));
    const tar0 = tarBuffer(base);
    const l0 = await applyLayerToSnapshot(sn, undefined, stream(tar0), MediaType.OciLayer, sha256(tar0));
    const before = await readdir(sn.dir);

    const tar1 = tarBuffer(top);
    const wrong = sha256(Buffer.from('something else'));
    await assert.rejects(applyLayerToSnapshot(sn, l0.chainId, stream(gzipSync(tar1)), '', wrong), (e: unknown) => {
      assert.ok(isBerthError(e, 'InvalidArgument'));
      assert.equal(e.message, `layer ${wrong}: diffID mismatch: the layer unpacks to ${sha256(tar1)}, the image config says ${wrong}`);
      return true;
    });

    const evil = tarBuffer([
      { name: 'x', type: 'symlink', linkname: '/etc' },
      { name: 'x/passwd', data: 'pwned' },
    ]);
    await assert.rejects(applyLayerToSnapshot(sn, l0.chainId, stream(evil), '', sha256(evil)), (e: unknown) => {
      assert.ok(isBerthError(e, 'InvalidArgument'));
      assert.match(e.message, /contains an unsafe path "x\/passwd" \(its parent "x" is a symlink\)/);
      return true;
    });
    const truncated = gzipSync(tar1).subarray(0, 40);
    await assert.rejects(applyLayerToSnapshot(sn, l0.chainId, stream(truncated), '', sha256(tar1)), /corrupt gzip data/);
    await assert.rejects(applyLayerToSnapshot(sn, 'sha256:nope', stream(tar1), '', sha256(tar1)), (e: unknown) =>
      isBerthError(e, 'InvalidArgument'),
    );

    assert.deepEqual((await sn.list()).map((i) => i.name), [l0.chainId]);
    assert.deepEqual(await readdir(sn.dir), before);
  });
});

test('an overlay whose lowerdir list is longer than a page is mounted with relative paths', async (t) => {
  if (needsRoot(t)) return;
  await withRoot(async (root, mounted) => {
    const sn = await OverlaySnapshotter.open(path.join(root, 'a-rather-long-directory-name-for-snapshots'));
    let parent: string | undefined;
    const layers = 130;
    for (let i = 0; i < layers; i++) {
      const key = `k${i}`;
      await sn.prepare(key, parent);
      await writeFile(path.join(sn.fsDir(key), `f${i}`), String(i));
      await sn.commit(`c${i}`, key);
      parent = `c${i}`;
    }
    const mounts = await sn.prepare('top', parent);
    assert.ok((mounts[0]?.options.join(',').length ?? 0) > 4096);
    const target = path.join(root, 'merged');
    await mkdir(target);
    await mountAll(mounts, target);
    mounted.push(target);
    assert.equal((await readdir(target)).length, layers);
    assert.equal(await readFile(path.join(target, 'f0'), 'utf8'), '0');
  });
});
