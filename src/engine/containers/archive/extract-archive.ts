/**
 * `PUT /containers/{id}/archive?path=`: extracts an uploaded tar (plain,
 * gzip or zstd, as dockerd also takes it compressed) into a directory of
 * the container. The path is resolved in the container, its last
 * component followed too (extracting "into" a symlink to a directory is
 * allowed); it must be an existing directory. See archive-extractor.ts for
 * what happens to each entry.
 */
import { lstatSync, statSync, type Stats } from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';

import { BerthError, errnoCode, failedPrecondition, internal, invalidArgument } from '../../../errors.js';
import { decompressLayer } from '../../../image/unpack/decompress.js';
import { ToolError } from '../../../image/unpack/special-files.js';
import { readTar } from '../../../image/unpack/tar-reader.js';
import { ArchiveExtractor, type ExtractOptions } from './archive-extractor.js';
import { absContainerPath } from './container-path.js';
import { fileNotFound, type PathOptions } from './path-stat.js';
import { resolveInRoot } from './scoped-path.js';

export type ExtractArchiveOptions = ExtractOptions & PathOptions;

export async function extractArchive(
  root: string,
  containerPath: string,
  tar: AsyncIterable<Uint8Array>,
  options: ExtractArchiveOptions = {},
): Promise<void> {
  const r = path.resolve(root);
  const dest = resolveInRoot(r, absContainerPath(containerPath), true);
  let st: Stats;
  try {
    // The root itself may be the /proc/<pid>/root link: stat, not lstat.
    st = dest.hostPath === r ? statSync(r) : lstatSync(dest.hostPath);
  } catch (e) {
    const code = errnoCode(e);
    if (code === 'ENOENT' || code === 'ENOTDIR') throw fileNotFound(containerPath, options);
    throw e;
  }
  if (!st.isDirectory()) throw invalidArgument('', 'extraction point is not a directory');

  const source = await nonEmpty(tar);
  // An empty upload is an empty archive, as Go's tar reader (and so dockerd) sees it.
  if (source === undefined) return;
  try {
    const stream = await decompressLayer(source, '', 'archive');
    const extractor = new ArchiveExtractor(r, dest.containerPath, options);
    for await (const entry of readTar(stream)) await extractor.apply(entry);
    await extractor.finish();
  } catch (e) {
    throw asExtractError(e, dest.containerPath);
  }
}

/** File system failures as the categories the API reports; BerthErrors pass as they are. */
function asExtractError(e: unknown, dest: string): unknown {
  if (e instanceof BerthError) return e;
  const ctx = `extracting into ${dest}`;
  const code = errnoCode(e) ?? (e instanceof ToolError ? e.code : undefined);
  const message = e instanceof Error ? e.message : String(e);
  if (code === 'ENOSPC' || code === 'EDQUOT') return failedPrecondition(ctx, 'no space left on device');
  // A read-only rootfs or volume, as the running container sees it.
  if (code === 'EROFS') return invalidArgument(ctx, 'read-only file system');
  if (code?.startsWith('Z_') === true) return invalidArgument(ctx, `corrupt gzip data: ${message}`);
  return internal(ctx, message, e);
}

/** The source as a stream, or undefined when it holds no bytes at all. */
async function nonEmpty(source: AsyncIterable<Uint8Array>): Promise<Readable | undefined> {
  const it = source[Symbol.asyncIterator]();
  let first: Uint8Array | undefined;
  while (first === undefined) {
    const r = await it.next();
    if (r.done === true) return undefined;
    if (r.value.length > 0) first = r.value;
  }
  const head = first;
  async function* rest(): AsyncGenerator<Uint8Array, void, undefined> {
    try {
      yield head;
      for (let r = await it.next(); r.done !== true; r = await it.next()) yield r.value;
    } finally {
      await it.return?.(); // stopped early: let the source release what it holds
    }
  }
  return Readable.from(rest(), { objectMode: false });
}
