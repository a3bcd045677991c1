/**
 * Tar headers (ustar, with PAX records for what does not fit: long names
 * and link targets, sizes of 8 GiB and more), written and read. Enough
 * for `cp`, which moves files, directories and symlinks.
 */
export const BLOCK = 512;

export type EntryType = 'file' | 'dir' | 'symlink' | 'hardlink' | 'other';

export interface TarEntry {
  name: string;
  type: EntryType;
  mode: number;
  uid: number;
  gid: number;
  size: number;
  mtime: number;
  linkname: string;
}

const TYPEFLAG: Record<EntryType, string> = { file: '0', dir: '5', symlink: '2', hardlink: '1', other: '0' };

function writeOctal(buf: Buffer, offset: number, width: number, value: number): void {
  buf.write(`${Math.trunc(value).toString(8).padStart(width - 1, '0')}\0`, offset, width, 'ascii');
}

function paxRecord(key: string, value: string): string {
  const body = ` ${key}=${value}\n`;
  let len = body.length + String(body.length).length;
  if (String(len).length !== String(len - String(body.length).length).length) len++;
  return `${len}${body}`;
}

function rawHeader(e: Pick<TarEntry, 'name' | 'mode' | 'uid' | 'gid' | 'size' | 'mtime' | 'linkname'>, flag: string): Buffer {
  const h = Buffer.alloc(BLOCK);
  h.write(e.name.slice(0, 100), 0, 100, 'utf8');
  writeOctal(h, 100, 8, e.mode & 0o7777);
  writeOctal(h, 108, 8, e.uid);
  writeOctal(h, 116, 8, e.gid);
  writeOctal(h, 124, 12, e.size < 8 ** 11 ? e.size : 0);
  writeOctal(h, 136, 12, e.mtime);
  h.write(flag, 156, 1, 'ascii');
  h.write(e.linkname.slice(0, 100), 157, 100, 'utf8');
  h.write('ustar\u000000', 257, 8, 'binary');
  h.fill(' ', 148, 156);
  let sum = 0;
  for (const b of h) sum += b;
  h.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 8, 'ascii');
  return h;
}

/** The header block(s) for an entry: a PAX header first when the name, link or size needs it. */
export function encodeHeader(e: TarEntry): Buffer {
  const records = [
    ...(Buffer.byteLength(e.name) > 100 ? [paxRecord('path', e.name)] : []),
    ...(Buffer.byteLength(e.linkname) > 100 ? [paxRecord('linkpath', e.linkname)] : []),
    ...(e.size >= 8 ** 11 ? [paxRecord('size', String(e.size))] : []),
  ].join('');
  const main = rawHeader(e, TYPEFLAG[e.type]);
  if (!records) return main;
  const data = Buffer.from(records, 'utf8');
  const pax = rawHeader({ name: 'PaxHeader', mode: 0o644, uid: 0, gid: 0, size: data.length, mtime: e.mtime, linkname: '' }, 'x');
  return Buffer.concat([pax, data, Buffer.alloc(padding(data.length)), main]);
}

export const padding = (size: number): number => (BLOCK - (size % BLOCK)) % BLOCK;

function readNumber(h: Buffer, offset: number, width: number): number {
  const first = h[offset] as number;
  if (first & 0x80) {
    // base-256, for values that do not fit in octal
    let v = first & 0x7f;
    for (let i = 1; i < width; i++) v = v * 256 + (h[offset + i] as number);
    return v;
  }
  const s = h.toString('ascii', offset, offset + width).replace(/[\0 ].*$/s, '').trim();
  return s === '' ? 0 : parseInt(s, 8);
}

const cstring = (h: Buffer, offset: number, width: number) => {
  const end = h.indexOf(0, offset);
  return h.toString('utf8', offset, end < 0 || end > offset + width ? offset + width : end);
};

/** A header block → its fields and raw type flag; undefined for a zero block (the end). */
export function decodeHeader(h: Buffer): (TarEntry & { flag: string }) | undefined {
  if (h.every((b) => b === 0)) return undefined;
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 32 : (h[i] as number);
  if (sum !== readNumber(h, 148, 8)) throw new Error('archive/tar: invalid tar header (checksum)');
  const flag = String.fromCharCode(h[156] as number);
  const prefix = h.toString('ascii', 257, 262) === 'ustar' ? cstring(h, 345, 155) : '';
  const name = cstring(h, 0, 100);
  const type: EntryType = flag === '5' ? 'dir' : flag === '2' ? 'symlink' : flag === '1' ? 'hardlink' : flag === '0' || flag === '\0' || flag === '7' ? 'file' : 'other';
  return {
    name: prefix ? `${prefix}/${name}` : name,
    type,
    flag,
    mode: readNumber(h, 100, 8),
    uid: readNumber(h, 108, 8),
    gid: readNumber(h, 116, 8),
    size: readNumber(h, 124, 12),
    mtime: readNumber(h, 136, 12),
    linkname: cstring(h, 157, 100),
  };
}

/** "30 path=…\n" records of a PAX header. */
export function parsePax(data: Buffer): Record<string, string> {
  const out: Record<string, string> = {};
  let pos = 0;
  while (pos < data.length) {
    const space = data.indexOf(0x20, pos);
    if (space < 0) break;
    const len = Number(data.toString('ascii', pos, space));
    if (!Number.isInteger(len) || len <= 0) break;
    const rec = data.toString('utf8', space + 1, pos + len - 1);
    const eq = rec.indexOf('=');
    if (eq > 0) out[rec.slice(0, eq)] = rec.slice(eq + 1);
    pos += len;
  }
  return out;
}
