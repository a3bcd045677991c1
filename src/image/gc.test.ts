import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { LocalContentStore } from './content-store.js';
import { collectGarbage } from './gc.js';
import { ImageStore } from './image-store.js';
import { MediaType } from './media-types.js';
import { putBlob, putImage, putIndex, putJson } from './test-fixtures.js';

async function digests(store: LocalContentStore): Promise<string[]> {
  const out = [];
  for await (const info of store.walk()) out.push(info.digest);
  return out.sort();
}

describe('collectGarbage', () => {
  let root: string;
  let n = 0;
  const fresh = () => {
    const dir = path.join(root, `g${++n}`);
    return { content: new LocalContentStore(dir), images: new ImageStore(dir) };
  };

  before(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'berth-gc-'));
  });
  after(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('keeps everything reachable through an index and removes the rest', async () => {
    const { content, images } = fresh();
    const amd = await putImage(content, { os: 'linux', architecture: 'amd64' }, ['base', 'amd-top']);
    const arm = await putImage(content, { os: 'linux', architecture: 'arm64', variant: 'v8' }, ['base', 'arm-top']);
    // An attestation-like manifest whose layer has a media type nobody here knows.
    const odd = await putBlob(content, '{"predicate":{}}', 'application/vnd.in-toto+json');
    const attCfg = await putJson(content, {}, MediaType.OciEmpty);
    const att = await putJson(content, { schemaVersion: 2, config: attCfg, layers: [odd] }, MediaType.OciManifest);
    const index = await putIndex(content, [amd.manifest, arm.manifest, { ...att, platform: { os: 'unknown', architecture: 'unknown' } }]);
    await images.put('app:1', index);

    const orphanLayer = await putBlob(content, 'orphan', MediaType.OciLayerGzip);
    const orphanImage = await putImage(content, { os: 'linux', architecture: 's390x' }, ['s390-only']);
    const keep = [index, amd.manifest, amd.config, ...amd.layers, arm.manifest, arm.config, ...arm.layers, odd, attCfg, att].map((d) => d.digest);
    const drop = [orphanLayer, orphanImage.manifest, orphanImage.config, ...orphanImage.layers].map((d) => d.digest);

    const dry = await collectGarbage(content, images, { dryRun: true });
    assert.deepEqual([...dry.removed].sort(), [...new Set(drop)].sort());
    assert.equal((await digests(content)).length, new Set([...keep, ...drop]).size, 'a dry run deletes nothing');

    const result = await collectGarbage(content, images);
    assert.deepEqual([...result.removed].sort(), [...new Set(drop)].sort());
    const freed = orphanLayer.size + orphanImage.manifest.size + orphanImage.config.size + (orphanImage.layers[0]?.size ?? 0);
    assert.equal(result.freedBytes, freed);
    assert.deepEqual(await digests(content), [...new Set(keep)].sort());

    assert.deepEqual(await collectGarbage(content, images), { removed: [], freedBytes: 0 }, 'a second run finds nothing');

    await images.delete('app:1');
    const all = await collectGarbage(content, images);
    assert.equal(all.removed.length, new Set(keep).size);
    assert.deepEqual(await digests(content), []);
  });

  it('keeps extra roots and what they reach, and tolerates children not pulled', async () => {
    const { content, images } = fresh();
    const img = await putImage(content, { os: 'linux', architecture: 'amd64' }, ['l1', 'l2']);
    // An index entry whose manifest was never pulled (another platform).
    const index = await putIndex(content, [
      img.manifest,
      { mediaType: MediaType.OciManifest, digest: `sha256:${'9'.repeat(64)}`, size: 10, platform: { os: 'linux', architecture: 'arm64' } },
    ]);
    const loose = await putBlob(content, 'loose layer', MediaType.OciLayer);
    const doomed = await putBlob(content, 'doomed', MediaType.OciLayer);
    const result = await collectGarbage(content, images, { extraRoots: [index.digest, loose.digest] });
    assert.deepEqual(result.removed, [doomed.digest]);
    assert.deepEqual(
      await digests(content),
      [index, img.manifest, img.config, ...img.layers, loose].map((d) => d.digest).sort(),
    );
  });

  it('deletes nothing when a reachable manifest cannot be read', async () => {
    const { content, images } = fresh();
    const img = await putImage(content, { os: 'linux', architecture: 'amd64' }, ['l1']);
    const orphan = await putBlob(content, 'orphan', MediaType.OciLayer);
    await images.put('broken', img.manifest);
    // Corrupt the manifest blob in place (as a disk fault would).
    const file = content.blobPath(img.manifest.digest);
    await chmod(file, 0o644);
    await writeFile(file, 'not json');
    await assert.rejects(collectGarbage(content, images), /invalid JSON/);
    assert.ok(await content.has(orphan.digest));
    assert.ok(await content.has(img.layers[0]?.digest ?? ''));
  });
});
