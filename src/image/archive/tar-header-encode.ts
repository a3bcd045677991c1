/**
 * Encoding one tar entry's header: a POSIX ustar block, preceded by a pax
 * extended header ('x') when a field does not fit or is not plain ASCII:
 * names and link names over ustar's limits, sizes of 8 GiB and more, large
 * uids, fractional or pre-1970 times, long owner names, and extended
 * attributes (SCHILY.xattr.*, as GNU tar and Go write them).
 */
import { invalidArgument } from '../../errors.js';

export const BLOCK = 512;

export type TarWriteType = 'file' | 'dir' | 'symlink' | 'hardlink' | 'char' | 'block' | 'fifo';

export interface TarHeaderInput {
  /** "etc/passwd", "usr/bin/" (a directory gets its trailing slash added) */
  name: string;
  /** default "file" */
  type?: TarWriteType;
  /** body size; only files have one (default 0) */
  size?: number;
  /** permission bits; default 0o644 for files, 0o755 for directories, 0o777 for symlinks */
  mode?: number;
  uid?: number;
  gid?: number;
  uname?: string;
  gname?: string;
  /** seconds since the epoch (a fraction goes into a pax record); default 0 */
  mtime?: number;
  /** symlink content or hardlink target */
  linkname?: string;
  devmajor?: number;
  devminor?: number;
  /** extended attributes, written as SCHILY.xattr.<name> pax records */
  xattrs?: ReadonlyMap<string, Uint8Array> | Record<string, Uint8Array | string>;
}

const TYPEFLAG: Record<TarWriteType, string> = {
  file: '0',
  hardlink: '1',
  symlink: '2',
  char: '3',
  block: '4',
  dir: '5',
  fifo: '6',
};

/** Largest value of an n-byte octal field (n-1 digits and a NUL). */
const octalMax = (len: number): number => 8 ** (len - 1) - 1;

const isAscii = (s: string): boolean => /^[\x20-\x7e]*$/.test(s);

function octal(b: Buffer, start: number, len: number, value: number): void {
  b.write(value.toString(8).padStart(len - 1, '0'), start, len - 1, 'latin1');
  b[start + len - 1] = 0;
}

/** Splits a long ustar name into prefix (≤155 bytes) and name (≤100 bytes) at a slash, if it can be. */
function splitUstarName(name: string): { prefix: string; name: string } | undefined {
  const bytes = Buffer.byteLength(name);
  if (bytes <= 100) return { prefix: '', name };
  if (bytes > 256) return undefined;
  for (let i = name.length - 1; i > 0; i--) {
    if (name[i] !== '/') continue;
    const prefix = name.slice(0, i);
    const rest = name.slice(i + 1);
    if (Buffer.byteLength(prefix) <= 155 && Buffer.byteLength(rest) <= 100 && rest !== '') return { prefix, name: rest };
  }
  return undefined;
}

/** One pax record: "<len> <key>=<value>\n", len counting the whole record, itself included. */
function paxRecord(key: string, value: Uint8Array): Buffer {
  const body = Buffer.concat([Buffer.from(` ${key}=`), value, Buffer.from('\n')]);
  let len = body.length + 1;
  while (String(len).length + body.length !== len) len = String(len).length + body.length;
  return Buffer.concat([Buffer.from(String(len)), body]);
}

function xattrEntries(x: TarHeaderInput['xattrs']): [string, Uint8Array][] {
  if (x === undefined) return [];
  const pairs: [string, Uint8Array | string][] = x instanceof Map ? [...x.entries()] : Object.entries(x);
  return pairs.map(([k, v]) => [k, typeof v === 'string' ? Buffer.from(v) : v]);
}

function ustarBlock(fields: {
  name: string;
  prefix: string;
  mode: number;
  uid: number;
  gid: number;
  size: number;
  mtime: number;
  typeflag: string;
  linkname: string;
  uname: string;
  gname: string;
  devmajor: number;
  devminor: number;
}): Buffer {
  const b = Buffer.alloc(BLOCK);
  b.write(fields.name, 0, 100, 'utf8');
  octal(b, 100, 8, fields.mode);
  octal(b, 108, 8, fields.uid);
  octal(b, 116, 8, fields.gid);
  octal(b, 124, 12, fields.size);
  octal(b, 136, 12, fields.mtime);
  b.write(fields.typeflag, 156, 1, 'latin1');
  b.write(fields.linkname, 157, 100, 'utf8');
  b.write('ustar\u000000', 257, 8, 'latin1');
  b.write(fields.uname, 265, 32, 'utf8');
  b.write(fields.gname, 297, 32, 'utf8');
  octal(b, 329, 8, fields.devmajor);
  octal(b, 337, 8, fields.devminor);
  b.write(fields.prefix, 345, 155, 'utf8');
  // The checksum is computed with its own field counted as spaces.
  b.fill(0x20, 148, 156);
  let sum = 0;
  for (const c of b) sum += c;
  b.write(`${sum.toString(8).padStart(6, '0')}\u0000 `, 148, 8, 'latin1');
  return b;
}

