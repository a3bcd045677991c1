/**
 * Reads a whole image archive (a tar, gzip- or zstd-compressed or not: the
 * first bytes decide) into an EntrySpool. Anything wrong with the bytes
 * (not a tar, truncated, corrupt compression) becomes InvalidArgument
 * "invalid archive: …".
 */
import { Readable } from 'node:stream';

import { errnoCode, invalidArgument, isBerthError } from '../../errors.js';
import { decompressed } from './decompressed.js';
import { readTar } from '../unpack/tar-reader.js';
import type { EntrySpool } from './entry-spool.js';

export const INVALID_ARCHIVE = 'invalid archive';

/** A stream's error as an "invalid archive" one when it is about the bytes; other errors (I/O) as they are. */
export function archiveError(e: unknown, context = INVALID_ARCHIVE, entries = 1): unknown {
  const code = errnoCode(e);
  if (code !== undefined && code.startsWith('Z_') && e instanceof Error) {
    const detail = code === 'Z_BUF_ERROR' ? 'truncated gzip stream' : `corrupt gzip stream: ${e.message}`;
    return invalidArgument(context, detail);
  }
  if (isBerthError(e, 'InvalidArgument') && e.context === 'tar stream' && entries === 0) {
    // Failing on the very first header (not inside an entry's data): the input is not a tar at all.
    const firstHeader = !e.detail.startsWith('truncated') || e.detail.endsWith('a header block');
    if (firstHeader) return invalidArgument(context, `not a tar archive (${e.detail})`);
  }
  if (isBerthError(e, 'InvalidArgument')) {
    return e.context === context || e.message.startsWith(`${context}:`) ? e : e.within(context);
  }
  return e;
}

/** The source as a Readable, decompressed when it is gzip or zstd. */
export async function uncompressed(source: AsyncIterable<Uint8Array>, context: string): Promise<Readable> {
  const stream = source instanceof Readable ? source : Readable.from(source, { objectMode: false });
  try {
    return await decompressed(stream, '', context);
  } catch (e) {
    throw archiveError(e, context);
  }
}

/** Spools every entry; returns how many there were. */
export async function spoolArchive(source: AsyncIterable<Uint8Array>, spool: EntrySpool): Promise<number> {
  let entries = 0;
  try {
    const tar = await uncompressed(source, INVALID_ARCHIVE);
    for await (const entry of readTar(tar)) {
      entries++;
      await spool.add(entry);
    }
  } catch (e) {
    throw archiveError(e, INVALID_ARCHIVE, entries);
  }
  if (entries === 0) throw invalidArgument(INVALID_ARCHIVE, 'no entries: not a tar archive, or an empty one');
  return entries;
}
