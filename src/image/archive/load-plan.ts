/**
 * What loading an archive will do, worked out before anything is
 * committed: each image's blobs (children before parents) with where their
 * bytes come from, and the names to give it. Carrying out a plan commits
 * every blob of every image first and only then tags, so a load that fails
 * half way leaves every name as it was.
 */
import { randomUUID } from 'node:crypto';

import type { ContentStore } from '../content-store.js';
import type { Descriptor } from '../descriptor.js';
import type { ImageStore } from '../image-store.js';
import { writeBlob } from '../write-blob.js';
import type { EntrySpool, SpooledFile } from './entry-spool.js';

export type BlobSource =
  /** a file of the archive */
  | { kind: 'file'; file: SpooledFile }
  /** made by the loader (a manifest for a docker-save image) */
  | { kind: 'bytes'; data: Buffer }
  /** not in the archive, but already in the content store */
  | { kind: 'present' };

export interface PlannedBlob {
  digest: string;
  size: number;
  source: BlobSource;
}

export interface PlannedImage {
  /** full names ("docker.io/library/busybox:latest"); may be empty */
  names: string[];
  target: Descriptor;
  blobs: PlannedBlob[];
}

export interface LoadedImage {
  names: string[];
  target: Descriptor;
}

/** Commits every blob of every image, then tags them all. */
export async function carryOut(
  plans: PlannedImage[],
  spool: EntrySpool,
  content: ContentStore,
  images: Pick<ImageStore, 'put'>,
): Promise<LoadedImage[]> {
  const done = new Set<string>();
  for (const plan of plans) {
    for (const blob of plan.blobs) {
      if (done.has(blob.digest)) continue;
      const expected = { digest: blob.digest, size: blob.size };
      if (blob.source.kind === 'file') await spool.commit(blob.source.file, expected);
      else if (blob.source.kind === 'bytes') await writeBlob(content, `archive-${randomUUID()}`, blob.source.data, expected);
      done.add(blob.digest);
    }
  }
  const out: LoadedImage[] = [];
  for (const plan of plans) {
    for (const name of plan.names) await images.put(name, plan.target);
    out.push({ names: [...plan.names], target: plan.target });
  }
  return out;
}

/** Images with the same target become one, with the names of all. */
export function mergeByTarget(plans: PlannedImage[]): PlannedImage[] {
  const byDigest = new Map<string, PlannedImage>();
  for (const p of plans) {
    const seen = byDigest.get(p.target.digest);
    if (seen === undefined) byDigest.set(p.target.digest, { ...p, names: [...p.names] });
    else for (const n of p.names) if (!seen.names.includes(n)) seen.names.push(n);
  }
  return [...byDigest.values()];
}
