/**
 * Builds small but real images in a content store, for tests: layers,
 * configs, manifests and indexes with correct digests, sizes and diff_ids.
 */
import type { ContentStore } from './content-store.js';
import type { Descriptor, Platform } from './descriptor.js';
import { sha256Digest } from './digest.js';
import { MediaType } from './media-types.js';
import { writeBlob } from './write-blob.js';

export async function putBlob(store: ContentStore, data: Uint8Array | string, mediaType: string): Promise<Descriptor> {
  const bytes = typeof data === 'string' ? Buffer.from(data) : data;
  const digest = sha256Digest(bytes);
  await writeBlob(store, `test-${digest}`, bytes, { digest, size: bytes.length });
  return { mediaType, digest, size: bytes.length };
}

export const putJson = (store: ContentStore, value: unknown, mediaType: string) =>
  putBlob(store, JSON.stringify(value), mediaType);

export interface TestImage {
  manifest: Descriptor;
  config: Descriptor;
  layers: Descriptor[];
}

/** An image whose layers are the given strings (stored as-is, called "uncompressed tar"). */
export async function putImage(store: ContentStore, platform: Platform, layers: string[], cmd = ['sh']): Promise<TestImage> {
  const layerDescs = [];
  for (const l of layers) layerDescs.push(await putBlob(store, l, MediaType.OciLayer));
  const config = await putJson(
    store,
    { ...platform, config: { Cmd: cmd }, rootfs: { type: 'layers', diff_ids: layerDescs.map((d) => d.digest) } },
    MediaType.OciConfig,
  );
  const manifest = await putJson(
    store,
    { schemaVersion: 2, mediaType: MediaType.OciManifest, config, layers: layerDescs },
    MediaType.OciManifest,
  );
  return { manifest: { ...manifest, platform }, config, layers: layerDescs };
}

export async function putIndex(store: ContentStore, manifests: Descriptor[], mediaType: string = MediaType.OciIndex): Promise<Descriptor> {
  return putJson(store, { schemaVersion: 2, mediaType, manifests }, mediaType);
}
