/**
 * A streaming tar reader: ustar headers, pax extended headers (path,
 * linkpath, size, uid, gid, mtime, atime, uname, gname, SCHILY.xattr.*,
 * LIBARCHIVE.xattr.*), GNU long names and long links ('L'/'K'), base-256
 * numbers. Global pax headers are read and ignored, as containerd does.
 *
 * Entries come one at a time, each with a Readable body; the body must be
 * read (or left) before asking for the next entry, which skips whatever was
 * not read. Nothing is buffered beyond one source chunk, so a layer of any
 * size streams through.
 *
 * After the end-of-archive block the rest of the source is read and
 * discarded, so a digest computed on the source covers every byte.
 */
import { Readable } from 'node:stream';

import { BerthError, invalidArgument } from '../../errors.js';
import { ByteReader } from './byte-reader.js';
import { parsePax, parsePaxInt, parsePaxTime, type PaxRecords } from './pax.js';
import { BLOCK, HeaderError, decodeName, isZeroBlock, parseHeader, type RawHeader } from './tar-header.js';

export type TarEntryType = 'file' | 'hardlink' | 'symlink' | 'char' | 'block' | 'dir' | 'fifo';

export interface TarEntry {
  /** the name as recorded (not cleaned): "./usr/bin/", "etc/passwd" */
  name: string;
  type: TarEntryType;
  /** permission bits, with setuid, setgid and sticky: mode & 0o7777 */
  mode: number;
  uid: number;
  gid: number;
  uname: string;
  gname: string;
  /** body size in bytes (0 for everything but files) */
  size: number;
  /** seconds since the epoch, with a fraction when a pax header gave one */
  mtime: number;
  atime?: number;
  /** hardlink target or symlink content */
  linkname: string;
  devmajor: number;
  devminor: number;
  /** extended attributes from SCHILY.xattr.* (or LIBARCHIVE.xattr.*) pax records */
  xattrs: ReadonlyMap<string, Buffer>;
  /** where the entry's first header starts in the (uncompressed) stream */
  offset: number;
  body: Readable;
}

/** Largest pax header or GNU long name accepted: names are at most PATH_MAX, xattrs at most 64 KiB. */
const MAX_META = 1 << 20;
const TAR = 'tar stream';

const TYPES: ReadonlyMap<string, TarEntryType> = new Map([
  ['0', 'file'],
  ['\0', 'file'],
  ['7', 'file'], // contiguous file: a regular file everywhere but on one 1980s system
  ['1', 'hardlink'],
  ['2', 'symlink'],
  ['3', 'char'],
  ['4', 'block'],
  ['5', 'dir'],
  ['6', 'fifo'],
]);

const bad = (detail: string, offset: number): BerthError => invalidArgument(TAR, `${detail} at offset ${offset}`);
const truncated = (what: string): BerthError => invalidArgument(TAR, `truncated: the stream ends inside ${what}`);

/** An entry's data, read from the shared reader on demand. */
class EntryBody extends Readable {
  readonly #reader: ByteReader;
  readonly #name: string;
  #left: number;
  #pending: Promise<void> | undefined;
  /** set once the reader has moved on: no more reads from the shared reader */
  #finished = false;

  constructor(reader: ByteReader, size: number, name: string) {
    super({ highWaterMark: 1 << 16 });
    this.#reader = reader;
    this.#left = size;
    this.#name = name;
  }

