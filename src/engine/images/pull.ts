import { Readable } from 'node:stream';

import { isBerthError, notFound } from '../../errors.js';
import type { Descriptor, Platform } from '../../image/descriptor.js';
import { parseImageConfig } from '../../image/image-config.js';
import { parseManifest } from '../../image/manifest.js';
import { MANIFEST_MEDIA_TYPES } from '../../image/media-types.js';
import { formatPlatform, hostPlatform, selectManifest } from '../../image/platform.js';
import { familiarString, fullString, parseReference, withDefaultTag } from '../../image/reference.js';
import { writeBlob } from '../../image/write-blob.js';
import { downloadBlob } from './download-blob.js';
import type { ImageStores } from './image-stores.js';
import { shortId, type ProgressListener } from './progress.js';
import type { RegistryAccess } from './registry-access.js';
import { unpackImage } from './unpack.js';

export interface PullOptions {
  platform?: Platform;
  onProgress?: ProgressListener;
  /** layers downloaded at once (docker: 3) */
  concurrency?: number;
}

export interface PullResult {
  /** full name as stored: "127.0.0.1:5000/busybox:latest" */
  name: string;
  /** digest of what the name points at (manifest or index) */
  digest: string;
  /** image id: the config digest */
  id: string;
  /** false when everything was already here */
  downloaded: boolean;
}

/**
 * `pull`: manifest (and index) → config → layers, downloaded in parallel and
 * streamed to disk with digest checks, unpacked in order into the layer
 * chain snapshots as they arrive; the name is tagged last, so a failed pull
 * leaves no image behind and an image already present stays as it was.
 */
export async function pullImage(stores: ImageStores, registries: RegistryAccess, name: string, options: PullOptions = {}): Promise<PullResult> {
  const ref = withDefaultTag(parseReference(name));
  const context = `image "${familiarString(ref)}"`;
  const progress = options.onProgress ?? (() => {});
  const client = registries.client(ref.domain);
  const repo = ref.path;
  progress({ id: '', status: `${ref.digest ?? ref.tag}: Pulling from ${ref.path}` });

  let top;
  try {
    top = await client.getManifest(repo, ref.digest ?? ref.tag ?? 'latest', MANIFEST_MEDIA_TYPES);
  } catch (e) {
    if (isBerthError(e, 'NotFound')) throw notFound(context, `manifest for ${familiarString(ref)} not found: manifest unknown`);
    throw e;
  }
  const topDesc: Descriptor = { mediaType: top.mediaType, digest: top.digest, size: top.bytes.length };
  let parsed = parseManifest(top.bytes, top.mediaType, `manifest of ${familiarString(ref)}`);
  const blobs: [Descriptor, Buffer][] = [[topDesc, top.bytes]];
  if (parsed.kind === 'index') {
    const wanted = options.platform ?? hostPlatform();
    const chosen = selectManifest(parsed.index, wanted);
    const m = await client.getManifest(repo, chosen.digest, MANIFEST_MEDIA_TYPES);
    blobs.push([{ mediaType: m.mediaType, digest: m.digest, size: m.bytes.length }, m.bytes]);
    parsed = parseManifest(m.bytes, m.mediaType, `manifest ${chosen.digest} (${formatPlatform(wanted)})`);
    if (parsed.kind !== 'manifest') throw notFound(context, `nested index ${chosen.digest} is not supported`);
  }
  const manifest = parsed.manifest;

  const configWasHere = (await downloadBlob(stores.content, client, repo, manifest.config)) === 'exists';
  const config = parseImageConfig(await stores.content.readAll(manifest.config.digest), `config of ${familiarString(ref)}`);

  for (const layer of manifest.layers) progress({ id: shortId(layer.digest), status: 'Pulling fs layer' });
  const present = new Set<string>();
  const downloads = limitedParallel(manifest.layers, options.concurrency ?? 3, async (layer) => {
    const outcome = await downloadBlob(stores.content, client, repo, layer, progress);
    if (outcome === 'exists') {
      present.add(layer.digest);
      progress({ id: shortId(layer.digest), status: 'Already exists' });
    }
  });
  for (const d of downloads) d.catch(() => {}); // awaited below; never an unhandled rejection
  try {
    // Unpack in order, each layer as soon as it and the ones below it are here.
    await unpackImage(stores, manifest.layers, config, {
      ready: (i) => downloads[i] as Promise<void>,
      wasPresent: (i) => present.has(manifest.layers[i]?.digest ?? ''),
      onProgress: progress,
      context,
    });
    await Promise.all(downloads);
  } catch (e) {
    // Let the other downloads finish or fail before reporting: nothing keeps running behind the caller.
    await Promise.allSettled(downloads);
    // Unpack errors already start with the image ("image "x": layer …"): name it once, not twice.
    throw isBerthError(e) && !e.message.startsWith(`${context}: `) ? e.within(context) : e;
  }

  // Manifests last: a blob present means its image is complete.
  for (const [desc, bytes] of blobs) await writeBlob(stores.content, `pull-${desc.digest}`, Readable.from([bytes]), desc);
  // A pull by digest is stored by digest; a pull by tag by tag (the digest is then what the tag points at).
  const stored = ref.tag ? fullString({ domain: ref.domain, path: ref.path, tag: ref.tag }) : fullString(ref);
  const previous = await stores.images.get(stored).catch(() => undefined);
  await stores.images.put(stored, topDesc);
  // Every blob was already here: the downloads said so, no need to ask the store again.
  const hadAll = configWasHere && manifest.layers.every((l) => present.has(l.digest));
  const upToDate = hadAll && previous?.target.digest === topDesc.digest;
  progress({ id: '', status: `Digest: ${topDesc.digest}` });
  progress({ id: '', status: `Status: ${upToDate ? 'Image is up to date for' : 'Downloaded newer image for'} ${familiarString(ref)}` });
  return { name: stored, digest: topDesc.digest, id: manifest.config.digest, downloaded: !hadAll };
}

/** Starts `fn` on every item with at most `limit` running; returns one promise per item, in order. */
function limitedParallel<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void>[] {
  let running = 0;
  const queue: (() => void)[] = [];
  return items.map(
    (item) =>
      new Promise<void>((resolve, reject) => {
        const start = () => {
          running++;
          fn(item)
            .then(resolve, reject)
            .finally(() => {
              running--;
              queue.shift()?.();
            });
        };
        if (running < limit) start();
        else queue.push(start);
      }),
  );
}
