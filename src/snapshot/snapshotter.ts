/**
 * Snapshotter: filesystem trees for containers, stacked from image layers
 * (the model of containerd's snapshots package).
 *
 * A snapshot is committed (read-only, a layer, parent of others), active
 * (writable, becomes committed through `commit`) or a view (read-only,
 * never committed). Snapshots are handed out as `Mount[]`; a runtime mounts
 * them where it wants the tree.
 *
 * Importing the next layer of an image:
 *
 *     const mounts = await sn.prepare('extract-1234', parentChainId);
 *     // unpack the layer into the tree the mounts describe
 *     await sn.commit(chainId, 'extract-1234');
 *
 * A container's root filesystem: `prepare(containerId, topChainId)`, mount
 * the result at the rootfs, `remove(containerId)` when the container goes.
 * A snapshot is in use while another one names it as parent: it cannot be
 * removed until those are.
 */
import type { Mount } from './mount.js';

export type SnapshotKind = 'committed' | 'active' | 'view';

export interface SnapshotInfo {
  /** the key (active, view) or name (committed) */
  name: string;
  kind: SnapshotKind;
  parent?: string;
  /** ISO 8601 */
  created: string;
  updated: string;
  labels: Record<string, string>;
}

export interface SnapshotUsage {
  /** bytes on disk (allocated blocks), hardlinked files counted once */
  size: number;
  inodes: number;
}

export interface SnapshotOptions {
  labels?: Record<string, string>;
}

export interface Snapshotter {
  /** A new active snapshot `key` on top of committed `parent` (or empty); fails if `key` exists. */
  prepare(key: string, parent?: string, opts?: SnapshotOptions): Promise<Mount[]>;
  /** A new read-only view `key` of committed `parent` (or empty). */
  view(key: string, parent?: string, opts?: SnapshotOptions): Promise<Mount[]>;
  /** Turns active snapshot `key` into committed snapshot `name`; `key` is gone afterwards. */
  commit(name: string, key: string, opts?: SnapshotOptions): Promise<void>;
  /** The mounts of an active snapshot or a view, again. */
  mounts(key: string): Promise<Mount[]>;
  /** Removes a snapshot nobody builds on. */
  remove(key: string): Promise<void>;
  stat(key: string): Promise<SnapshotInfo>;
  list(): Promise<SnapshotInfo[]>;
  usage(key: string): Promise<SnapshotUsage>;
}
