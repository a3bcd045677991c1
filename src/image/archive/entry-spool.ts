/**
 * Where the entries of an archive wait while the rest of it is read: tar
 * entries come in any order (docker save writes the layers before the
 * manifest.json that says what they are), so nothing can be committed as it
 * streams past. Small entries (JSON documents) are kept in memory; large
 * ones go into content-store ingests, hashed as they are written, and stay
 * uncommitted until the loader knows they are wanted and what digest they
 * must have. `dispose` aborts every ingest still open, so a failed or
 * finished load leaves nothing behind in the ingest area.
 */
import { randomUUID } from 'node:crypto';

import { invalidArgument } from '../../errors.js';
import type { ContentStore, ContentWriter, ExpectedContent } from '../content-store.js';
import { Digester } from '../digest.js';
import type { TarEntry } from '../unpack/tar-reader.js';
import { writeBlob } from '../write-blob.js';
import { archivePath, symlinkTarget } from './archive-path.js';

/** One regular file of the archive. */
export interface SpooledFile {
  /** canonical archive path */
  readonly name: string;
  readonly size: number;
  readonly digest: string;
  /** the first bytes, to sniff compression */
  readonly head: Buffer;
}

interface FileNode extends SpooledFile {
  data?: Buffer;
  writer?: ContentWriter;
  committed: boolean;
}

type Node = { kind: 'file'; file: FileNode } | { kind: 'link'; target: string };

export interface SpoolLimits {
  /** entries up to this size may be kept in memory; default 1 MiB */
  smallFile?: number;
  /** total bytes kept in memory; default 64 MiB */
  memory?: number;
}

const HEAD = 8;
/** Symlinks followed before giving up (a loop). */
const MAX_HOPS = 16;

export class EntrySpool {
  readonly #content: ContentStore;
  readonly #nodes = new Map<string, Node>();
  readonly #prefix = `archive-${randomUUID()}`;
  readonly #smallFile: number;
  readonly #memoryLimit: number;
  #memory = 0;
  #count = 0;

  constructor(content: ContentStore, limits: SpoolLimits = {}) {
    this.#content = content;
    this.#smallFile = limits.smallFile ?? 1 << 20;
    this.#memoryLimit = limits.memory ?? 64 << 20;
  }

  /** Entries seen (files and links). */
  get size(): number {
    return this.#nodes.size;
  }

  /** Takes one tar entry, reading its body. A later entry of the same name replaces an earlier one. */
  async add(entry: TarEntry): Promise<void> {
    const name = archivePath(entry.name);
    if (name === undefined) return;
    if (entry.type === 'symlink' || entry.type === 'hardlink') {
      // A hard link names its target from the archive root, a symlink from its own directory.
      const target = entry.type === 'symlink' ? symlinkTarget(name, entry.linkname) : archivePath(entry.linkname);
      if (target !== undefined) await this.#set(name, { kind: 'link', target });
      return;
    }
    if (entry.type !== 'file') return;
    await this.#set(name, { kind: 'file', file: await this.#spool(name, entry) });
  }

  async #set(name: string, node: Node): Promise<void> {
    const old = this.#nodes.get(name);
    if (old?.kind === 'file') await this.#release(old.file);
    this.#nodes.set(name, node);
  }

  async #release(file: FileNode): Promise<void> {
    if (file.data !== undefined) this.#memory -= file.data.length;
    delete file.data;
    const w = file.writer;
    delete file.writer;
    await w?.abort();
  }

  async #spool(name: string, entry: TarEntry): Promise<FileNode> {
    const digester = new Digester();
    const heads: Buffer[] = [];
    let headLen = 0;
    const keep = (chunk: Buffer) => {
      digester.update(chunk);
      if (headLen < HEAD) {
        heads.push(chunk.subarray(0, HEAD - headLen));
        headLen += Math.min(chunk.length, HEAD - headLen);
      }
    };
    if (entry.size <= this.#smallFile && this.#memory + entry.size <= this.#memoryLimit) {
      const chunks: Buffer[] = [];
      for await (const chunk of entry.body as AsyncIterable<Buffer>) {
        keep(chunk);
        chunks.push(chunk);
      }
      const data = Buffer.concat(chunks);
      this.#memory += data.length;
      return { name, size: data.length, digest: digester.digest(), head: Buffer.concat(heads), data, committed: false };
    }
    const writer = await this.#content.writer(`${this.#prefix}-${this.#count++}`);
    try {
      for await (const chunk of entry.body as AsyncIterable<Buffer>) {
        keep(chunk);
        await writer.write(chunk);
      }
    } catch (e) {
      await writer.abort();
      throw e;
    }
    return { name, size: digester.size, digest: digester.digest(), head: Buffer.concat(heads), writer, committed: false };
  }

  /** The file at `name`, following links; undefined when there is none. */
  lookup(name: string): SpooledFile | undefined {
    return this.#file(name);
  }

  #file(name: string): FileNode | undefined {
    let at = archivePath(name);
    for (let hops = 0; at !== undefined && hops <= MAX_HOPS; hops++) {
      const node = this.#nodes.get(at);
      if (node === undefined) return undefined;
      if (node.kind === 'file') return node.file;
      at = node.target;
    }
    return undefined;
  }

  #node(file: SpooledFile): FileNode {
    const node = this.#file(file.name);
    if (node === undefined || node.digest !== file.digest) throw new Error(`entry spool: ${file.name} is not spooled here`);
    return node;
  }

  /**
   * The bytes of a file meant to be read whole (a manifest, a config).
   * Larger than `max` → InvalidArgument. A file spooled to an ingest is
   * committed under its own digest and read back from the content store.
   */
  async bytes(file: SpooledFile, max: number): Promise<Buffer> {
    if (file.size > max) throw invalidArgument(`file ${JSON.stringify(file.name)}`, `too large (${file.size} bytes, at most ${max})`);
    const node = this.#node(file);
    if (node.data !== undefined) return node.data;
    await this.commit(file, { digest: file.digest, size: file.size });
    return this.#content.readAll(file.digest);
  }

  /** Makes a file a blob of the content store; `expected` is verified (digest mismatch → InvalidArgument). */
  async commit(file: SpooledFile, expected: ExpectedContent): Promise<void> {
    const node = this.#node(file);
    if (node.committed) {
      if (node.digest !== expected.digest) {
        throw invalidArgument(`file ${JSON.stringify(file.name)}`, `digest mismatch: expected ${expected.digest}, got ${node.digest}`);
      }
      return;
    }
    if (node.data !== undefined) {
      await writeBlob(this.#content, `${this.#prefix}-${this.#count++}`, node.data, expected);
    } else if (node.writer !== undefined) {
      const w = node.writer;
      delete node.writer;
      try {
        await w.commit(expected);
      } catch (e) {
        await w.abort();
        throw e;
      }
    }
    node.committed = true;
  }

  /** Aborts every ingest still open and forgets everything. */
  async dispose(): Promise<void> {
    const files = [...this.#nodes.values()].flatMap((n) => (n.kind === 'file' ? [n.file] : []));
    this.#nodes.clear();
    const results = await Promise.allSettled(files.map((f) => this.#release(f)));
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
  }
}
