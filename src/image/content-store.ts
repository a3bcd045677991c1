/**
 * Blobs by digest. Everything an image is made of (indexes, manifests,
 * configs, layers) lands here exactly as the registry served it, verified
 * against its digest on the way in, so a blob's name is also its checksum.
 *
 * Writing goes through a ContentWriter named by a caller-chosen `ref`
 * (say, "layer-sha256:…"): write the bytes, then commit, which verifies and
 * publishes. If the process dies half way, `writer(ref)` again picks up at
 * `offset`:
 *
 *   const w = await store.writer(`layer-${d.digest}`, d);
 *   const body = await fetchBlob(d, { from: w.offset });
 *   for await (const chunk of body) await w.write(chunk);
 *   await w.commit();
 *
 * LocalContentStore keeps blobs at `<root>/content/blobs/sha256/<hex>` and
 * ingests at `<root>/content/ingest/<sha256 of ref>/`. Writers of one ref
 * exclude each other within this process only; berthd is the one process
 * that writes.
 */
import { open, readdir, readFile, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';

import { errnoCode, invalidArgument, notFound, unavailable } from '../errors.js';
import { checkDigest, digestHex, sha256Digest } from './digest.js';
import { type ContentInfo, type ContentWriter, type ExpectedContent, LocalContentWriter } from './content-writer.js';

export type { ContentInfo, ContentWriter, ExpectedContent } from './content-writer.js';

export interface ReadRange {
  /** first byte, inclusive */
  start?: number;
  /** last byte, inclusive */
  end?: number;
}

export interface IngestStatus {
  ref: string;
  offset: number;
  updatedAt: Date;
}

export interface ContentStore {
  /** NotFound when absent. */
  info(digest: string): Promise<ContentInfo>;
  has(digest: string): Promise<boolean>;
  /** A stream of the blob (or a byte range of it); NotFound when absent. */
  read(digest: string, range?: ReadRange): Promise<Readable>;
  readAll(digest: string): Promise<Buffer>;
  /** Opens or resumes the ingest named `ref`. */
  writer(ref: string, expected?: ExpectedContent): Promise<ContentWriter>;
  /** NotFound when absent. */
  delete(digest: string): Promise<void>;
  walk(): AsyncIterable<ContentInfo>;
  /** Ingests not written to for `olderThanMs` (and not open here) are removed; returns their refs. */
  cleanupIngests(olderThanMs: number): Promise<string[]>;
}

const HEX64 = /^[a-f0-9]{64}$/;

const missing = (digest: string) => notFound(`blob ${digest}`);

export class LocalContentStore implements ContentStore {
  /** `<root>/content` */
  readonly dir: string;
  readonly #locks = new Set<string>();

  /** `root` is berth's root (`/var/lib/berth`); content lives under `<root>/content`. */
  constructor(root: string) {
    this.dir = path.join(root, 'content');
  }

  get blobsDir(): string {
    return path.join(this.dir, 'blobs', 'sha256');
  }

  get ingestDir(): string {
    return path.join(this.dir, 'ingest');
  }

  /** Where a blob lives (whether or not it is there). */
  blobPath(digest: string): string {
    return path.join(this.blobsDir, digestHex(checkDigest(digest, 'blob')));
  }

  async info(digest: string): Promise<ContentInfo> {
    try {
      const st = await stat(this.blobPath(digest));
      return { digest, size: st.size, createdAt: st.mtime };
    } catch (e) {
      if (errnoCode(e) === 'ENOENT') throw missing(digest);
      throw e;
    }
  }

  async has(digest: string): Promise<boolean> {
    try {
      await stat(this.blobPath(digest));
      return true;
    } catch (e) {
      if (errnoCode(e) === 'ENOENT') return false;
      throw e;
    }
  }

  async read(digest: string, range: ReadRange = {}): Promise<Readable> {
    try {
      const fh = await open(this.blobPath(digest), 'r');
      return fh.createReadStream({ ...range, autoClose: true });
    } catch (e) {
      if (errnoCode(e) === 'ENOENT') throw missing(digest);
      throw e;
    }
  }

  async readAll(digest: string): Promise<Buffer> {
    try {
      return await readFile(this.blobPath(digest));
    } catch (e) {
      if (errnoCode(e) === 'ENOENT') throw missing(digest);
      throw e;
    }
  }

  async writer(ref: string, expected?: ExpectedContent): Promise<ContentWriter> {
    if (ref === '' || ref.includes('\0')) throw invalidArgument(`ingest ${JSON.stringify(ref)}`, 'ref must be non-empty, without NUL');
    if (expected) {
      checkDigest(expected.digest, 'expected digest');
      if (expected.size !== undefined && (!Number.isSafeInteger(expected.size) || expected.size < 0)) {
        throw invalidArgument(`ingest ${JSON.stringify(ref)}`, `expected size must be a non-negative integer, got ${expected.size}`);
      }
    }
    const place = { dir: this.#ingestPath(ref), blobsDir: this.blobsDir, locks: this.#locks };
    return LocalContentWriter.open(ref, place, expected);
  }

  #ingestPath(ref: string): string {
    return path.join(this.ingestDir, sha256Digest(ref).slice('sha256:'.length));
  }

  async delete(digest: string): Promise<void> {
    try {
      await rm(this.blobPath(digest));
    } catch (e) {
      if (errnoCode(e) === 'ENOENT') throw missing(digest);
      throw e;
    }
  }

  async *walk(): AsyncIterable<ContentInfo> {
    for (const name of await listDir(this.blobsDir)) {
      if (!HEX64.test(name)) continue;
      const st = await stat(path.join(this.blobsDir, name)).catch(() => undefined);
      // Deleted between readdir and stat: gone, so not listed.
      if (st?.isFile()) yield { digest: `sha256:${name}`, size: st.size, createdAt: st.mtime };
    }
  }

  /** Ingests on disk, open or not. */
  async ingests(): Promise<IngestStatus[]> {
    return (await this.#ingestEntries()).map((e) => e.status);
  }

  async #ingestEntries(): Promise<{ dir: string; status: IngestStatus }[]> {
    const out: { dir: string; status: IngestStatus }[] = [];
    for (const name of await listDir(this.ingestDir)) {
      const dir = path.join(this.ingestDir, name);
      const ref = await readFile(path.join(dir, 'ref'), 'utf8').catch(() => name);
      const data = await stat(path.join(dir, 'data')).catch(() => undefined);
      const st = data ?? (await stat(dir).catch(() => undefined));
      if (st) out.push({ dir, status: { ref, offset: data?.size ?? 0, updatedAt: st.mtime } });
    }
    return out;
  }

  async cleanupIngests(olderThanMs: number): Promise<string[]> {
    const cutoff = Date.now() - olderThanMs;
    const removed: string[] = [];
    for (const { dir, status } of await this.#ingestEntries()) {
      if (this.#locks.has(dir) || status.updatedAt.getTime() > cutoff) continue;
      await rm(dir, { recursive: true, force: true });
      removed.push(status.ref);
    }
    return removed;
  }

  /** Removes the ingest of `ref` (a writer here must not have it open); true if there was one. */
  async abortIngest(ref: string): Promise<boolean> {
    const dir = this.#ingestPath(ref);
    if (this.#locks.has(dir)) throw unavailable(`ingest ${JSON.stringify(ref)}`, 'locked: a writer has it open');
    const there = await stat(dir).then(
      () => true,
      () => false,
    );
    await rm(dir, { recursive: true, force: true });
    return there;
  }
}

async function listDir(dir: string): Promise<string[]> {
  try {
    return await readdir(dir);
  } catch (e) {
    if (errnoCode(e) === 'ENOENT') return [];
    throw e;
  }
}

