/**
 * One 512-byte tar header block (POSIX ustar, with what GNU tar and star
 * write into the same fields): fields as written, before pax or GNU long-name
 * records override them.
 */
export const BLOCK = 512;

export interface RawHeader {
  /** bytes, decoded only once pax or GNU records have had their say (they may replace a name that is not UTF-8) */
  name: Buffer;
  mode: number;
  uid: number;
  gid: number;
  size: number;
  /** seconds since the epoch */
  mtime: number;
  /** the one-character type flag; "\0" for old regular files */
  typeflag: string;
  linkname: Buffer;
  uname: string;
  gname: string;
  devmajor: number;
  devminor: number;
}

/** Why a header block was not accepted (the reader adds where it was). */
export class HeaderError extends Error {}

export const isZeroBlock = (b: Buffer): boolean => {
  for (let i = 0; i < b.length; i++) if (b[i] !== 0) return false;
  return true;
};

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Bytes that name a file, as a string. Node's fs takes string paths as
 * UTF-8, so a name that is not valid UTF-8 cannot be written back as the
 * same bytes through a string path: it is refused rather than silently renamed.
 */
export function decodeName(bytes: Uint8Array, what: string): string {
  try {
    return utf8.decode(bytes);
  } catch {
    throw new HeaderError(`${what} is not valid UTF-8`);
  }
}

/** A NUL-terminated string field. */
function field(b: Buffer, start: number, len: number): Buffer {
  const f = b.subarray(start, start + len);
  const nul = f.indexOf(0);
  return f.subarray(0, nul === -1 ? len : nul);
}

const str = (b: Buffer, start: number, len: number): string => field(b, start, len).toString('utf8');

/**
 * A numeric field: octal digits padded with spaces or NULs, or, when the
 * first byte has its high bit set, GNU's base-256 (big-endian two's
 * complement) for values that do not fit (uids above 2097151, sizes of 8 GiB
 * and more, dates before 1970).
 */
export function parseNumber(b: Buffer, start: number, len: number, what: string): number {
  const field = b.subarray(start, start + len);
  const first = field[0] ?? 0;
  if (first & 0x80) {
    // As Go's archive/tar: bit 0x40 of the first byte is the sign; a negative
    // number is stored inverted (two's complement).
    const inv = first & 0x40 ? 0xff : 0;
    let v = 0n;
    for (let i = 0; i < field.length; i++) {
      let c = (field[i] ?? 0) ^ inv;
      if (i === 0) c &= 0x7f;
      v = (v << 8n) | BigInt(c);
    }
    if (inv !== 0) v = -v - 1n;
    if (v > BigInt(Number.MAX_SAFE_INTEGER) || v < -BigInt(Number.MAX_SAFE_INTEGER)) {
      throw new HeaderError(`${what} field out of range`);
    }
    return Number(v);
  }
  let s = field.toString('latin1');
  const nul = s.indexOf('\0');
  if (nul !== -1) s = s.slice(0, nul);
  s = s.trim();
  if (s === '') return 0;
  if (!/^[0-7]+$/.test(s)) throw new HeaderError(`${what} field is not an octal number: ${JSON.stringify(s)}`);
  const v = parseInt(s, 8);
  if (!Number.isSafeInteger(v)) throw new HeaderError(`${what} field out of range`);
  return v;
}

/**
 * The checksum is the sum of the header's bytes with the checksum field
 * itself counted as spaces. Old tars summed signed chars; both are accepted,
 * as GNU tar and Go's archive/tar do.
 */
function checksumOk(b: Buffer): boolean {
  const want = parseNumber(b, 148, 8, 'checksum');
  let unsigned = 0;
  let signed = 0;
  for (let i = 0; i < BLOCK; i++) {
    const c = i >= 148 && i < 156 ? 0x20 : (b[i] ?? 0);
    unsigned += c;
    signed += c > 127 ? c - 256 : c;
  }
  return want === unsigned || want === signed;
}

export function parseHeader(b: Buffer): RawHeader {
  if (b.length !== BLOCK) throw new HeaderError('short header block');
  if (!checksumOk(b)) throw new HeaderError('header checksum mismatch');
  const magic = b.subarray(257, 263).toString('latin1');
  let name = field(b, 0, 100);
  // POSIX ustar ("ustar\0") splits long names into prefix + "/" + name.
  // GNU tar ("ustar  \0") keeps atime/ctime there instead, so it is not a prefix.
  if (magic === 'ustar\0') {
    const prefix = field(b, 345, 155);
    if (prefix.length > 0) name = Buffer.concat([prefix, Buffer.from('/'), name]);
  }
  const typeflag = String.fromCharCode(b[156] ?? 0);
  return {
    name,
    mode: parseNumber(b, 100, 8, 'mode'),
    uid: parseNumber(b, 108, 8, 'uid'),
    gid: parseNumber(b, 116, 8, 'gid'),
    size: parseNumber(b, 124, 12, 'size'),
    mtime: parseNumber(b, 136, 12, 'mtime'),
    typeflag,
    linkname: field(b, 157, 100),
    uname: str(b, 265, 32),
    gname: str(b, 297, 32),
    devmajor: parseNumber(b, 329, 8, 'devmajor'),
    devminor: parseNumber(b, 337, 8, 'devminor'),
  };
}
