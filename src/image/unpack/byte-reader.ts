/**
 * Pull-style reading of exact byte counts from a chunked stream: the tar
 * reader asks for a 512-byte header, then for "up to N bytes" of a body,
 * without ever holding more than one source chunk beyond what it asked for.
 */
export class ByteReader {
  readonly #source: AsyncIterator<Uint8Array>;
  #chunks: Buffer[] = [];
  #buffered = 0;
  #ended = false;
  /** bytes handed out so far: the offset of the next byte in the stream */
  #offset = 0;

  constructor(source: AsyncIterable<Uint8Array>) {
    this.#source = source[Symbol.asyncIterator]();
  }

  get offset(): number {
    return this.#offset;
  }

  /** Buffers until at least `n` bytes are available or the source ends; returns what is available. */
  async #fill(n: number): Promise<number> {
    while (this.#buffered < n && !this.#ended) {
      const r = await this.#source.next();
      if (r.done === true) {
        this.#ended = true;
        break;
      }
      const chunk = Buffer.isBuffer(r.value) ? r.value : Buffer.from(r.value);
      if (chunk.length === 0) continue;
      this.#chunks.push(chunk);
      this.#buffered += chunk.length;
    }
    return this.#buffered;
  }

  /** Removes `n` (≤ buffered) bytes from the front of the buffer. */
  #take(n: number): Buffer {
    const first = this.#chunks[0];
    let out: Buffer;
    if (first !== undefined && first.length >= n) {
      out = first.subarray(0, n);
      if (first.length === n) this.#chunks.shift();
      else this.#chunks[0] = first.subarray(n);
    } else {
      out = Buffer.allocUnsafe(n);
      let filled = 0;
      while (filled < n) {
        const c = this.#chunks[0];
        if (c === undefined) throw new Error('ByteReader: take beyond buffer');
        const k = Math.min(c.length, n - filled);
        c.copy(out, filled, 0, k);
        filled += k;
        if (k === c.length) this.#chunks.shift();
        else this.#chunks[0] = c.subarray(k);
      }
    }
    this.#buffered -= n;
    this.#offset += n;
    return out;
  }

  /** Exactly `n` bytes, or fewer only when the source ended first (the caller decides whether that is an error). */
  async read(n: number): Promise<Buffer> {
    const have = await this.#fill(n);
    return this.#take(Math.min(n, have));
  }

  /** Between 1 and `max` bytes (whatever is at hand), or an empty buffer at the end of the source. */
  async readSome(max: number): Promise<Buffer> {
    if (this.#buffered === 0) await this.#fill(1);
    const first = this.#chunks[0];
    if (first === undefined) return Buffer.alloc(0);
    return this.#take(Math.min(max, first.length));
  }

  /** Skips up to `n` bytes; returns how many were skipped (fewer only at the end of the source). */
  async skip(n: number): Promise<number> {
    let left = n;
    while (left > 0) {
      const b = await this.readSome(left);
      if (b.length === 0) break;
      left -= b.length;
    }
    return n - left;
  }

  /** Reads and discards everything up to the end of the source. */
  async drain(): Promise<void> {
    this.#chunks = [];
    this.#offset += this.#buffered;
    this.#buffered = 0;
    while (!this.#ended) {
      const r = await this.#source.next();
      if (r.done === true) this.#ended = true;
      else this.#offset += r.value.length;
    }
  }

  /** Stops reading: lets the source release what it holds (a file, a child process). */
  async close(): Promise<void> {
    this.#ended = true;
    this.#chunks = [];
    this.#buffered = 0;
    await this.#source.return?.();
  }
}
