/**
 * Importing one image layer as a committed snapshot named by its chainID:
 * unpack it into a staging directory (whiteouts become overlay whiteouts,
 * see image/unpack), check the diffID, prepare a snapshot on the parent
 * chain, rename the staged tree into its upper directory, commit. On any
 * failure what was made is removed; nothing half-unpacked is ever committed.
 */
import { randomBytes } from 'node:crypto';
import { readdir, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';

import { failedPrecondition, invalidArgument, isBerthError } from '../errors.js';
import { checkDigest } from '../image/digest.js';
import type { ApplyOptions } from '../image/unpack/apply-layer.js';
import { extractLayer } from '../image/unpack/unpack-layer.js';
import { chainId as chainIdOf } from './chain-id.js';
import type { Mount } from './mount.js';
import type { OverlaySnapshotter } from './overlay.js';
import type { Snapshotter } from './snapshotter.js';

export interface AppliedLayer {
  chainId: string;
  diffId: string;
  /** false when a snapshot of this chain already existed and the stream was not read */
  unpacked: boolean;
}

export type ApplyLayerOptions = Pick<ApplyOptions, 'onWarning' | 'context'>;

/** The writable directory of an active snapshot's mounts: the overlay upper dir, or the bind source. */
export function layerDirOf(mounts: readonly Mount[]): string {
  const [m] = mounts;
  if (mounts.length === 1 && m !== undefined) {
    if (m.type === 'bind' && !m.options.includes('ro')) return m.source;
    if (m.type === 'overlay') {
      const upper = m.options.find((o) => o.startsWith('upperdir='));
      if (upper !== undefined) return upper.slice('upperdir='.length);
    }
  }
  throw invalidArgument('snapshot mounts', `no writable layer directory in ${JSON.stringify(mounts)}`);
}

/**
 * Unpacks `layer` (a blob of media type `mediaType`, compressed or not) on
 * top of the committed snapshot `parentChainId` (undefined for the bottom
 * layer) and commits it as the chainID of `expectedDiffId`: stageLayer then
 * commitStagedLayer, one after the other. The stream is destroyed, read or
 * not. A diffID that does not match is InvalidArgument.
 */
export async function applyLayerToSnapshot(
  sn: OverlaySnapshotter,
  parentChainId: string | undefined,
  layer: Readable,
  mediaType: string,
  expectedDiffId: string,
  opts: ApplyLayerOptions = {},
): Promise<AppliedLayer> {
  const ctx = opts.context ?? `layer ${expectedDiffId}`;
  try {
    checkDigest(expectedDiffId, 'diffID');
    const chainId = chainIdOf(parentChainId, expectedDiffId);
    if ((await snapshotKind(sn, chainId)) === 'committed') {
      layer.destroy();
      return { chainId, diffId: expectedDiffId, unpacked: false };
    }
  } catch (e) {
    layer.destroy();
    throw e;
  }
  const staged = await stageLayer(sn, layer, mediaType, { ...opts, context: ctx });
  return commitStagedLayer(sn, parentChainId, staged, expectedDiffId, { ...opts, context: ctx });
}

/** The kind of snapshot `name`, or undefined when there is none. */
async function snapshotKind(sn: Snapshotter, name: string): Promise<string | undefined> {
  try {
    return (await sn.stat(name)).kind;
  } catch (e) {
    if (isBerthError(e, 'NotFound')) return undefined;
    throw e;
  }
}

async function emptyDir(dir: string): Promise<void> {
  for (const name of await readdir(dir)) await rm(path.join(dir, name), { recursive: true, force: true });
}

/** A layer unpacked into a staging directory, not yet a snapshot. */
export interface StagedLayer {
  dir: string;
  diffId: string;
}

/**
 * Unpacks a layer with no snapshot yet: the unpacked tree of a layer does
 * not depend on the layers below it, so the layers of one image can be
 * unpacked at the same time and committed in order afterwards with
 * commitStagedLayer. On failure nothing is left.
 */
export async function stageLayer(sn: OverlaySnapshotter, layer: Readable, mediaType: string, opts: ApplyLayerOptions = {}): Promise<StagedLayer> {
  const dir = await sn.stagingDir();
  try {
    const { diffId } = await extractLayer(layer, dir, mediaType, opts);
    return { dir, diffId };
  } catch (e) {
    layer.destroy();
    await rm(dir, { recursive: true, force: true }).catch(() => undefined);
    throw e;
  }
}

/**
 * Turns a staged layer into the committed snapshot of its chain on top of
 * `parentChainId` (which must be committed by now): the staging directory
 * becomes the new snapshot's upper directory by a rename. The staging
 * directory is consumed either way.
 */
export async function commitStagedLayer(
  sn: OverlaySnapshotter,
  parentChainId: string | undefined,
  staged: StagedLayer,
  expectedDiffId: string,
  opts: ApplyLayerOptions = {},
): Promise<AppliedLayer> {
  const ctx = opts.context ?? `layer ${expectedDiffId}`;
  let key: string | undefined;
  let dir: string | undefined;
  try {
    if (staged.diffId !== expectedDiffId) {
      throw invalidArgument(ctx, `diffID mismatch: the layer unpacks to ${staged.diffId}, the image config says ${expectedDiffId}`);
    }
    const chainId = chainIdOf(parentChainId, expectedDiffId);
    const existing = await snapshotKind(sn, chainId);
    if (existing === 'committed') return { chainId, diffId: expectedDiffId, unpacked: false };
    if (existing !== undefined) throw failedPrecondition(`snapshot ${JSON.stringify(chainId)}`, `is ${existing}, not a committed layer`);
    key = `extract-${randomBytes(8).toString('hex')} ${chainId}`;
    dir = layerDirOf(await sn.prepare(key, parentChainId));
    // rename(2) replaces the new snapshot's empty upper directory.
    await rename(staged.dir, dir);
    try {
      await sn.commit(chainId, key);
      key = undefined;
    } catch (e) {
      if (!isBerthError(e, 'AlreadyExists') || (await sn.stat(chainId)).kind !== 'committed') throw e;
    }
    return { chainId, diffId: expectedDiffId, unpacked: true };
  } finally {
    await rm(staged.dir, { recursive: true, force: true }).catch(() => undefined);
    if (key !== undefined) {
      if (dir !== undefined) await emptyDir(dir).catch(() => undefined);
      await sn.remove(key).catch(() => undefined);
    }
  }
}
