import { isBerthError } from '../../errors.js';
import type { ImageStores } from './image-stores.js';
import { chainOf, type LocalImage } from './local-images.js';

/**
 * Per-layer sizes: what each unpacked layer takes on disk, or, for a layer
 * not unpacked here, its size in the content store (compressed).
 */
export async function layerSizes(stores: ImageStores, img: LocalImage): Promise<number[]> {
  const chain = chainOf(img);
  return Promise.all(
    img.resolved.layers.map(async (layer, i) => {
      try {
        return (await stores.snapshots.usage(chain[i] as string)).size;
      } catch (e) {
        if (isBerthError(e, 'NotFound')) return layer.size;
        throw e;
      }
    }),
  );
}

export async function imageSize(stores: ImageStores, img: LocalImage): Promise<number> {
  return (await layerSizes(stores, img)).reduce((a, b) => a + b, 0);
}
