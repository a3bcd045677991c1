/**
 * Docker's multiplexed stream (stdcopy): when a container has no TTY, its
 * stdout and stderr share one connection as frames of an 8-byte header —
 * the stream (0 stdin, 1 stdout, 2 stderr, 3 an error of the daemon's),
 * three zero bytes, the payload length as a big-endian uint32 — and the
 * payload. Frames are cut anywhere by the transport; this puts them back.
 */
import type { Writable } from 'node:stream';

import { StreamError } from '../errors.js';

export const STDIN = 0;
export const STDOUT = 1;
export const STDERR = 2;
export const SYSTEM_ERROR = 3;

export class StdcopyDemuxer {
  private buf: Buffer = Buffer.alloc(0);

  constructor(private readonly onFrame: (stream: number, payload: Buffer) => void) {}

  push(chunk: Buffer): void {
    this.buf = this.buf.length === 0 ? chunk : Buffer.concat([this.buf, chunk]);
    while (this.buf.length >= 8) {
      const size = this.buf.readUInt32BE(4);
      if (this.buf.length < 8 + size) break;
      const stream = this.buf[0] as number;
      const payload = this.buf.subarray(8, 8 + size);
      this.buf = this.buf.subarray(8 + size);
      if (stream > SYSTEM_ERROR) throw new StreamError(`unrecognized stream in multiplexed output: ${stream}`);
      this.onFrame(stream, payload);
    }
  }

  /** Bytes of a frame that has not fully arrived. */
  get pending(): number {
    return this.buf.length;
  }
}

/** Copies a multiplexed stream to stdout and stderr, waiting for slow readers; a stream-3 frame fails it. */
export async function demuxTo(source: AsyncIterable<Buffer>, stdout: Writable, stderr: Writable): Promise<void> {
  let waits: Promise<void>[] = [];
  const demux = new StdcopyDemuxer((stream, payload) => {
    if (stream === SYSTEM_ERROR) throw new StreamError(payload.toString('utf8').trim());
    const out = stream === STDERR ? stderr : stdout;
    if (!out.write(payload)) waits.push(new Promise((resolve) => out.once('drain', resolve)));
  });
  for await (const chunk of source) {
    demux.push(chunk);
    if (waits.length > 0) {
      await Promise.all(waits);
      waits = [];
    }
  }
}

/** Copies a raw (TTY) stream to `out`, waiting for a slow reader. */
export async function copyTo(source: AsyncIterable<Buffer>, out: Writable): Promise<void> {
  for await (const chunk of source) {
    if (!out.write(chunk)) await new Promise((resolve) => out.once('drain', resolve));
  }
}