/** Bytes to add after a body of `size` bytes to reach a block boundary. */
export const paddingFor = (size: number): number => (BLOCK - (size % BLOCK)) % BLOCK;

/** The header block(s) of one entry: a pax header and its records when needed, then the ustar block. */
export function encodeTarHeader(h: TarHeaderInput): Buffer {
  const type = h.type ?? 'file';
  const where = `tar entry ${JSON.stringify(h.name)}`;
  let name = h.name;
  if (name === '') throw invalidArgument(where, 'name must not be empty');
  if (name.includes('\0')) throw invalidArgument(where, 'name must not contain NUL');
  if (type === 'dir' && !name.endsWith('/')) name += '/';
  const size = type === 'file' ? (h.size ?? 0) : 0;
  if (!Number.isSafeInteger(size) || size < 0) throw invalidArgument(where, `invalid size ${size}`);
  const mode = h.mode ?? (type === 'dir' ? 0o755 : type === 'symlink' ? 0o777 : 0o644);
  const linkname = h.linkname ?? '';
  const uid = h.uid ?? 0;
  const gid = h.gid ?? 0;
  const uname = h.uname ?? '';
  const gname = h.gname ?? '';
  const mtime = h.mtime ?? 0;
  const devmajor = h.devmajor ?? 0;
  const devminor = h.devminor ?? 0;
  for (const [what, v] of [['uid', uid], ['gid', gid], ['devmajor', devmajor], ['devminor', devminor]] as const) {
    if (!Number.isSafeInteger(v) || v < 0) throw invalidArgument(where, `invalid ${what} ${v}`);
  }
  if (devmajor > octalMax(8) || devminor > octalMax(8)) throw invalidArgument(where, 'device number too large for a tar header');
  if (!Number.isFinite(mtime)) throw invalidArgument(where, `invalid mtime ${mtime}`);

  const pax: Buffer[] = [];
  const split = isAscii(name) ? splitUstarName(name) : undefined;
  if (split === undefined) pax.push(paxRecord('path', Buffer.from(name)));
  if (Buffer.byteLength(linkname) > 100 || !isAscii(linkname)) pax.push(paxRecord('linkpath', Buffer.from(linkname)));
  if (size > octalMax(12)) pax.push(paxRecord('size', Buffer.from(String(size))));
  if (uid > octalMax(8)) pax.push(paxRecord('uid', Buffer.from(String(uid))));
  if (gid > octalMax(8)) pax.push(paxRecord('gid', Buffer.from(String(gid))));
  const wholeMtime = Math.floor(mtime);
  if (wholeMtime !== mtime || mtime < 0 || mtime > octalMax(12)) pax.push(paxRecord('mtime', Buffer.from(String(mtime))));
  if (Buffer.byteLength(uname) > 32 || !isAscii(uname)) pax.push(paxRecord('uname', Buffer.from(uname)));
  if (Buffer.byteLength(gname) > 32 || !isAscii(gname)) pax.push(paxRecord('gname', Buffer.from(gname)));
  for (const [key, value] of xattrEntries(h.xattrs)) {
    if (key === '' || key.includes('=') || key.includes('\0')) throw invalidArgument(where, `invalid xattr name ${JSON.stringify(key)}`);
    pax.push(paxRecord(`SCHILY.xattr.${key}`, value));
  }

  // Fields that went to pax records get an ASCII stand-in (or zero) in the ustar block.
  const ustarName = split ?? { prefix: '', name: asciiStandIn(name, 100) };
  const block = ustarBlock({
    name: ustarName.name,
    prefix: ustarName.prefix,
    mode: mode & 0o7777,
    uid: uid > octalMax(8) ? 0 : uid,
    gid: gid > octalMax(8) ? 0 : gid,
    size: size > octalMax(12) ? 0 : size,
    mtime: Math.min(Math.max(wholeMtime, 0), octalMax(12)),
    typeflag: TYPEFLAG[type],
    linkname: Buffer.byteLength(linkname) > 100 || !isAscii(linkname) ? asciiStandIn(linkname, 100) : linkname,
    uname: Buffer.byteLength(uname) > 32 || !isAscii(uname) ? '' : uname,
    gname: Buffer.byteLength(gname) > 32 || !isAscii(gname) ? '' : gname,
    devmajor,
    devminor,
  });
  if (pax.length === 0) return block;

  const records = Buffer.concat(pax);
  const base = name.replace(/\/+$/, '').split('/').pop() ?? 'entry';
  const paxHeader = ustarBlock({
    name: asciiStandIn(`PaxHeaders.0/${base}`, 100),
    prefix: '',
    mode: 0o644,
    uid: 0,
    gid: 0,
    size: records.length,
    mtime: 0,
    typeflag: 'x',
    linkname: '',
    uname: '',
    gname: '',
    devmajor: 0,
    devminor: 0,
  });
  return Buffer.concat([paxHeader, records, Buffer.alloc(paddingFor(records.length)), block]);
}

/** What readers without pax support see: the name made ASCII and cut to fit. */
function asciiStandIn(s: string, max: number): string {
  return s.replace(/[^\x20-\x7e]/g, '_').slice(0, max);
}
