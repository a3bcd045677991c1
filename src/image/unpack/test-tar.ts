/**
 * Test helper: a small tar writer for building layers in tests (ustar
 * headers; pax records for long names, xattrs and anything asked for; GNU
 * 'L'/'K' long names on request; base-256 for numbers that do not fit).
 * Not used by berth itself.
 */
export type TestEntryType = 'file' | 'dir' | 'symlink' | 'hardlink' | 'char' | 'block' | 'fifo';

export interface TestEntry {
  name: string;
  type?: TestEntryType;
  data?: string | Buffer;
  mode?: number;
  uid?: number;
  gid?: number;
  mtime?: number;
  linkname?: string;
  devmajor?: number;
  devminor?: number;
  xattrs?: Record<string, string | Buffer>;
  /** extra pax records */
  pax?: Record<string, string | Buffer>;
  /** write a long name or link name as GNU 'L'/'K' records instead of pax */
  gnuLongNames?: boolean;
}

const TYPEFLAG: Record<TestEntryType, string> = {
  file: '0',
  hardlink: '1',
  symlink: '2',
  char: '3',
  block: '4',
  dir: '5',
  fifo: '6',
};

function writeNumber(b: Buffer, off: number, len: number, v: number): void {
  if (v >= 0 && v < 8 ** (len - 1)) {
    b.write(`${v.toString(8).padStart(len - 1, '0')}\0`, off, len, 'latin1');
    return;
  }
  // GNU base-256: 0x80 marker, big-endian.
  let x = BigInt(v);
  for (let i = len - 1; i >= 1; i--) {
    b[off + i] = Number(x & 0xffn);
    x >>= 8n;
  }
  b[off] = 0x80;
}

function header(fields: {
  name: Buffer;
  mode: number;
  uid: number;
  gid: number;
  size: number;
  mtime: number;
  typeflag: string;
  linkname: Buffer;
  devmajor: number;
  devminor: number;
}): Buffer {
  const b = Buffer.alloc(512);
  fields.name.copy(b, 0, 0, Math.min(100, fields.name.length));
  writeNumber(b, 100, 8, fields.mode);
  writeNumber(b, 108, 8, fields.uid);
  writeNumber(b, 116, 8, fields.gid);
  writeNumber(b, 124, 12, fields.size);
  writeNumber(b, 136, 12, fields.mtime);
  b.write(fields.typeflag, 156, 1, 'latin1');
  fields.linkname.copy(b, 157, 0, Math.min(100, fields.linkname.length));
  b.write('ustar\x0000', 257, 8, 'latin1');
  b.write('root', 265, 32, 'latin1');
  b.write('root', 297, 32, 'latin1');
  writeNumber(b, 329, 8, fields.devmajor);
  writeNumber(b, 337, 8, fields.devminor);
  b.fill(0x20, 148, 156);
  let sum = 0;
  for (const c of b) sum += c;
  b.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 8, 'latin1');
  return b;
}

const pad = (n: number): Buffer => Buffer.alloc((512 - (n % 512)) % 512);

function paxRecord(key: string, value: Buffer): Buffer {
  const body = Buffer.concat([Buffer.from(` ${key}=`), value, Buffer.from('\n')]);
  let len = body.length + 1;
  while (String(len).length + body.length !== len) len++;
  return Buffer.concat([Buffer.from(String(len)), body]);
}

function meta(typeflag: string, name: string, data: Buffer): Buffer[] {
  const h = header({
    name: Buffer.from(name),
    mode: 0o644,
    uid: 0,
    gid: 0,
    size: data.length,
    mtime: 0,
    typeflag,
    linkname: Buffer.alloc(0),
    devmajor: 0,
    devminor: 0,
  });
  return [h, data, pad(data.length)];
}

/** The blocks of one entry (with its pax or GNU records). */
export function tarEntry(e: TestEntry): Buffer {
  const type = e.type ?? 'file';
  const data = type === 'file' ? Buffer.from(e.data ?? '') : Buffer.alloc(0);
  const name = Buffer.from(e.name);
  const linkname = Buffer.from(e.linkname ?? '');
  const out: Buffer[] = [];
  const pax: Buffer[] = [];
  if (name.length > 100) {
    if (e.gnuLongNames === true) out.push(...meta('L', '././@LongLink', Buffer.concat([name, Buffer.alloc(1)])));
    else pax.push(paxRecord('path', name));
  }
  if (linkname.length > 100) {
    if (e.gnuLongNames === true) out.push(...meta('K', '././@LongLink', Buffer.concat([linkname, Buffer.alloc(1)])));
    else pax.push(paxRecord('linkpath', linkname));
  }
  for (const [k, v] of Object.entries(e.xattrs ?? {})) pax.push(paxRecord(`SCHILY.xattr.${k}`, Buffer.from(v)));
  for (const [k, v] of Object.entries(e.pax ?? {})) pax.push(paxRecord(k, Buffer.from(v)));
  if (pax.length > 0) out.push(...meta('x', 'PaxHeaders/x', Buffer.concat(pax)));
  out.push(
    header({
      name,
      mode: e.mode ?? (type === 'dir' ? 0o755 : 0o644),
      uid: e.uid ?? 0,
      gid: e.gid ?? 0,
      size: data.length,
      mtime: e.mtime ?? 1_700_000_000,
      typeflag: TYPEFLAG[type],
      linkname,
      devmajor: e.devmajor ?? 0,
      devminor: e.devminor ?? 0,
    }),
    data,
    pad(data.length),
  );
  return Buffer.concat(out);
}

/** A whole archive, ending with two zero blocks (unless `end: false`). */
export function tarBuffer(entries: readonly TestEntry[], opts: { end?: boolean } = {}): Buffer {
  const parts = entries.map(tarEntry);
  if (opts.end !== false) parts.push(Buffer.alloc(1024));
  return Buffer.concat(parts);
}
