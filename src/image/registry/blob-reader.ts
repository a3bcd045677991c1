/**
 * A blob as a stream, fetched from a registry with resume.
 *
 * The stream starts from an answer the client already has (so a missing
 * blob fails the `getBlob` call, not the stream). When the connection
 * breaks or the body ends short of its announced length, the rest is asked
 * for again with `Range: bytes=<position>-`, up to `maxResumes` times; a
 * registry that ignores the range and sends the whole blob (200) is handled
 * by skipping what we already have.
 *
 * Read from offset 0, the stream checks the digest of what it gave out and
 * fails at the end if it does not match; read from a later offset, it
 * cannot, and the content store's check on commit is the one that counts.
 *
 * The idle timeout runs only while we wait for the registry: when the
 * consumer is slow and the stream's buffer is full, the clock stops.
 */
import { Readable } from 'node:stream';

import { BerthError, internal, unavailable } from '../../errors.js';
import { Digester } from '../digest.js';
import { formatDuration, type TransportResponse } from './http-transport.js';

export interface BlobReaderOptions {
  /** "registry 127.0.0.1:5000" */
  context: string;
  /** "blob sha256:… of 127.0.0.1:5000/x", for messages */
  name: string;
  digest: string;
  offset: number;
  /**
   * The blob's size as its descriptor gives it, when known: an answer that
   * announces another length is refused before its body is read (a
   * registry serving a truncated blob would otherwise show up only as a
   * digest mismatch at the end), and a body sent without a length is
   * resumed when it ends short of it.
   */
  size?: number;
  /** The answer to the first request (200 or 206). */
  first: TransportResponse;
  /** Asks for the blob again from `offset`; the answer must be 200 or 206 (it throws otherwise). */
  reopen: (offset: number) => Promise<TransportResponse>;
  idleTimeoutMs: number;
  maxResumes: number;
}

/** "bytes 100-199/200" → {start: 100, end: 199, total: 200}; total undefined for "/*". */
export function parseContentRange(v: string | undefined): { start: number; end: number; total?: number } | undefined {
  const m = v === undefined ? null : /^bytes (\d+)-(\d+)\/(\d+|\*)$/.exec(v.trim());
  if (!m) return undefined;
  const start = Number(m[1]);
  const end = Number(m[2]);
  return m[3] === '*' ? { start, end } : { start, end, total: Number(m[3]) };
}

export class BlobReader extends Readable {
  readonly #o: BlobReaderOptions;
  #res: TransportResponse | undefined;
  #position: number;
  #total: number | undefined;
  /** Bytes at the start of the current body that we already gave out. */
  #skip = 0;
  readonly #digester: Digester | undefined;
  #timer: NodeJS.Timeout | undefined;
  #resumes = 0;
  #reopening = false;
  #done = false;
  /** The consumer asked for data and has not been told to wait (push returned false). */
  #wanting = false;

  constructor(options: BlobReaderOptions) {
    super();
    this.#o = options;
    this.#position = options.offset;
    this.#total = options.size;
    this.#digester = options.offset === 0 ? new Digester() : undefined;
    this.#attach(options.first);
  }

  /** Bytes given out so far, counted from the blob's start. */
  get position(): number {
    return this.#position;
  }

