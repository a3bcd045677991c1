/**
 * Content digests: "algorithm:encoded" (OCI image-spec, "Digests"). berth
 * stores and verifies sha256 only; other well-formed algorithms (sha512,
 * blake3) are recognized and refused by name, so a user sees "unsupported
 * digest algorithm" rather than "invalid".
 */
import { createHash, type Hash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';

import { invalidArgument } from '../errors.js';

export const SHA256 = 'sha256';

export interface ParsedDigest {
  algorithm: typeof SHA256;
  /** 64 lower-case hex characters */
  hex: string;
}

// algorithm ::= component (separator component)*; encoded ::= [a-zA-Z0-9=_-]+
const DIGEST_GRAMMAR = /^([a-z0-9]+(?:[+._-][a-z0-9]+)*):([a-zA-Z0-9=_-]+)$/;
const SHA256_HEX = /^[a-f0-9]{64}$/;

/** Splits and checks a digest; throws InvalidArgument naming `context`. */
export function parseDigest(s: string, context = 'digest'): ParsedDigest {
  const where = `${context} ${JSON.stringify(s.length > 80 ? `${s.slice(0, 80)}…` : s)}`;
  const m = DIGEST_GRAMMAR.exec(s);
  if (!m) throw invalidArgument(where, 'invalid digest format, want "sha256:<64 hex digits>"');
  const [, algorithm = '', hex = ''] = m;
  if (algorithm !== SHA256) throw invalidArgument(where, `unsupported digest algorithm "${algorithm}"`);
  if (!SHA256_HEX.test(hex)) throw invalidArgument(where, 'invalid sha256 digest: want 64 lower-case hex digits');
  return { algorithm, hex };
}

/** The digest itself when valid; throws like parseDigest otherwise. */
export function checkDigest(s: string, context = 'digest'): string {
  parseDigest(s, context);
  return s;
}

export function isDigest(s: string): boolean {
  const m = DIGEST_GRAMMAR.exec(s);
  return m !== null && m[1] === SHA256 && SHA256_HEX.test(m[2] ?? '');
}

/** The hex part of a valid digest. */
export const digestHex = (digest: string): string => parseDigest(digest).hex;

export function sha256Digest(data: Uint8Array | string): string {
  return `${SHA256}:${createHash('sha256').update(data).digest('hex')}`;
}

/** Hashes and counts bytes fed to it piecewise. */
export class Digester {
  #hash: Hash = createHash('sha256');
  #size = 0;

  update(chunk: Uint8Array): this {
    this.#hash.update(chunk);
    this.#size += chunk.length;
    return this;
  }

  get size(): number {
    return this.#size;
  }

  /** The digest of everything so far; the digester stays usable. */
  digest(): string {
    return `${SHA256}:${this.#hash.copy().digest('hex')}`;
  }
}

/**
 * A pass-through stream that digests and counts what flows through it:
 * `pipeline(source, ds, sink)` then `ds.digest()`.
 */
export class DigestingStream extends Transform {
  readonly #digester = new Digester();

  override _transform(chunk: unknown, _encoding: BufferEncoding, done: TransformCallback): void {
    const buf = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Uint8Array);
    this.#digester.update(buf);
    done(null, buf);
  }

  get size(): number {
    return this.#digester.size;
  }

  digest(): string {
    return this.#digester.digest();
  }
}
