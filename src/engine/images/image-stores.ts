import path from 'node:path';

import { LocalContentStore } from '../../image/content-store.js';
import { ImageStore } from '../../image/image-store.js';
import { OverlaySnapshotter } from '../../snapshot/overlay.js';

/**
 * Everything the image side keeps under berth's root: blobs by digest,
 * image names, and the unpacked layer chains. One instance per root.
 */
export interface ImageStores {
  root: string;
  content: LocalContentStore;
  images: ImageStore;
  snapshots: OverlaySnapshotter;
}

export async function openImageStores(root: string): Promise<ImageStores> {
  return {
    root,
    content: new LocalContentStore(root),
    images: new ImageStore(root),
    snapshots: await OverlaySnapshotter.open(path.join(root, 'snapshots')),
  };
}
