import { connect } from 'node:net';

import type { DnsQuestion } from './message.js';
import { frame, FrameReader } from './tcp-frames.js';
import type { Upstream } from './upstream.js';
import { answersQuery, withClientId, withUpstreamId } from './upstream-answer.js';

/**
 * One query to one upstream over TCP, for clients that asked over TCP
 * (usually after a truncated UDP answer). The timeout covers connecting
 * and answering; resolves to undefined on any failure.
 */
export function exchangeTcp(
  upstream: Upstream,
  query: Buffer,
  question: DnsQuestion,
  timeoutMs: number,
  signal: AbortSignal,
): Promise<Buffer | undefined> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve(undefined);
    const { id, bytes } = withUpstreamId(query);
    const clientId = query.readUInt16BE(0);
    const frames = new FrameReader();
    const socket = connect({ host: upstream.address, port: upstream.port });
    let done = false;
    const finish = (answer: Buffer | undefined) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      socket.destroy();
      resolve(answer);
    };
    const onAbort = () => finish(undefined);
    const timer = setTimeout(onAbort, timeoutMs);
    signal.addEventListener('abort', onAbort, { once: true });
    socket.on('error', onAbort);
    socket.on('close', onAbort);
    socket.on('connect', () => socket.write(frame(bytes)));
    socket.on('data', (chunk: Buffer) => {
      for (const msg of frames.push(chunk)) {
        if (answersQuery(msg, id, question)) return finish(withClientId(msg, clientId));
      }
    });
  });
}
