import { failedPrecondition, isBerthError } from '../../errors.js';
import type { Descriptor } from '../../image/descriptor.js';
import type { ImageConfig } from '../../image/image-config.js';
import { applyLayerToSnapshot } from '../../snapshot/apply-layer.js';
import { chainId } from '../../snapshot/chain-id.js';
import type { ImageStores } from './image-stores.js';
import { shortId, type ProgressListener } from './progress.js';

export interface UnpackOptions {
  /** resolves when layer i is in the content store (pull overlaps download and unpack) */
  ready?: (i: number) => Promise<void>;
  /** layer i was already here before this pull (its progress line already says "Already exists") */
  wasPresent?: (i: number) => boolean;
  onProgress?: ProgressListener;
  context: string;
}

/**
 * Unpacks an image's layers, bottom up, into the snapshots of its layer
 * chain; chains already unpacked (by any image) are reused. Returns the
 * chainID of the top layer: the parent of a container's writable layer.
 */
export async function unpackImage(stores: ImageStores, layers: Descriptor[], config: ImageConfig, options: UnpackOptions): Promise<string | undefined> {
  const diffIds = config.rootfs.diff_ids;
  if (diffIds.length !== layers.length) {
    throw failedPrecondition(options.context, `the manifest has ${layers.length} layers but the config lists ${diffIds.length} diff_ids`);
  }
  const progress = options.onProgress ?? (() => {});
  let parent: string | undefined;
  for (const [i, layer] of layers.entries()) {
    await options.ready?.(i);
    const id = shortId(layer.digest);
    const diffId = diffIds[i] as string;
    const chain = chainId(parent, diffId);
    if (await isCommitted(stores, chain)) {
      // Unpacked before, by this image or another with the same lower layers;
      // a blob fetched anyway (another compression of the same layer) is done.
      if (options.wasPresent && !options.wasPresent(i)) progress({ id, status: 'Pull complete' });
      parent = chain;
      continue;
    }
    progress({ id, status: 'Extracting', current: 0, total: layer.size });
    const applied = await applyLayerToSnapshot(stores.snapshots, parent, await stores.content.read(layer.digest), layer.mediaType, diffId, {
      context: `${options.context}: layer ${layer.digest}`,
    });
    progress({ id, status: 'Pull complete' });
    parent = applied.chainId;
  }
  return parent;
}

async function isCommitted(stores: ImageStores, chain: string): Promise<boolean> {
  try {
    return (await stores.snapshots.stat(chain)).kind === 'committed';
  } catch (e) {
    if (isBerthError(e, 'NotFound')) return false;
    throw e;
  }
}
