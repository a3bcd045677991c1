/**
 * What the pull-fault tests check after every failing pull: the store holds
 * only blobs that are what their digest says, only committed layer
 * snapshots (no half-made one, no directory the metadata does not name),
 * ingests only where a later pull can resume (a true prefix of the blob),
 * and an image pulled before is still listed and unpacks to its files.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, readdir, readFile, rm } from 'node:fs/promises';
import path from 'node:path';

import type { ImageService } from '../../src/engine/images/image-service.js';
import type { ImageSummary } from '../../src/engine/images/views.js';
import { mountAll, unmount } from '../../src/snapshot/mount-all.js';
import { checkTree, type ExpectedTree } from '../fixtures/registry/test-image.js';

async function fileDigest(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return `sha256:${hash.digest('hex')}`;
}

/** Every blob's bytes hash to its name; every snapshot is committed; no snapshot directory the metadata does not name. */
export async function assertStoreSound(images: ImageService): Promise<void> {
  const { content, snapshots } = images.stores;
  for await (const info of content.walk()) {
    assert.equal(await fileDigest(content.blobPath(info.digest)), info.digest, `blob ${info.digest} holds other content`);
  }
  const half = (await snapshots.list()).filter((s) => s.kind !== 'committed');
  assert.deepEqual(half.map((s) => `${s.name} (${s.kind})`), [], 'snapshots left half-made');
  const meta = JSON.parse(await readFile(path.join(snapshots.dir, 'metadata.json'), 'utf8').catch(() => '{"snapshots":{}}')) as {
    snapshots: Record<string, { id: string }>;
  };
  const ids = new Set(Object.values(meta.snapshots).map((r) => r.id));
  const stray = (await readdir(snapshots.dir)).filter((n) => n !== 'metadata.json' && !ids.has(n));
  assert.deepEqual(stray, [], 'snapshot directories the metadata does not name');
}

/** The ingests on disk: ref → bytes so far. */
export async function ingests(images: ImageService): Promise<Map<string, number>> {
  return new Map((await images.stores.content.ingests()).map((i) => [i.ref, i.offset]));
}

/**
 * Every ingest is one a later pull resumes: named after a blob of `known`
 * that is not committed, holding fewer bytes than the blob, and those bytes
 * its true start.
 */
export async function assertIngestsResumable(images: ImageService, known: ReadonlyMap<string, Buffer>): Promise<void> {
  const { content } = images.stores;
  for (const ingest of await content.ingests()) {
    const digest = ingest.ref.replace(/^pull-/, '');
    const blob = known.get(digest);
    assert.ok(blob !== undefined, `ingest ${ingest.ref} is not a blob of the test's images`);
    assert.ok(ingest.offset < blob.length, `ingest ${ingest.ref} holds ${ingest.offset} of ${blob.length} bytes: nothing left to resume`);
    const dir = path.join(content.ingestDir, createHash('sha256').update(ingest.ref).digest('hex'));
    const data = await readFile(path.join(dir, 'data'));
    assert.ok(data.equals(blob.subarray(0, data.length)), `ingest ${ingest.ref} is not a prefix of the blob`);
  }
}

/** The summary of the image named `reference`, as `images` lists it. */
export async function listed(images: ImageService, reference: string): Promise<ImageSummary | undefined> {
  return (await images.list()).find((i) => i.RepoTags.includes(reference));
}

/**
 * The image `reference` is listed as `before` and its layers unpack (as a
 * container's rootfs would see them) to `expected`.
 */
export async function assertImageIntact(
  images: ImageService,
  reference: string,
  before: ImageSummary,
  expected: ExpectedTree,
  work: string,
): Promise<void> {
  assert.deepEqual(await listed(images, reference), before, `${reference} is not listed as it was`);
  const rootfs = path.join(work, 'intact-rootfs');
  await mkdir(rootfs, { recursive: true });
  const key = `intact-check-${process.pid}`;
  const { mounts } = await images.prepareRootfs(reference, key);
  try {
    await mountAll(mounts, rootfs);
    try {
      assert.deepEqual(await checkTree(rootfs, expected), [], `${reference} does not unpack to its files`);
    } finally {
      await unmount(rootfs);
    }
  } finally {
    await images.releaseRootfs(key);
    await rm(rootfs, { recursive: true, force: true });
  }
}

/** The error `p` fails with; the test fails if it succeeds. */
export async function rejection(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof Error);
    return e;
  }
  assert.fail('the pull should have failed');
}
