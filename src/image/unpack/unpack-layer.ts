/**
 * A layer blob (compressed or not) to a directory, with its diffID: the
 * sha256 of the uncompressed tar, every byte of it, computed while
 * unpacking, for the caller to check against the image config's
 * rootfs.diff_ids.
 *
 * `unpackLayer` is all-or-nothing: it unpacks into a temporary sibling of
 * the final directory and renames it into place only on success; on any
 * failure (an unsafe entry, a truncated or corrupt stream, a full disk) the
 * temporary directory is removed and nothing is left behind.
 */
import { createHash, randomBytes } from 'node:crypto';
import { chmod, lstat, mkdir, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';

import { BerthError, alreadyExists, errnoCode, failedPrecondition, internal, invalidArgument } from '../../errors.js';
import { applyLayer, type ApplyOptions } from './apply-layer.js';
import { decompressLayer } from './decompress.js';

export interface UnpackResult {
  /** "sha256:<hex>" of the uncompressed tar stream */
  diffId: string;
  /** bytes of the uncompressed tar stream */
  size: number;
  /** tar entries seen */
  entries: number;
}

/** An error of unpacking as the caller sees it, naming the layer. */
function asLayerError(e: unknown, ctx: string, dir: string): BerthError {
  if (e instanceof BerthError) return e.context.startsWith(ctx) ? e : e.within(ctx);
  const code = errnoCode(e);
  const message = e instanceof Error ? e.message : String(e);
  if (code === 'ENOSPC') return failedPrecondition(ctx, `no space left on device while unpacking into ${dir}`);
  if (code === 'EDQUOT') return failedPrecondition(ctx, `disk quota exceeded while unpacking into ${dir}`);
  if (code?.startsWith('Z_') === true) return invalidArgument(ctx, `corrupt gzip data: ${message}`);
  return internal(ctx, `unpacking into ${dir} failed: ${message}`, e);
}

/**
 * Unpacks a layer blob into `dir`, an existing directory (a snapshot's fs
 * directory). On failure `dir` holds a partial layer: the caller removes it.
 * `mediaType` may be "" when unknown; the magic bytes decide anyway.
 */
export async function extractLayer(
  stream: Readable,
  dir: string,
  mediaType: string,
  opts: ApplyOptions = {},
): Promise<UnpackResult> {
  const ctx = opts.context ?? 'layer';
  try {
    const tar = await decompressLayer(stream, mediaType, ctx);
    const hash = createHash('sha256');
    let size = 0;
    async function* digesting(): AsyncGenerator<Uint8Array, void, undefined> {
      for await (const chunk of tar) {
        const buf = chunk as Buffer;
        hash.update(buf);
        size += buf.length;
        yield buf;
      }
    }
    const { entries } = await applyLayer(digesting(), dir, { ...opts, context: ctx });
    return { diffId: `sha256:${hash.digest('hex')}`, size, entries };
  } catch (e) {
    stream.destroy();
    throw asLayerError(e, ctx, dir);
  }
}

/**
 * Unpacks a layer blob to `finalDir`, which must not exist yet, through
 * `finalDir.tmp-<random>`: either the whole layer is there afterwards, or
 * nothing is.
 */
export async function unpackLayer(
  stream: Readable,
  finalDir: string,
  mediaType: string,
  opts: ApplyOptions = {},
): Promise<UnpackResult> {
  const ctx = opts.context ?? 'layer';
  const target = path.resolve(finalDir);
  const exists = await lstat(target).then(
    () => true,
    (e: unknown) => {
      if (errnoCode(e) === 'ENOENT') return false;
      throw e;
    },
  );
  if (exists) {
    stream.destroy();
    throw alreadyExists(`layer directory ${JSON.stringify(target)}`);
  }
  const tmp = `${target}.tmp-${randomBytes(6).toString('hex')}`;
  await mkdir(path.dirname(target), { recursive: true });
  await mkdir(tmp, { mode: 0o755 });
  try {
    await chmod(tmp, 0o755); // whatever the umask: the layer root must be traversable
    const result = await extractLayer(stream, tmp, mediaType, opts);
    try {
      await rename(tmp, target);
    } catch (e) {
      const code = errnoCode(e);
      if (code === 'EEXIST' || code === 'ENOTEMPTY') throw alreadyExists(`layer directory ${JSON.stringify(target)}`);
      throw asLayerError(e, ctx, target);
    }
    return result;
  } catch (e) {
    await rm(tmp, { recursive: true, force: true });
    throw e;
  }
}