  override _read(size: number): void {
    if (this.#pending !== undefined || this.#finished) return;
    if (this.#left === 0) {
      this.push(null);
      return;
    }
    this.#pending = this.#reader.readSome(Math.min(this.#left, Math.max(size, 1 << 16))).then(
      (chunk) => {
        this.#pending = undefined;
        if (chunk.length === 0) {
          this.destroy(truncated(`the data of ${JSON.stringify(this.#name)}`));
          return;
        }
        this.#left -= chunk.length;
        if (this.destroyed) return;
        // Readable calls _read again while its buffer is below the high-water mark.
        this.push(chunk);
        if (this.#left === 0) this.push(null);
      },
      (err: unknown) => {
        this.#pending = undefined;
        this.destroy(err instanceof Error ? err : new Error(String(err)));
      },
    );
  }

  /** Waits for a read in flight, then skips what the consumer left unread. */
  async finish(): Promise<void> {
    this.#finished = true;
    await this.#pending;
    if (this.#left > 0) {
      const skipped = await this.#reader.skip(this.#left);
      this.#left -= skipped;
      if (this.#left > 0) throw truncated(`the data of ${JSON.stringify(this.#name)}`);
      // A consumer that stopped early must not keep waiting for data.
      if (!this.readableEnded) this.destroy();
    }
  }
}

async function readMeta(r: ByteReader, size: number, what: string, offset: number): Promise<Buffer> {
  if (size > MAX_META) throw bad(`${what} of ${size} bytes is too large`, offset);
  const data = await r.read(size);
  if (data.length < size) throw truncated(what);
  await skipPadding(r, size, what);
  return data;
}

async function skipPadding(r: ByteReader, size: number, what: string): Promise<void> {
  const pad = (BLOCK - (size % BLOCK)) % BLOCK;
  if ((await r.skip(pad)) < pad) throw truncated(what);
}

/** A GNU long name: the data up to the first NUL. */
function cString(b: Buffer): Buffer {
  const nul = b.indexOf(0);
  return nul === -1 ? b : b.subarray(0, nul);
}

function xattrsOf(pax: PaxRecords | undefined): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  if (pax === undefined) return out;
  for (const [key, value] of pax) {
    if (key.startsWith('SCHILY.xattr.')) {
      out.set(key.slice('SCHILY.xattr.'.length), value);
    }
  }
  // bsdtar's spelling: URL-encoded name, base64 value; SCHILY wins when both are present.
  for (const [key, value] of pax) {
    if (key.startsWith('LIBARCHIVE.xattr.')) {
      const name = decodeURIComponent(key.slice('LIBARCHIVE.xattr.'.length));
      if (!out.has(name)) out.set(name, Buffer.from(value.toString('latin1'), 'base64'));
    }
  }
  return out;
}

function paxString(pax: PaxRecords | undefined, key: string): Buffer | undefined {
  return pax?.get(key);
}

export async function* readTar(source: AsyncIterable<Uint8Array>): AsyncGenerator<TarEntry, void, undefined> {
  const r = new ByteReader(source);
  try {
    let pax: PaxRecords | undefined;
    let longName: Buffer | undefined;
    let longLink: Buffer | undefined;
    let firstOffset: number | undefined;
    for (;;) {
      const offset = r.offset;
      const block = await r.read(BLOCK);
      if (block.length === 0) {
        // The source ended on a block boundary without the two zero blocks.
        // Go's archive/tar (and so containerd) accepts that; so do we, unless
        // a pax or long-name header was waiting for its entry.
        if (pax !== undefined || longName !== undefined || longLink !== undefined) throw truncated('an entry header');
        // Not even an end-of-archive block: a download cut to nothing, not a layer.
        if (offset === 0) throw invalidArgument(TAR, 'empty: not even an end-of-archive block');
        return;
      }
      if (block.length < BLOCK) throw truncated('a header block');
      if (isZeroBlock(block)) {
        // End of archive. What follows (the second zero block, padding to a
        // record size) is read only so a digest of the stream is complete.
        await r.drain();
        return;
      }
      let h: RawHeader;
      try {
        h = parseHeader(block);
      } catch (e) {
        if (e instanceof HeaderError) throw bad(e.message, offset);
        throw e;
      }
      firstOffset ??= offset;
      switch (h.typeflag) {
        case 'x':
          pax = parsePaxChecked(await readMeta(r, h.size, 'a pax header', offset), offset);
          continue;
        case 'g':
          // Global pax headers: ignored (they set defaults nobody relies on in layers).
          await readMeta(r, h.size, 'a global pax header', offset);
          firstOffset = undefined;
          continue;
        case 'L':
          longName = cString(await readMeta(r, h.size, 'a GNU long name', offset));
          continue;
        case 'K':
          longLink = cString(await readMeta(r, h.size, 'a GNU long link name', offset));
          continue;
        case 'V':
          // A volume label: not a file.
          await readMeta(r, h.size, 'a volume label', offset);
          firstOffset = undefined;
          continue;
      }
      let type = TYPES.get(h.typeflag);
      if (type === undefined) {
        const flag = h.typeflag === 'S' ? 'GNU sparse file' : `type ${JSON.stringify(h.typeflag)}`;
        throw bad(`unsupported tar entry (${flag})`, offset);
      }
      for (const key of pax?.keys() ?? []) {
        if (key.startsWith('GNU.sparse.')) throw bad('unsupported tar entry (pax sparse file)', offset);
      }

      let entry: TarEntry;
      let body: EntryBody;
      try {
        const nameBytes = paxString(pax, 'path') ?? longName ?? h.name;
        const linkBytes = paxString(pax, 'linkpath') ?? longLink ?? h.linkname;
        const name = decodeName(nameBytes, 'entry name');
        if (h.typeflag === '\0' && name.endsWith('/')) type = 'dir'; // pre-POSIX directories
        const sizeRecord = paxString(pax, 'size');
        const declared = sizeRecord !== undefined ? parsePaxInt(sizeRecord, 'size') : h.size;
        // As Go's archive/tar: links, devices, fifos and directories carry no data.
        const size = type === 'file' ? declared : 0;
        const uid = paxString(pax, 'uid');
        const gid = paxString(pax, 'gid');
        const mtime = paxString(pax, 'mtime');
        const atime = paxString(pax, 'atime');
        body = new EntryBody(r, size, name);
        entry = {
          name,
          type,
          mode: h.mode & 0o7777,
          uid: uid !== undefined ? parsePaxInt(uid, 'uid') : h.uid,
          gid: gid !== undefined ? parsePaxInt(gid, 'gid') : h.gid,
          uname: paxString(pax, 'uname')?.toString('utf8') ?? h.uname,
          gname: paxString(pax, 'gname')?.toString('utf8') ?? h.gname,
          size,
          mtime: mtime !== undefined ? parsePaxTime(mtime, 'mtime') : h.mtime,
          linkname: type === 'hardlink' || type === 'symlink' ? decodeName(linkBytes, 'link name') : '',
          devmajor: h.devmajor,
          devminor: h.devminor,
          xattrs: xattrsOf(pax),
          offset: firstOffset,
          body,
        };
        if (atime !== undefined) entry.atime = parsePaxTime(atime, 'atime');
      } catch (e) {
        if (e instanceof HeaderError) throw bad(e.message, offset);
        throw e;
      }
      pax = undefined;
      longName = undefined;
      longLink = undefined;
      firstOffset = undefined;

      yield entry;

      await body.finish();
      await skipPadding(r, entry.size, `the data of ${JSON.stringify(entry.name)}`);
    }
  } finally {
    await r.close();
  }
}

function parsePaxChecked(data: Buffer, offset: number): PaxRecords {
  try {
    return parsePax(data);
  } catch (e) {
    if (e instanceof HeaderError) throw bad(e.message, offset);
    throw e;
  }
}
