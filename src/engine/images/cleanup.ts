import { collectGarbage } from '../../image/gc.js';
import type { ImageStores } from './image-stores.js';
import { chainOf, localImages } from './local-images.js';

export interface CleanupResult {
  removedSnapshots: string[];
  removedBlobs: string[];
  reclaimedBytes: number;
}

/**
 * Removes what no image and no container needs any more: committed layer
 * snapshots outside every image's chain and below no container's writable
 * layer (children first), then unreferenced blobs. Never touches an active
 * snapshot: those are containers'.
 */
export async function cleanupUnused(stores: ImageStores): Promise<CleanupResult> {
  const snapshots = await stores.snapshots.list();
  const byName = new Map(snapshots.map((s) => [s.name, s]));
  const keep = new Set<string>();
  for (const img of await localImages(stores)) for (const c of chainOf(img)) keep.add(c);
  for (const s of snapshots) {
    if (s.kind === 'committed') continue;
    for (let p = s.parent; p !== undefined; p = byName.get(p)?.parent) keep.add(p);
  }
  const depth = (name: string): number => {
    let d = 0;
    for (let p = byName.get(name)?.parent; p !== undefined; p = byName.get(p)?.parent) d++;
    return d;
  };
  const doomed = snapshots
    .filter((s) => s.kind === 'committed' && !keep.has(s.name))
    .sort((a, b) => depth(b.name) - depth(a.name));
  let reclaimed = 0;
  const removedSnapshots: string[] = [];
  for (const s of doomed) {
    reclaimed += (await stores.snapshots.usage(s.name).catch(() => ({ size: 0 }))).size;
    await stores.snapshots.remove(s.name);
    removedSnapshots.push(s.name);
  }
  const gc = await collectGarbage(stores.content, stores.images);
  return { removedSnapshots, removedBlobs: gc.removed, reclaimedBytes: reclaimed + gc.freedBytes };
}
