/**
 * A layer blob to its uncompressed tar stream. The first bytes decide (as in
 * containerd): gzip and zstd have magic numbers, tar has none. The media
 * type is checked against them: a blob declared gzip or zstd that is neither
 * is refused rather than read as a tar.
 */
import { Readable, pipeline } from 'node:stream';
import { createGunzip } from 'node:zlib';

import { invalidArgument } from '../../errors.js';
import { layerCompression, type LayerCompression } from '../media-types.js';
import { zstdDecompress } from './zstd.js';

export type SniffedCompression = LayerCompression | 'bzip2' | 'xz';

const GZIP = [0x1f, 0x8b];
const ZSTD = [0x28, 0xb5, 0x2f, 0xfd];
const XZ = [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00];
const BZIP2 = [0x42, 0x5a, 0x68]; // "BZh"

const startsWith = (b: Uint8Array, magic: number[]): boolean => magic.every((m, i) => b[i] === m);

/** What the first bytes of a blob say it is; "none" for anything without a known magic (a tar). */
export function sniffCompression(head: Uint8Array): SniffedCompression {
  if (startsWith(head, GZIP)) return 'gzip';
  if (startsWith(head, ZSTD)) return 'zstd';
  if (startsWith(head, XZ)) return 'xz';
  if (startsWith(head, BZIP2)) return 'bzip2';
  return 'none';
}

const PEEK = 6;

/** Reads the first `n` bytes and gives back a stream that still starts with them. */
async function peek(source: Readable, n: number): Promise<{ head: Buffer; stream: Readable }> {
  const it = source[Symbol.asyncIterator]() as AsyncIterator<Uint8Array>;
  const seen: Buffer[] = [];
  let have = 0;
  let ended = false;
  while (have < n) {
    const r = await it.next();
    if (r.done === true) {
      ended = true;
      break;
    }
    const chunk = Buffer.from(r.value.buffer, r.value.byteOffset, r.value.byteLength);
    seen.push(chunk);
    have += chunk.length;
  }
  const head = Buffer.concat(seen);
  async function* rest(): AsyncGenerator<Buffer, void, undefined> {
    let finished = false;
    try {
      if (head.length > 0) yield head;
      while (!ended) {
        const r = await it.next();
        if (r.done === true) break;
        yield Buffer.from(r.value.buffer, r.value.byteOffset, r.value.byteLength);
      }
      finished = true;
    } finally {
      if (!finished) await it.return?.();
    }
  }
  return { head, stream: Readable.from(rest(), { objectMode: false }) };
}

/**
 * The uncompressed tar stream of a layer blob. `mediaType` may be empty
 * (unknown): then the bytes alone decide.
 */
export async function decompressLayer(source: Readable, mediaType: string, context = 'layer'): Promise<Readable> {
  const { head, stream } = await peek(source, PEEK);
  const sniffed = sniffCompression(head);
  const declared = layerCompression(mediaType);
  if (sniffed === 'xz' || sniffed === 'bzip2') {
    stream.destroy();
    throw invalidArgument(context, `unsupported compression ${sniffed} (only gzip and zstd are)`);
  }
  if (sniffed === 'none' && (declared === 'gzip' || declared === 'zstd')) {
    stream.destroy();
    throw invalidArgument(context, `media type ${mediaType} says ${declared}, but the data is not ${declared}`);
  }
  const tar = open(stream, sniffed, context);
  // The caller may start reading a moment later (or stop early). A stream
  // destroyed with an error meanwhile must not crash the process for want
  // of a listener; its reader still gets the error from iteration.
  tar.on('error', () => undefined);
  return tar;
}

function open(stream: Readable, compression: LayerCompression, context: string): Readable {
  switch (compression) {
    case 'gzip': {
      const gunzip = createGunzip({ chunkSize: 1 << 16 });
      // Errors on either side end up on gunzip, which the caller reads.
      pipeline(stream, gunzip, () => undefined);
      return gunzip;
    }
    case 'zstd':
      return zstdDecompress(stream, context);
    case 'none':
      return stream;
  }
}
