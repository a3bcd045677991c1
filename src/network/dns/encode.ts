import { invalidArgument } from '../../errors.js';
import { RecordType } from './constants.js';
import { ipv4ToBytes, ipv6ToBytes } from './ip.js';
import type { DnsFlags, DnsMessage, DnsRecord } from './message.js';
import { isNameType } from './message.js';
import { writeName } from './names.js';
import { WireWriter } from './wire.js';

export function encodeFlags(f: DnsFlags): number {
  return (
    (f.qr ? 0x8000 : 0) |
    ((f.opcode & 0xf) << 11) |
    (f.aa ? 0x0400 : 0) |
    (f.tc ? 0x0200 : 0) |
    (f.rd ? 0x0100 : 0) |
    (f.ra ? 0x0080 : 0) |
    (f.ad ? 0x0020 : 0) |
    (f.cd ? 0x0010 : 0) |
    (f.rcode & 0xf)
  );
}

/**
 * Encodes a message with name compression. With `maxSize` (a UDP answer),
 * records that do not fit are left out, whole, from the first one that
 * overflows to the end, and TC is set so the client retries over TCP
 * (RFC 2181 §9). The OPT record is kept even then: RFC 6891 §7 wants it in
 * every answer to an EDNS query, truncated ones included.
 */
export function encodeMessage(msg: DnsMessage, maxSize = Infinity): Buffer {
  const w = new WireWriter();
  const compression = new Map<string, number>();
  w.u16(msg.id);
  const flagsAt = w.length;
  w.u16(encodeFlags(msg.flags));
  const countsAt = w.length;
  w.u16(msg.questions.length);
  w.u32(0); // answer and authority counts, patched below
  w.u16(0);
  for (const q of msg.questions) {
    writeName(w, q.name, compression);
    w.u16(q.type);
    w.u16(q.class);
  }
  const opt = msg.additionals.filter((rr) => rr.type === RecordType.OPT);
  const others = msg.additionals.filter((rr) => rr.type !== RecordType.OPT);
  const limit = maxSize - opt.reduce((n, rr) => n + 11 + (rr.data as Buffer).length, 0);
  const sections = [msg.answers, msg.authorities, others];
  const written = [0, 0, 0];
  let truncated = w.length > limit;
  for (let s = 0; s < sections.length && !truncated; s++) {
    for (const rr of sections[s] as DnsRecord[]) {
      const mark = w.length;
      writeRecord(w, rr, compression);
      if (w.length > limit) {
        w.truncate(mark);
        for (const [key, at] of compression) if (at >= mark) compression.delete(key);
        truncated = true;
        break;
      }
      (written[s] as number)++;
    }
  }
  for (const rr of opt) writeRecord(w, rr, compression);
  w.patchU16(countsAt + 2, written[0] as number);
  w.patchU16(countsAt + 4, written[1] as number);
  w.patchU16(countsAt + 6, (written[2] as number) + opt.length);
  if (truncated) w.patchU16(flagsAt, encodeFlags({ ...msg.flags, tc: true }));
  return w.result();
}

function writeRecord(w: WireWriter, rr: DnsRecord, compression: Map<string, number>): void {
  writeName(w, rr.name, compression);
  w.u16(rr.type);
  w.u16(rr.class);
  w.u32(rr.ttl);
  const lengthAt = w.length;
  w.u16(0);
  const start = w.length;
  if (rr.type === RecordType.A || rr.type === RecordType.AAAA || isNameType(rr.type)) {
    if (typeof rr.data !== 'string') throw invalidArgument('dns record', `type ${rr.type} needs text data`);
    if (rr.type === RecordType.A) w.bytes(ipv4ToBytes(rr.data));
    else if (rr.type === RecordType.AAAA) w.bytes(ipv6ToBytes(rr.data));
    // RFC 3597 §4 allows compression inside RDATA only for the RFC 1035 types; these are.
    else writeName(w, rr.data, compression);
  } else {
    if (typeof rr.data === 'string') throw invalidArgument('dns record', `type ${rr.type} needs raw data`);
    w.bytes(rr.data);
  }
  w.patchU16(lengthAt, w.length - start);
}
