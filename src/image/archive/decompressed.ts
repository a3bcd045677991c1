/**
 * decompressLayer, made safe to hold before reading. Its gzip stream can
 * fail before the caller starts reading (a truncated file is found out at
 * its end, while the caller still awaits something else): with no 'error'
 * listener yet, that error would be uncaught and end the process. The
 * listener added here only keeps it from being uncaught; the stream is
 * destroyed with the error, and whoever reads it gets the error then.
 */
import type { Readable } from 'node:stream';

import { decompressLayer } from '../unpack/decompress.js';

export async function decompressed(source: Readable, mediaType: string, context: string): Promise<Readable> {
  const out = await decompressLayer(source, mediaType, context);
  out.on('error', () => undefined);
  return out;
}
