/**
 * A streaming tar writer onto a Writable, with backpressure: each `add`
 * resolves once its bytes are accepted by the stream. Bodies may be
 * buffers or streams of a size declared in advance (a tar header comes
 * before its data); a stream that turns out longer or shorter is an error,
 * never a silently corrupt archive.
 *
 *   const tar = new TarWriter(out);
 *   await tar.add({ name: 'manifest.json' }, json);
 *   await tar.add({ name: 'abc/layer.tar', size }, layerStream);
 *   await tar.finish(); // the end-of-archive blocks; `out` stays open
 */
import type { Writable } from 'node:stream';

import { failedPrecondition, invalidArgument } from '../../errors.js';
import { BLOCK, encodeTarHeader, paddingFor, type TarHeaderInput } from './tar-header-encode.js';
import { writeChunk } from './write-chunk.js';

export type { TarHeaderInput, TarWriteType } from './tar-header-encode.js';

export type TarBody = Uint8Array | string | AsyncIterable<Uint8Array>;

const ZEROS = Buffer.alloc(BLOCK * 2);

export class TarWriter {
  readonly #out: Writable;
  #written = 0;
  #busy = false;
  #finished = false;
  #error: Error | undefined;
  readonly #onError = (e: Error): void => {
    this.#error ??= e;
  };

  constructor(out: Writable) {
    this.#out = out;
    // Keeps an asynchronous write error (EPIPE, ENOSPC) from going unhandled; the next write reports it.
    out.on('error', this.#onError);
  }

  /** Bytes written so far. */
  get bytesWritten(): number {
    return this.#written;
  }

  /**
   * Writes one entry. A Uint8Array or string body sets the size; a stream
   * body needs `header.size`. Entries are written one at a time: await each.
   */
  async add(header: TarHeaderInput, body?: TarBody): Promise<void> {
    const where = `tar entry ${JSON.stringify(header.name)}`;
    if (this.#finished) throw failedPrecondition(where, 'tar writer is finished');
    if (this.#busy) throw failedPrecondition(where, 'another entry is still being written');
    this.#busy = true;
    try {
      const data = typeof body === 'string' ? Buffer.from(body) : body;
      if (data instanceof Uint8Array) {
        if ((header.type ?? 'file') !== 'file' && data.length > 0) throw invalidArgument(where, 'only files have a body');
        if (header.size !== undefined && header.size !== data.length) {
          throw invalidArgument(where, `body has ${data.length} bytes, the header says ${header.size}`);
        }
        await this.#write(encodeTarHeader({ ...header, size: data.length }));
        await this.#write(data);
        await this.#pad(data.length);
        return;
      }
      const type = header.type ?? 'file';
      const size = type === 'file' ? (header.size ?? 0) : 0;
      if (data !== undefined && header.size === undefined) throw invalidArgument(where, 'a streamed body needs a size');
      await this.#write(encodeTarHeader(header));
      let n = 0;
      if (data !== undefined) {
        for await (const chunk of data) {
          n += chunk.length;
          if (n > size) throw invalidArgument(where, `body is longer than the declared ${size} bytes`);
          await this.#write(chunk);
        }
      }
      if (n !== size) throw invalidArgument(where, `body has ${n} bytes, the header says ${size}`);
      await this.#pad(size);
    } finally {
      this.#busy = false;
    }
  }

  /** Writes the end-of-archive marker (two zero blocks). Does not end the stream. */
  async finish(): Promise<void> {
    if (this.#finished) return;
    if (this.#busy) throw failedPrecondition('tar writer', 'an entry is still being written');
    await this.#write(ZEROS);
    this.#finished = true;
    this.#out.off('error', this.#onError);
  }

  async #pad(size: number): Promise<void> {
    const pad = paddingFor(size);
    if (pad > 0) await this.#write(ZEROS.subarray(0, pad));
  }

  async #write(chunk: Uint8Array): Promise<void> {
    if (this.#error) throw this.#error;
    this.#written += chunk.length;
    await writeChunk(this.#out, chunk, 'tar writer output');
  }

}
