/**
 * ChainIDs name a stack of layers (OCI image-spec, "Layer ChainID"):
 * ChainID(L0) = DiffID(L0), ChainID(Ln) = sha256(ChainID(Ln-1) + " " + DiffID(Ln)).
 * Committed snapshots are named by them, so every image built on the same
 * layers shares the same snapshots.
 */
import { createHash } from 'node:crypto';

import { invalidArgument } from '../errors.js';
import { isDigest } from '../image/digest.js';

function check(digest: string, what: string): void {
  if (!isDigest(digest)) throw invalidArgument(`${what} ${JSON.stringify(digest)}`, 'want "sha256:<64 hex digits>"');
}

/** The chainID of layer `diffId` on top of the stack `parent` (undefined: the bottom layer). */
export function chainId(parent: string | undefined, diffId: string): string {
  check(diffId, 'diffID');
  if (parent === undefined) return diffId;
  check(parent, 'chainID');
  return `sha256:${createHash('sha256').update(`${parent} ${diffId}`).digest('hex')}`;
}

/** The chainIDs of each prefix of `diffIds` (bottom layer first), as many as diffIds. */
export function chainIds(diffIds: readonly string[]): string[] {
  const out: string[] = [];
  let parent: string | undefined;
  for (const d of diffIds) {
    parent = chainId(parent, d);
    out.push(parent);
  }
  return out;
}
