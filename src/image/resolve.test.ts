import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { isBerthError } from '../errors.js';
import { LocalContentStore } from './content-store.js';
import { MediaType } from './media-types.js';
import { resolveImage } from './resolve.js';
import { putImage, putIndex, putJson } from './test-fixtures.js';

const AMD64 = { os: 'linux', architecture: 'amd64' };
const ARM64 = { os: 'linux', architecture: 'arm64', variant: 'v8' };

describe('resolveImage', () => {
  let root: string;
  let n = 0;
  const fresh = () => new LocalContentStore(path.join(root, `c${++n}`));

  before(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'berth-resolve-'));
  });
  after(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('walks an index to the manifest for the platform', async () => {
    const content = fresh();
    const amd = await putImage(content, AMD64, ['a1', 'a2'], ['amd']);
    const arm = await putImage(content, ARM64, ['r1'], ['arm']);
    const index = await putIndex(content, [amd.manifest, arm.manifest], MediaType.DockerManifestList);

    const r = await resolveImage(content, index, { platform: AMD64 });
    assert.deepEqual(r.indexDescriptor, index);
    assert.deepEqual(r.manifestDescriptor, amd.manifest);
    assert.deepEqual(r.configDescriptor, amd.config);
    assert.deepEqual(r.layers, amd.layers);
    assert.deepEqual(r.config.config?.Cmd, ['amd']);
    assert.deepEqual(r.platform, AMD64);

    const a = await resolveImage(content, index, { platform: { os: 'linux', architecture: 'arm64' } });
    assert.deepEqual(a.config.config?.Cmd, ['arm']);
  });

  it('takes a single manifest as it is, unless a platform was asked for', async () => {
    const content = fresh();
    const img = await putImage(content, ARM64, ['x']);
    const target = { ...img.manifest };
    delete target.platform;
    const r = await resolveImage(content, target);
    assert.equal(r.indexDescriptor, undefined);
    assert.deepEqual(r.layers, img.layers);
    await assert.rejects(
      resolveImage(content, target, { platform: AMD64, context: 'image "x:latest"' }),
      (e: unknown) =>
        isBerthError(e, 'NotFound') &&
        e.message === 'image "x:latest": image was found but its platform (linux/arm64/v8) does not match the requested linux/amd64',
    );
  });

  it('says which platforms there are when none fits', async () => {
    const content = fresh();
    const arm = await putImage(content, ARM64, ['r1']);
    const index = await putIndex(content, [arm.manifest]);
    await assert.rejects(
      resolveImage(content, index, { platform: AMD64, context: 'image "app:1"' }),
      (e: unknown) =>
        isBerthError(e, 'NotFound') &&
        e.message === 'image "app:1": no matching manifest for linux/amd64 in the manifest list entries (available: linux/arm64/v8)',
    );
  });

  it('names a missing blob', async () => {
    const content = fresh();
    const img = await putImage(content, AMD64, ['x']);
    const index = await putIndex(content, [img.manifest]);
    await content.delete(img.config.digest);
    await assert.rejects(
      resolveImage(content, index, { platform: AMD64 }),
      (e: unknown) => isBerthError(e, 'NotFound') && e.message.includes(`config blob ${img.config.digest} is not in the content store`),
    );
    await content.delete(img.manifest.digest);
    await assert.rejects(resolveImage(content, index, { platform: AMD64 }), new RegExp(`platform manifest blob ${img.manifest.digest}`));
    await content.delete(index.digest);
    await assert.rejects(resolveImage(content, index, { platform: AMD64 }), new RegExp(`^BerthError: image ${index.digest}: manifest blob`));
  });

  it('refuses a config whose diff_ids do not match the layers', async () => {
    const content = fresh();
    const img = await putImage(content, AMD64, ['x', 'y']);
    const manifest = await putJson(content, { schemaVersion: 2, mediaType: MediaType.OciManifest, config: img.config, layers: img.layers.slice(0, 1) }, MediaType.OciManifest);
    await assert.rejects(resolveImage(content, manifest), (e: unknown) => isBerthError(e, 'FailedPrecondition') && /2 layer diff_ids, the manifest 1 layers/.test(e.message));
  });
});
