/**
 * The test image fixture itself: what pushTestImage says a correct unpack
 * holds is what skopeo and umoci actually produce from the registry, in
 * both formats. If this fails, the fixture is wrong, not the code under test.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';

import { startRegistry, type TestRegistry } from '../fixtures/registry/registry.js';
import { checkTree, pushTestImage, skopeoPullAndUnpack } from '../fixtures/registry/test-image.js';

describe('test image fixture', () => {
  let reg: TestRegistry | undefined;
  let work = '';
  before(async () => {
    work = await mkdtemp(join(tmpdir(), 'berth-test-image-check-'));
    reg = await startRegistry();
  });
  after(async () => {
    await reg?.stop();
    await rm(work, { recursive: true, force: true });
  });

  for (const format of ['oci', 'v2s2'] as const) {
    it(`pushes a ${format} image whose layers unpack to the expected tree`, async () => {
      const host = reg?.host ?? '';
      const image = await pushTestImage(host, 'fixture/busybox', { format, tag: format });
      assert.equal(image.layers.length, 4);
      assert.equal(
        image.mediaType,
        format === 'oci' ? 'application/vnd.oci.image.manifest.v1+json' : 'application/vnd.docker.distribution.manifest.v2+json',
      );
      const rootfs = await skopeoPullAndUnpack(join(work, format), image.reference);
      assert.deepEqual(await checkTree(rootfs, image.expected), []);
    });
  }
});
