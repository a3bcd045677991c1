/**
 * One write to a Writable, with backpressure: resolves when the stream can
 * take more. Rejects, rather than waiting for ever, if the stream fails or
 * closes first (a 'drain' that will never come).
 */
import type { Writable } from 'node:stream';

import { failedPrecondition } from '../../errors.js';

export async function writeChunk(out: Writable, chunk: Uint8Array, what = 'output stream'): Promise<void> {
  if (out.errored) throw out.errored;
  if (out.destroyed || out.writableEnded) throw failedPrecondition(what, 'closed');
  if (out.write(chunk)) return;
  await new Promise<void>((resolve, reject) => {
    const done = (err?: Error | null) => {
      out.off('drain', onDrain);
      out.off('error', onError);
      out.off('close', onClose);
      if (err) reject(err);
      else resolve();
    };
    const onDrain = () => done();
    const onError = (e: Error) => done(e);
    const onClose = () => done(out.errored ?? failedPrecondition(what, 'closed'));
    out.on('drain', onDrain);
    out.on('error', onError);
    out.on('close', onClose);
  });
}
