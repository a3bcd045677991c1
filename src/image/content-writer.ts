/**
 * One in-progress blob write ("ingest"): bytes go to
 * `<content>/ingest/<hash of ref>/data`, hashed as they come; commit
 * verifies size and digest, fsyncs and renames the file into
 * `blobs/sha256/<hex>`. An ingest outlives its writer until committed or
 * aborted, so a later `writer(ref)` resumes at `offset` (the caller asks the
 * registry for `Range: bytes=<offset>-`).
 */
import { type FileHandle, chmod, mkdir, open, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';

import { errnoCode, failedPrecondition, invalidArgument, unavailable } from '../errors.js';
import { Digester, digestHex } from './digest.js';

export interface ContentInfo {
  digest: string;
  size: number;
  /** when the blob was written */
  createdAt: Date;
}

/** What a blob must turn out to be; size is checked when given. */
export interface ExpectedContent {
  digest: string;
  size?: number;
}

export interface ContentWriter {
  readonly ref: string;
  /** bytes in the ingest so far, resumed ones included */
  readonly offset: number;
  /** Appends a chunk; calls are applied in order even when not awaited one by one. */
  write(chunk: Uint8Array): Promise<void>;
  /** The digest of what was written so far. */
  digest(): string;
  /**
   * Verifies and publishes the blob. Too few bytes → InvalidArgument "size
   * mismatch" and the writer stays open (write more, or abort); too many or
   * a wrong digest → InvalidArgument and the ingest is gone. A blob already
   * present (another writer won the race) counts as success.
   */
  commit(expected?: ExpectedContent): Promise<ContentInfo>;
  /** Lets go of the ingest without removing it, to resume later. */
  close(): Promise<void>;
  /** Removes the ingest while the writer is open; afterwards (commit, close) a no-op. */
  abort(): Promise<void>;
}

/** Where a writer puts things, and the refs open in this process. */
export interface IngestPlace {
  dir: string;
  blobsDir: string;
  locks: Set<string>;
}

const READ_CHUNK = 1 << 20;

async function fsyncDir(dir: string): Promise<void> {
  const fh = await open(dir, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

async function readExpected(file: string): Promise<ExpectedContent | undefined> {
  try {
    const v = JSON.parse(await readFile(file, 'utf8')) as Partial<ExpectedContent>;
    if (typeof v.digest !== 'string') return undefined;
    return typeof v.size === 'number' ? { digest: v.digest, size: v.size } : { digest: v.digest };
  } catch (e) {
    if (errnoCode(e) === 'ENOENT' || e instanceof SyntaxError) return undefined;
    throw e;
  }
}

export class LocalContentWriter implements ContentWriter {
  readonly ref: string;
  readonly #place: IngestPlace;
  readonly #digester = new Digester();
  #fh: FileHandle | undefined;
  #expected: ExpectedContent | undefined;
  #tail: Promise<void> = Promise.resolve();
  #done = false;

  private constructor(ref: string, place: IngestPlace, expected: ExpectedContent | undefined) {
    this.ref = ref;
    this.#place = place;
    this.#expected = expected;
  }

  /** Opens or resumes the ingest of `ref`; Unavailable if this process already has it open. */
  static async open(ref: string, place: IngestPlace, expected?: ExpectedContent): Promise<LocalContentWriter> {
    if (place.locks.has(place.dir)) throw unavailable(`ingest ${JSON.stringify(ref)}`, 'locked: another writer has it open');
    place.locks.add(place.dir);
    const w = new LocalContentWriter(ref, place, expected);
    try {
      await w.#init();
    } catch (e) {
      await w.#fh?.close();
      place.locks.delete(place.dir);
      throw e;
    }
    return w;
  }

  async #init(): Promise<void> {
    const { dir } = this.#place;
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const recorded = await readExpected(path.join(dir, 'expected'));
    // A resumed ingest for other content is stale: start it over.
    const stale = this.#expected !== undefined && recorded !== undefined && recorded.digest !== this.#expected.digest;
    this.#expected ??= recorded;
    await writeFile(path.join(dir, 'ref'), this.ref);
    if (this.#expected) await writeFile(path.join(dir, 'expected'), JSON.stringify(this.#expected));
    this.#fh = await open(path.join(dir, 'data'), 'a+', 0o600);
    if (stale) await this.#fh.truncate(0);
    const buf = Buffer.allocUnsafe(READ_CHUNK);
    for (let pos = 0; ; ) {
      const { bytesRead } = await this.#fh.read(buf, 0, buf.length, pos);
      if (bytesRead === 0) break;
      this.#digester.update(buf.subarray(0, bytesRead));
      pos += bytesRead;
    }
  }

  get offset(): number {
    return this.#digester.size;
  }

  digest(): string {
    return this.#digester.digest();
  }

  #context(): string {
    return `ingest ${JSON.stringify(this.ref)}`;
  }

  #open(): FileHandle {
    if (this.#done || this.#fh === undefined) throw failedPrecondition(this.#context(), 'writer is closed');
    return this.#fh;
  }

  write(chunk: Uint8Array): Promise<void> {
    const p = this.#tail.then(async () => {
      const fh = this.#open();
      for (let done = 0; done < chunk.length; ) {
        const { bytesWritten } = await fh.write(chunk, done, chunk.length - done);
        done += bytesWritten;
      }
      this.#digester.update(chunk);
    });
    this.#tail = p.catch(() => undefined);
    return p;
  }

  async commit(expected?: ExpectedContent): Promise<ContentInfo> {
    await this.#tail;
    const fh = this.#open();
    const want = expected ?? this.#expected;
    const size = this.offset;
    if (want?.size !== undefined && size !== want.size) {
      const detail = `size mismatch: expected ${want.size} bytes, got ${size}`;
      if (size > want.size) await this.abort();
      throw invalidArgument(this.#context(), size < want.size ? `${detail} (truncated)` : detail);
    }
    const digest = this.digest();
    if (want !== undefined && digest !== want.digest) {
      await this.abort();
      throw invalidArgument(this.#context(), `digest mismatch: expected ${want.digest}, got ${digest}`);
    }
    this.#done = true;
    try {
      await fh.sync();
    } finally {
      await fh.close();
      this.#fh = undefined;
    }
    try {
      const { dir, blobsDir } = this.#place;
      const target = path.join(blobsDir, digestHex(digest));
      await mkdir(blobsDir, { recursive: true, mode: 0o755 });
      const present = await stat(target).catch((e: unknown) => {
        if (errnoCode(e) === 'ENOENT') return undefined;
        throw e;
      });
      if (present === undefined) {
        const data = path.join(dir, 'data');
        await chmod(data, 0o444);
        // rename(2) is atomic: a concurrent writer of the same digest either
        // finds the blob above or replaces it with identical bytes.
        await rename(data, target);
        await fsyncDir(blobsDir);
      }
      await rm(dir, { recursive: true, force: true });
      return { digest, size, createdAt: present?.mtime ?? new Date() };
    } finally {
      this.#place.locks.delete(this.#place.dir);
    }
  }

  async close(): Promise<void> {
    await this.#tail;
    if (this.#done) return;
    this.#done = true;
    await this.#fh?.close();
    this.#fh = undefined;
    this.#place.locks.delete(this.#place.dir);
  }

  async abort(): Promise<void> {
    await this.#tail;
    const wasOpen = !this.#done;
    this.#done = true;
    await this.#fh?.close();
    this.#fh = undefined;
    // Committed, or closed and perhaps reopened by another writer since: not ours to remove.
    if (!wasOpen) return;
    await rm(this.#place.dir, { recursive: true, force: true });
    this.#place.locks.delete(this.#place.dir);
  }
}
