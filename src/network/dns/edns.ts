import { CLASSIC_UDP_SIZE, MAX_UDP_SIZE, RecordType } from './constants.js';
import type { DnsMessage, DnsRecord } from './message.js';

/**
 * EDNS0 (RFC 6891) as far as a local answer needs it: how big a UDP answer
 * the client accepts, and the OPT record to send back. Forwarded queries
 * keep their OPT untouched because they travel upstream as the bytes the
 * client sent.
 */
export interface Edns {
  /** the client's UDP payload size, as advertised */
  udpSize: number;
  version: number;
  /** the DO bit: the client wants DNSSEC records */
  dnssecOk: boolean;
}

/** The query's EDNS settings, undefined without OPT, or "invalid" when it carries more than one (RFC 6891 §6.1.1: FORMERR). */
export function readEdns(msg: DnsMessage): Edns | undefined | 'invalid' {
  const opts = msg.additionals.filter((rr) => rr.type === RecordType.OPT);
  if (opts.length > 1) return 'invalid';
  const opt = opts[0];
  if (!opt) return undefined;
  if (opt.name !== '') return 'invalid';
  return { udpSize: opt.class, version: (opt.ttl >>> 16) & 0xff, dnssecOk: (opt.ttl & 0x8000) !== 0 };
}

/** How big a UDP answer to this client may be. */
export function udpAnswerLimit(edns: Edns | undefined): number {
  if (!edns) return CLASSIC_UDP_SIZE;
  // RFC 6891 §6.2.5: values below 512 are treated as 512.
  return Math.min(Math.max(edns.udpSize, CLASSIC_UDP_SIZE), MAX_UDP_SIZE);
}

/** Our OPT record for an answer; `extendedRcode` is the full rcode, whose upper 8 bits live here. */
export function answerOpt(extendedRcode = 0): DnsRecord {
  return { name: '', type: RecordType.OPT, class: MAX_UDP_SIZE, ttl: ((extendedRcode >> 4) & 0xff) << 24, data: Buffer.alloc(0) };
}
