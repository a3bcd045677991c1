/**
 * Carries a hijacked connection (attach, exec start): the local stdin goes
 * to the socket, half-closed at EOF so the process sees its input end; the
 * socket's output goes to stdout and stderr (demultiplexed unless there is
 * a TTY). Output ending — the container's streams closing — ends it all.
 *
 * With a TTY the local terminal is raw, so ctrl-c reaches the container as
 * a byte; the detach keys (ctrl-p ctrl-q, as docker's) are watched for here
 * and end the session without stopping anything.
 */
import type { Writable } from 'node:stream';

import type { Hijacked } from './api-client.js';
import { copyTo, demuxTo } from './stdcopy.js';

export const DEFAULT_DETACH_KEYS = Buffer.from([0x10, 0x11]);

export interface AttachStreams {
  conn: Hijacked;
  tty: boolean;
  /** absent when stdin is not attached */
  stdin?: NodeJS.ReadableStream;
  stdout: Writable;
  stderr: Writable;
  detachKeys?: Buffer;
}

/** Resolves when the output ends (or the user detached); stdin is no longer read after that. */
export async function pumpStreams(o: AttachStreams): Promise<{ detached: boolean }> {
  const { socket, head } = o.conn;
  let detach: () => void = () => {};
  const detached = new Promise<true>((resolve) => (detach = () => resolve(true)));
  const stopInput = o.stdin ? feedInput(o.stdin, socket, o.tty ? (o.detachKeys ?? DEFAULT_DETACH_KEYS) : undefined, detach) : () => {};
  socket.on('error', () => {}); // a reset at the end is the end; the output loop sees it stop
  const source = (async function* () {
    if (head.length > 0) yield head;
    try {
      for await (const chunk of socket) yield chunk as Buffer;
    } catch {
      // the daemon went away: output is over
    }
  })();
  const output = o.tty ? copyTo(source, o.stdout) : demuxTo(source, o.stdout, o.stderr);
  try {
    const first = await Promise.race([output.then(() => false as const), detached]);
    return { detached: first };
  } finally {
    stopInput();
    socket.destroy();
  }
}

/** stdin → socket, half-closing at EOF; returns a function that stops reading stdin. */
function feedInput(stdin: NodeJS.ReadableStream, socket: NodeJS.WritableStream & { writableEnded?: boolean }, keys: Buffer | undefined, detach: () => void): () => void {
  const watch = keys ? escapeWatcher(keys, detach) : (b: Buffer) => b;
  const onData = (chunk: Buffer | string) => {
    const out = watch(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
    if (out.length > 0 && !socket.writableEnded) socket.write(out);
  };
  const onEnd = () => {
    if (!socket.writableEnded) socket.end();
  };
  stdin.on('data', onData);
  stdin.once('end', onEnd);
  stdin.resume();
  return () => {
    stdin.off('data', onData);
    stdin.off('end', onEnd);
    stdin.pause();
  };
}

/**
 * Passes bytes through, holding back a possible start of the detach
 * sequence until it is either complete (then `onMatch`) or broken (then the
 * held bytes go on, as typed).
 */
export function escapeWatcher(keys: Buffer, onMatch: () => void): (chunk: Buffer) => Buffer {
  let matched = 0;
  return (chunk) => {
    const out: number[] = [];
    for (const byte of chunk) {
      if (byte === keys[matched]) {
        matched++;
        if (matched === keys.length) {
          matched = 0;
          onMatch();
          return Buffer.from(out);
        }
        continue;
      }
      out.push(...keys.subarray(0, matched));
      matched = byte === keys[0] ? 1 : 0;
      if (matched === 0) out.push(byte);
    }
    return Buffer.from(out);
  };
}
