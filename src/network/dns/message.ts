import { invalidArgument } from '../../errors.js';
import { RecordType } from './constants.js';
import { bytesToIpv4, bytesToIpv6 } from './ip.js';
import { readName } from './names.js';
import { WireReader } from './wire.js';

/** A decoded DNS message (RFC 1035 §4.1). Names are in presentation form, see names.ts. */
export interface DnsMessage {
  id: number;
  flags: DnsFlags;
  questions: DnsQuestion[];
  answers: DnsRecord[];
  authorities: DnsRecord[];
  additionals: DnsRecord[];
}

export interface DnsFlags {
  /** true in a response */
  qr: boolean;
  opcode: number;
  aa: boolean;
  tc: boolean;
  rd: boolean;
  ra: boolean;
  /** RFC 4035 DNSSEC bits, kept so they survive a round trip */
  ad: boolean;
  cd: boolean;
  /** the low 4 bits only; EDNS carries the rest in the OPT record */
  rcode: number;
}

export interface DnsQuestion {
  name: string;
  type: number;
  class: number;
}

/**
 * One resource record. `data` is the address for A and AAAA, the target name
 * for CNAME, PTR and NS, and the raw RDATA for every other type. OPT (EDNS)
 * is a record like the others: name "", class = UDP payload size, ttl =
 * extended rcode, version and flags, data = the options.
 */
export interface DnsRecord {
  name: string;
  type: number;
  class: number;
  ttl: number;
  data: string | Buffer;
}

const NAME_TYPES: ReadonlySet<number> = new Set([RecordType.CNAME, RecordType.PTR, RecordType.NS]);

export function isNameType(type: number): boolean {
  return NAME_TYPES.has(type);
}

export function decodeFlags(v: number): DnsFlags {
  return {
    qr: (v & 0x8000) !== 0,
    opcode: (v >> 11) & 0xf,
    aa: (v & 0x0400) !== 0,
    tc: (v & 0x0200) !== 0,
    rd: (v & 0x0100) !== 0,
    ra: (v & 0x0080) !== 0,
    ad: (v & 0x0020) !== 0,
    cd: (v & 0x0010) !== 0,
    rcode: v & 0xf,
  };
}

/** Decodes a whole message; throws InvalidArgument on anything malformed. Bytes after the last record are ignored. */
export function decodeMessage(buf: Buffer): DnsMessage {
  const r = new WireReader(buf);
  const id = r.u16();
  const flags = decodeFlags(r.u16());
  const counts = [r.u16(), r.u16(), r.u16(), r.u16()] as const;
  const questions: DnsQuestion[] = [];
  for (let i = 0; i < counts[0]; i++) questions.push(readQuestion(r));
  const section = (n: number) => Array.from({ length: n }, () => readRecord(r));
  return { id, flags, questions, answers: section(counts[1]), authorities: section(counts[2]), additionals: section(counts[3]) };
}

export function readQuestion(r: WireReader): DnsQuestion {
  const name = readName(r);
  return { name, type: r.u16(), class: r.u16() };
}

function readRecord(r: WireReader): DnsRecord {
  const name = readName(r);
  const type = r.u16();
  const klass = r.u16();
  const ttl = r.u32();
  const length = r.u16();
  r.need(length);
  const end = r.offset + length;
  let data: string | Buffer;
  if (type === RecordType.A || type === RecordType.AAAA) {
    const size = type === RecordType.A ? 4 : 16;
    if (length !== size) throw invalidArgument('dns record', `type ${type} with ${length} bytes of data`);
    const raw = r.bytes(size);
    data = size === 4 ? bytesToIpv4(raw) : bytesToIpv6(raw);
  } else if (isNameType(type)) {
    data = readName(r);
    if (r.offset !== end) throw invalidArgument('dns record', `type ${type} name does not fill its ${length} bytes`);
  } else {
    data = r.bytes(length);
  }
  return { name, type, class: klass, ttl, data };
}
