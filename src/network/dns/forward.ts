import { Rcode } from './constants.js';
import { exchangeTcp } from './exchange-tcp.js';
import { exchangeUdp } from './exchange-udp.js';
import type { DnsQuestion } from './message.js';
import type { Upstream } from './upstream.js';
import { rcodeOf } from './upstream-answer.js';

export type Transport = 'udp' | 'tcp';

/**
 * Asks the upstreams in order, over the transport the client used, and
 * returns the first real answer, as the upstream's bytes (so EDNS options,
 * DNSSEC records and TC reach the client untouched). SERVFAIL and REFUSED
 * count as failures and move on to the next upstream, as Docker does: one
 * broken resolver in the host's list should not break every container.
 * Undefined when none answered; the caller replies SERVFAIL.
 */
export async function forward(
  query: Buffer,
  question: DnsQuestion,
  upstreams: readonly Upstream[],
  transport: Transport,
  timeoutMs: number,
  signal: AbortSignal,
): Promise<Buffer | undefined> {
  const exchange = transport === 'udp' ? exchangeUdp : exchangeTcp;
  for (const upstream of upstreams) {
    if (signal.aborted) return undefined;
    const answer = await exchange(upstream, query, question, timeoutMs, signal);
    if (answer === undefined) continue;
    const rcode = rcodeOf(answer);
    if (rcode === Rcode.SERVFAIL || rcode === Rcode.REFUSED) continue;
    return answer;
  }
  return undefined;
}
