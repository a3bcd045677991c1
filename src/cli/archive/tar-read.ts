/**
 * Reads a tar stream entry by entry, whatever the chunking: each entry's
 * header (PAX and GNU long names applied) and its data as a stream, so a
 * large file never sits in memory. The consumer reads an entry's body
 * before asking for the next entry; what it leaves unread is skipped.
 */
import { BLOCK, decodeHeader, padding, parsePax, type TarEntry } from './tar-header.js';

class ByteReader {
  private buf: Buffer = Buffer.alloc(0);
  private done = false;
  constructor(private readonly it: AsyncIterator<Buffer>) {}

  private async fill(): Promise<boolean> {
    if (this.done) return false;
    const r = await this.it.next();
    if (r.done) {
      this.done = true;
      return false;
    }
    this.buf = this.buf.length === 0 ? r.value : Buffer.concat([this.buf, r.value]);
    return true;
  }

  /** Exactly n bytes, or fewer at the end of the stream. */
  async read(n: number): Promise<Buffer> {
    while (this.buf.length < n && (await this.fill()));
    const out = this.buf.subarray(0, n);
    this.buf = this.buf.subarray(out.length);
    return out;
  }

  /** n bytes as they arrive. */
  async *stream(n: number): AsyncGenerator<Buffer> {
    let left = n;
    while (left > 0) {
      if (this.buf.length === 0 && !(await this.fill())) throw new Error('archive/tar: unexpected EOF');
      const out = this.buf.subarray(0, left);
      this.buf = this.buf.subarray(out.length);
      left -= out.length;
      yield out;
    }
  }
}

export async function* readTar(source: AsyncIterable<Buffer>): AsyncGenerator<{ entry: TarEntry; body: AsyncIterable<Buffer> }> {
  const r = new ByteReader(source[Symbol.asyncIterator]());
  let pax: Record<string, string> = {};
  let longName: string | undefined;
  let longLink: string | undefined;
  for (;;) {
    const block = await r.read(BLOCK);
    if (block.length < BLOCK) return;
    const h = decodeHeader(block);
    if (!h) return;
    const size = pax['size'] !== undefined ? Number(pax['size']) : h.size;
    if (h.flag === 'x' || h.flag === 'g' || h.flag === 'L' || h.flag === 'K') {
      const data = await r.read(size);
      await r.read(padding(size));
      if (h.flag === 'x') pax = { ...pax, ...parsePax(data) };
      if (h.flag === 'L') longName = data.toString('utf8').replace(/\0.*$/s, '');
      if (h.flag === 'K') longLink = data.toString('utf8').replace(/\0.*$/s, '');
      continue;
    }
    const entry: TarEntry = { name: h.name, type: h.type, mode: h.mode, uid: h.uid, gid: h.gid, size: h.size, mtime: h.mtime, linkname: h.linkname };
    const data = r.stream(size);
    // No return(): a consumer that stops early must not close the data, which is skipped below.
    const body: AsyncIterable<Buffer> = { [Symbol.asyncIterator]: () => ({ next: () => data.next() }) };
    yield { entry: { ...entry, name: pax['path'] ?? longName ?? entry.name, linkname: pax['linkpath'] ?? longLink ?? entry.linkname, size }, body };
    for (let c = await data.next(); !c.done; c = await data.next());
    await r.read(padding(size));
    pax = {};
    longName = undefined;
    longLink = undefined;
  }
}
