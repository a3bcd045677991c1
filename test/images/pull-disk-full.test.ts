/**
 * A disk that fills up during a pull, on berth's root made a 3 MiB tmpfs:
 * once while unpacking (a layer of zeros: tiny to download, 8 MiB on
 * disk), once while downloading (4 MiB of random bytes). Each pull fails
 * with "no space left on device" and gives the space it took back: no
 * snapshot left half-unpacked, no partial download kept (on a full disk
 * the space is worth more than a resume), so the image pulled first still
 * unpacks and runs; and with room made, the same pulls succeed.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, statfs } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, test } from 'node:test';

import { ImageService } from '../../src/engine/images/image-service.js';
import type { ImageSummary } from '../../src/engine/images/views.js';
import { isBerthError } from '../../src/errors.js';
import { unmount } from '../../src/snapshot/mount-all.js';
import { assertNoLeaks, snapshotHost, type HostSnapshot } from '../fixtures/host-leaks.js';
import { craftImage, pushCrafted, type CraftedImage } from '../fixtures/registry/crafted-image.js';
import { startRegistry, type TestRegistry } from '../fixtures/registry/registry.js';
import type { ExpectedTree } from '../fixtures/registry/test-image.js';
import { assertImageIntact, assertIngestsResumable, assertStoreSound, ingests, listed, rejection } from './pull-checks.js';

const root = process.getuid?.() === 0;
const run = promisify(execFile);
const MiB = 1024 * 1024;

const SMALL_FILE = 'a small image\n';
const MOTD = 'still here\n';
const SMALL_EXPECTED: ExpectedTree = {
  files: { 'etc/small': SMALL_FILE, 'etc/motd': MOTD },
  symlinks: { 'bin/sh': 'busybox' },
  directories: ['etc', 'bin'],
  absent: [],
};

describe('pull onto a full disk', { skip: !root && 'needs root' }, () => {
  let host: HostSnapshot;
  let registry: TestRegistry;
  let dir: string;
  let berthRoot: string;
  let mounted = false;
  let images: ImageService;
  let small: { ref: string; img: CraftedImage };
  let smallBefore: ImageSummary | undefined;
  let zeros: { ref: string; img: CraftedImage };
  let noise: { ref: string; img: CraftedImage };
  const known = new Map<string, Buffer>();

  const freeBytes = async () => {
    const s = await statfs(berthRoot);
    return s.bavail * s.bsize;
  };
  const snapshotNames = async () => (await images.stores.snapshots.list()).map((s) => s.name).sort();
  before(async () => {
    host = await snapshotHost();
    registry = await startRegistry();
    const push = async (repo: string, img: CraftedImage) => {
      for (const [d, b] of img.blobs) known.set(d, b);
      return { ref: await pushCrafted(registry.host, repo, 'v1', img.manifest, [img]), img };
    };
    small = await push(
      'berth/small',
      craftImage([
        [{ name: 'etc/small', data: SMALL_FILE }, { name: 'bin/sh', type: 'symlink', linkname: 'busybox' }],
        [{ name: 'etc/motd', data: MOTD }],
      ]),
    );
    // 8 MiB of zeros gzip to a few KiB: the download fits, the unpack does not.
    zeros = await push('berth/zeros', craftImage([[0, 1, 2, 3].map((i) => ({ name: `data/zeros-${i}`, data: Buffer.alloc(2 * MiB) }))]));
    // Random bytes do not compress: the download itself does not fit.
    noise = await push('berth/noise', craftImage([[{ name: 'data/noise', data: randomBytes(4 * MiB) }]]));

    dir = await mkdtemp(path.join(tmpdir(), 'berth-test-disk-full-'));
    berthRoot = path.join(dir, 'root');
    await mkdir(berthRoot);
    await run('mount', ['-t', 'tmpfs', '-o', 'size=3m,mode=0700', 'berth-test-tmpfs', berthRoot]);
    mounted = true;
    images = await ImageService.open({ root: berthRoot, dockerConfigDir: path.join(dir, 'docker') });
  });

  after(async () => {
    images?.close();
    if (mounted) await unmount(berthRoot);
    await registry?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
    await assertNoLeaks(host);
  });

  const stillSound = async () => {
    await assertStoreSound(images);
    await assertIngestsResumable(images, known);
    await assertImageIntact(images, small.ref, smallBefore!, SMALL_EXPECTED, dir);
  };

  test('a small image fits', async () => {
    await images.pull(small.ref);
    smallBefore = await listed(images, small.ref);
    assert.ok(smallBefore);
    await stillSound();
  });

  test('the disk fills while unpacking: "no space left on device", and the half-unpacked layer is gone', async () => {
    const snapshotsBefore = await snapshotNames();
    const freeBefore = await freeBytes();
    const e = await rejection(images.pull(zeros.ref));
    assert.ok(isBerthError(e, 'FailedPrecondition'), String(e));
    const layer = zeros.img.layers[0]!.desc.digest;
    assert.match(
      e.message,
      new RegExp(`^image "${zeros.ref}": layer ${layer}: no space left on device while unpacking into ${berthRoot}/snapshots/staging-[0-9a-f]+$`),
    );
    assert.deepEqual(await snapshotNames(), snapshotsBefore, 'no snapshot left, half-made or not');
    assert.equal(await listed(images, zeros.ref), undefined);
    // The layer's megabytes are given back; what stays is its small blob (kept: the next pull need not download it).
    const kept = zeros.img.layers[0]!.desc.size + zeros.img.config.desc.size;
    assert.ok((await freeBytes()) >= freeBefore - kept - 64 * 1024, `free ${await freeBytes()}, was ${freeBefore}`);
    await stillSound();
  });

  test('the disk fills while downloading: "no space left on device", and the partial download is removed', async () => {
    const snapshotsBefore = await snapshotNames();
    const freeBefore = await freeBytes();
    const e = await rejection(images.pull(noise.ref));
    assert.ok(isBerthError(e, 'FailedPrecondition'), String(e));
    const layer = noise.img.layers[0]!.desc;
    assert.match(
      e.message,
      new RegExp(
        `^image "${noise.ref}": blob ${layer.digest}: no space left on device while downloading \\(\\d+ of ${layer.size} bytes; the partial download is removed\\)$`,
      ),
    );
    assert.deepEqual([...(await ingests(images)).keys()], []);
    assert.deepEqual(await snapshotNames(), snapshotsBefore);
    assert.ok((await freeBytes()) >= freeBefore - noise.img.config.desc.size - 64 * 1024, `free ${await freeBytes()}, was ${freeBefore}`);
    await stillSound();
  });

  test('with room made, both pulls succeed', async () => {
    await run('mount', ['-o', 'remount,size=64m', berthRoot]);
    await images.pull(noise.ref);
    await images.pull(zeros.ref);
    assert.ok(await listed(images, noise.ref));
    assert.ok(await listed(images, zeros.ref));
    assert.equal((await ingests(images)).size, 0);
    await stillSound();
  });
});
