/**
 * Archive files whose names are digests: `blobs/sha256/<hex>` (OCI layouts,
 * newer docker save) and `<hex>.json` (configs in docker save). A file whose
 * bytes do not hash to its name is corrupt or tampered with, whatever
 * refers to it.
 */
import { invalidArgument } from '../../errors.js';
import type { SpooledFile } from './entry-spool.js';
import { INVALID_ARCHIVE } from './read-archive.js';

/** Largest JSON document (manifest, index, config) read whole. */
export const MAX_JSON = 16 << 20;

const CONTENT_NAME = /^(?:blobs\/sha256\/([a-f0-9]{64})|([a-f0-9]{64})\.json)$/;

/** `blobs/sha256/<hex>` */
export const blobPath = (digest: string): string => `blobs/sha256/${digest.slice('sha256:'.length)}`;

/** The digest a file's name promises, if it promises one. */
export function namedDigest(name: string): string | undefined {
  const m = CONTENT_NAME.exec(name);
  const hex = m?.[1] ?? m?.[2];
  return hex === undefined ? undefined : `sha256:${hex}`;
}

export function checkContentName(file: SpooledFile): void {
  const want = namedDigest(file.name);
  if (want !== undefined && want !== file.digest) {
    throw invalidArgument(INVALID_ARCHIVE, `digest mismatch: ${JSON.stringify(file.name)} has digest ${file.digest}`);
  }
}
