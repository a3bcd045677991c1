import { rm } from 'node:fs/promises';

import { failedPrecondition, isBerthError } from '../../errors.js';
import type { Descriptor } from '../../image/descriptor.js';
import type { ImageConfig } from '../../image/image-config.js';
import { commitStagedLayer, stageLayer, type StagedLayer } from '../../snapshot/apply-layer.js';
import { chainIds } from '../../snapshot/chain-id.js';
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

/** Layers unpacked at the same time: the unpacking is CPU-bound (decompression, file creation). */
const PARALLEL_UNPACKS = 2;

/**
 * Unpacks an image's layers into the snapshots of its layer chain and
 * returns the chainID of the top one: the parent of a container's writable
 * layer. Chains already unpacked (by any image) are reused. A layer's tree
 * does not depend on the layers below it, so layers are unpacked side by
 * side into staging directories as soon as each is downloaded, and
 * committed bottom up.
 */
export async function unpackImage(stores: ImageStores, layers: Descriptor[], config: ImageConfig, options: UnpackOptions): Promise<string | undefined> {
  const diffIds = config.rootfs.diff_ids;
  if (diffIds.length !== layers.length) {
    throw failedPrecondition(options.context, `the manifest has ${layers.length} layers but the config lists ${diffIds.length} diff_ids`);
  }
  const progress = options.onProgress ?? (() => {});
  const chains = chainIds(diffIds);
  const done = await Promise.all(chains.map((c) => isCommitted(stores, c)));
  const context = (layer: Descriptor) => `${options.context}: layer ${layer.digest}`;

  const slots = new Semaphore(PARALLEL_UNPACKS);
  const staged: (Promise<StagedLayer> | undefined)[] = layers.map((layer, i) =>
    done[i]
      ? undefined
      : (async () => {
          await options.ready?.(i);
          return slots.run(async () => {
            progress({ id: shortId(layer.digest), status: 'Extracting', current: 0, total: layer.size });
            return stageLayer(stores.snapshots, await stores.content.read(layer.digest), layer.mediaType, { context: context(layer) });
          });
        })(),
  );
  for (const p of staged) p?.catch(() => {}); // awaited below, in order

  let parent: string | undefined;
  try {
    for (const [i, layer] of layers.entries()) {
      const id = shortId(layer.digest);
      const pending = staged[i];
      if (!pending) {
        // Unpacked before; a blob fetched anyway (another compression of the same layer) is done too,
        // once its download has said how it went.
        await options.ready?.(i);
        if (options.wasPresent && !options.wasPresent(i)) progress({ id, status: 'Pull complete' });
        parent = chains[i];
        continue;
      }
      const applied = await commitStagedLayer(stores.snapshots, parent, await pending, diffIds[i] as string, { context: context(layer) });
      progress({ id, status: 'Pull complete' });
      parent = applied.chainId;
    }
    return parent;
  } catch (e) {
    // Staged layers not committed are removed; wait for those still unpacking.
    for (const p of staged) {
      const s = await p?.catch(() => undefined);
      if (s) await rm(s.dir, { recursive: true, force: true }).catch(() => undefined);
    }
    throw e;
  }
}

async function isCommitted(stores: ImageStores, chain: string): Promise<boolean> {
  try {
    return (await stores.snapshots.stat(chain)).kind === 'committed';
  } catch (e) {
    if (isBerthError(e, 'NotFound')) return false;
    throw e;
  }
}

class Semaphore {
  private waiting: (() => void)[] = [];
  constructor(private free: number) {}

  async run<T>(fn: () => Promise<T>): Promise<T> {
    if (this.free === 0) await new Promise<void>((r) => this.waiting.push(r));
    else this.free--;
    try {
      return await fn();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.free++;
    }
  }
}
