/**
 * The numbers of the DNS wire format that berth's embedded server uses
 * (RFC 1035 §3.2, RFC 3596 for AAAA, RFC 6891 for OPT).
 */
export const RecordType = {
  A: 1,
  NS: 2,
  CNAME: 5,
  SOA: 6,
  PTR: 12,
  MX: 15,
  TXT: 16,
  AAAA: 28,
  SRV: 33,
  OPT: 41,
  ANY: 255,
} as const;

export const RecordClass = { IN: 1, ANY: 255 } as const;

export const Opcode = { QUERY: 0 } as const;

export const Rcode = {
  NOERROR: 0,
  FORMERR: 1,
  SERVFAIL: 2,
  NXDOMAIN: 3,
  NOTIMP: 4,
  REFUSED: 5,
  /** Extended (EDNS) rcode: the low 4 bits go in the header, the rest in the OPT record. */
  BADVERS: 16,
} as const;

/** RFC 1035 §4.2.1: a UDP answer is at most 512 bytes unless the client says otherwise with EDNS. */
export const CLASSIC_UDP_SIZE = 512;
/** Caps what a client's EDNS size can ask for: most resolvers advertise 4096, and bigger answers belong on TCP. */
export const MAX_UDP_SIZE = 4096;
/** A DNS message over TCP carries a 16-bit length prefix. */
export const MAX_MESSAGE_SIZE = 65535;
/** Docker's embedded server answers container names with this TTL. */
export const LOCAL_TTL = 600;
