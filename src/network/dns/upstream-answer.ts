import { randomInt } from 'node:crypto';

import { Rcode } from './constants.js';
import type { DnsQuestion } from './message.js';
import { readQuestion } from './message.js';
import { canonicalName } from './names.js';
import { WireReader } from './wire.js';

/**
 * The query as sent upstream: a fresh random id, so that a client with a
 * predictable id does not make the answer easy to forge. Together with the
 * fresh source port of each exchange that is the RFC 5452 defence.
 */
export function withUpstreamId(query: Buffer): { id: number; bytes: Buffer } {
  const id = randomInt(0x10000);
  const bytes = Buffer.from(query);
  bytes.writeUInt16BE(id, 0);
  return { id, bytes };
}

/**
 * Whether `answer` is the upstream's response to our query: the id we sent,
 * QR set, and the same question. Anything else (a late answer to an earlier
 * attempt, garbage, a forgery) is ignored and the wait goes on. Error
 * answers may omit the question, as FORMERR often does.
 */
export function answersQuery(answer: Buffer, id: number, question: DnsQuestion): boolean {
  if (answer.length < 12 || answer.readUInt16BE(0) !== id || (answer[2] as number) < 0x80) return false;
  const qdcount = answer.readUInt16BE(4);
  if (qdcount === 0) return rcodeOf(answer) !== Rcode.NOERROR;
  if (qdcount !== 1) return false;
  try {
    const r = new WireReader(answer);
    r.offset = 12;
    const q = readQuestion(r);
    return q.type === question.type && q.class === question.class && canonicalName(q.name) === canonicalName(question.name);
  } catch {
    return false;
  }
}

/** The answer with the client's own id put back. */
export function withClientId(answer: Buffer, clientId: number): Buffer {
  const out = Buffer.from(answer);
  out.writeUInt16BE(clientId, 0);
  return out;
}

export function rcodeOf(answer: Buffer): number {
  return (answer[3] as number) & 0xf;
}
