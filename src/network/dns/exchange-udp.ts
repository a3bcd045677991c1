import { createSocket } from 'node:dgram';

import type { DnsQuestion } from './message.js';
import type { Upstream } from './upstream.js';
import { answersQuery, withClientId, withUpstreamId } from './upstream-answer.js';

/**
 * One query to one upstream over UDP; resolves to the answer, or undefined
 * on timeout, error or abort (the caller then tries the next upstream).
 * Each exchange has its own socket: concurrent clients may use the same id,
 * and a connected socket only hears from the upstream it asked, and learns
 * of an ICMP "port unreachable" as ECONNREFUSED instead of waiting.
 */
export function exchangeUdp(
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
    const socket = createSocket(upstream.family === 6 ? 'udp6' : 'udp4');
    let done = false;
    const finish = (answer: Buffer | undefined) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      try {
        socket.close();
      } catch {
        // close() throws when the socket is not running: nothing is left to release then
      }
      resolve(answer);
    };
    const onAbort = () => finish(undefined);
    const timer = setTimeout(onAbort, timeoutMs);
    signal.addEventListener('abort', onAbort, { once: true });
    socket.on('error', onAbort);
    socket.on('message', (msg) => {
      if (answersQuery(msg, id, question)) finish(withClientId(msg, clientId));
    });
    socket.connect(upstream.port, upstream.address, () => {
      if (!done) socket.send(bytes, (err) => err && finish(undefined));
    });
  });
}