  override _read(): void {
    this.#wanting = true;
    const res = this.#res;
    if (res === undefined || this.#reopening || this.#done) return;
    res.body.resume();
    this.#arm();
  }

  override _destroy(err: Error | null, callback: (error?: Error | null) => void): void {
    this.#done = true;
    this.#disarm();
    this.#detach();
    callback(err);
  }

  #attach(res: TransportResponse): void {
    let skip: number;
    if (res.status === 206) {
      const range = parseContentRange(res.header('content-range'));
      if (range === undefined || range.start > this.#position) {
        res.discard();
        const got = JSON.stringify(res.header('content-range') ?? '');
        this.destroy(
          unavailable(this.#o.context, `${this.#o.name}: unusable range answer ${got} for bytes from ${this.#position}`),
        );
        return;
      }
      skip = this.#position - range.start;
      if (!this.#announces(res, range.total)) return;
    } else {
      // 200: the registry sent the whole blob, whatever we asked.
      skip = this.#position;
      if (!this.#announces(res, res.contentLength)) return;
    }
    this.#res = res;
    this.#skip = skip;
    const body = res.body;
    body.pause();
    body.on('data', (chunk: Buffer) => this.#onData(chunk));
    body.once('end', () => this.#onEnd());
    body.on('error', (err) => this.#onBroken(err));
    body.once('close', () => {
      if (!body.complete) this.#onBroken(undefined);
    });
    if (this.#wanting) {
      body.resume();
      this.#arm();
    }
  }

  /** Takes the blob length an answer announces; false (and the stream failed) when it contradicts the known one. */
  #announces(res: TransportResponse, length: number | undefined): boolean {
    if (length === undefined || this.#total === undefined || length === this.#total) {
      this.#total ??= length;
      return true;
    }
    res.discard();
    const size = this.#total;
    this.#fail(
      internal(
        this.#o.context,
        length < size
          ? `${this.#o.name}: truncated: the registry has ${length} of its ${size} bytes`
          : `${this.#o.name}: the registry has ${length} bytes, more than its ${size}`,
      ),
    );
    return false;
  }

  #detach(): void {
    const res = this.#res;
    if (res === undefined) return;
    this.#res = undefined;
    res.body.removeAllListeners('data');
    res.body.removeAllListeners('end');
    res.body.removeAllListeners('close');
    res.body.removeAllListeners('error');
    res.body.on('error', () => {});
    res.body.destroy();
  }

  #arm(): void {
    this.#disarm();
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      if (this.#done) return;
      this.#detach();
      this.destroy(
        unavailable(
          this.#o.context,
          `no response within ${formatDuration(this.#o.idleTimeoutMs)} while reading ${this.#o.name} (at byte ${this.#position})`,
        ),
      );
    }, this.#o.idleTimeoutMs);
  }

  #disarm(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #onData(chunk: Buffer): void {
    if (this.#done) return;
    this.#arm();
    let data = chunk;
    if (this.#skip > 0) {
      const n = Math.min(this.#skip, data.length);
      this.#skip -= n;
      data = data.subarray(n);
      if (data.length === 0) return;
    }
    if (this.#total !== undefined && this.#position + data.length > this.#total) {
      this.#fail(unavailable(this.#o.context, `${this.#o.name}: registry sent more than the ${this.#total} bytes announced`));
      return;
    }
    this.#position += data.length;
    this.#digester?.update(data);
    if (!this.push(data)) {
      this.#wanting = false;
      this.#res?.body.pause();
      this.#disarm();
    }
  }

  #onEnd(): void {
    if (this.#done) return;
    this.#disarm();
    if (this.#total !== undefined && this.#position < this.#total) {
      this.#resume(undefined);
      return;
    }
    this.#done = true;
    this.#detach();
    if (this.#digester !== undefined && this.#digester.digest() !== this.#o.digest) {
      this.destroy(
        internal(this.#o.context, `${this.#o.name}: content does not match its digest (got ${this.#digester.digest()})`),
      );
      return;
    }
    this.push(null);
  }

  #onBroken(err: unknown): void {
    if (this.#done || this.#reopening) return;
    this.#disarm();
    this.#resume(err);
  }

  #resume(cause: unknown): void {
    this.#detach();
    if (this.#resumes >= this.#o.maxResumes) {
      const of = this.#total === undefined ? '' : ` of ${this.#total}`;
      this.#fail(
        new BerthError('Unavailable', this.#o.context, `${this.#o.name}: connection lost after ${this.#position}${of} bytes`, {
          cause,
        }),
      );
      return;
    }
    this.#resumes++;
    this.#reopening = true;
    this.#o.reopen(this.#position).then(
      (res) => {
        this.#reopening = false;
        if (this.#done) {
          res.discard();
          return;
        }
        this.#attach(res);
      },
      (err: unknown) => {
        this.#reopening = false;
        this.#fail(err instanceof Error ? err : new Error(String(err)));
      },
    );
  }

  #fail(err: Error): void {
    this.#done = true;
    this.#disarm();
    this.#detach();
    this.destroy(err);
  }
}
