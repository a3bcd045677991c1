import { invalidArgument } from '../../errors.js';

/**
 * Bounds-checked reading of a DNS message. Every read past the end throws, so
 * a truncated or hostile packet can only ever fail to decode, never read
 * garbage or loop.
 */
export class WireReader {
  offset = 0;

  constructor(readonly buf: Buffer) {}

  get remaining(): number {
    return this.buf.length - this.offset;
  }

  u8(): number {
    this.need(1);
    return this.buf[this.offset++] as number;
  }

  u16(): number {
    this.need(2);
    const v = this.buf.readUInt16BE(this.offset);
    this.offset += 2;
    return v;
  }

  u32(): number {
    this.need(4);
    const v = this.buf.readUInt32BE(this.offset);
    this.offset += 4;
    return v;
  }

  /** A copy, so that decoded records do not pin the (possibly large) receive buffer. */
  bytes(n: number): Buffer {
    this.need(n);
    const out = Buffer.from(this.buf.subarray(this.offset, this.offset + n));
    this.offset += n;
    return out;
  }

  need(n: number): void {
    if (this.offset + n > this.buf.length) {
      throw invalidArgument('dns message', `truncated at offset ${this.offset}`);
    }
  }
}

/** A growable output buffer; offsets stay stable so name compression can point back into it. */
export class WireWriter {
  private buf = Buffer.alloc(512);
  length = 0;

  u8(v: number): void {
    this.ensure(1);
    this.buf[this.length++] = v;
  }

  u16(v: number): void {
    this.ensure(2);
    this.buf.writeUInt16BE(v, this.length);
    this.length += 2;
  }

  u32(v: number): void {
    this.ensure(4);
    this.buf.writeUInt32BE(v >>> 0, this.length);
    this.length += 4;
  }

  bytes(b: Uint8Array): void {
    this.ensure(b.length);
    this.buf.set(b, this.length);
    this.length += b.length;
  }

  /** Overwrites a 16-bit value already written (record lengths, section counts). */
  patchU16(at: number, v: number): void {
    this.buf.writeUInt16BE(v, at);
  }

  /** Forgets everything written from `at` on: how a record that does not fit is taken back. */
  truncate(at: number): void {
    this.length = at;
  }

  result(): Buffer {
    return Buffer.from(this.buf.subarray(0, this.length));
  }

  private ensure(n: number): void {
    if (this.length + n <= this.buf.length) return;
    const next = Buffer.alloc(Math.max(this.buf.length * 2, this.length + n));
    this.buf.copy(next, 0, 0, this.length);
    this.buf = next;
  }
}
