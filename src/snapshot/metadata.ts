/**
 * The snapshotter's metadata: one small JSON document (`metadata.json`)
 * naming every snapshot, its kind, its parent and its directory id. Written
 * atomically (temp file, fsync, rename, fsync of the directory), so a crash
 * leaves either the old document or the new one. Changes are serialized
 * within the process; one process (berthd) owns a snapshotter directory.
 */
import { open, readFile, rename, rm } from 'node:fs/promises';
import path from 'node:path';

import { errnoCode, internal } from '../errors.js';
import type { SnapshotKind } from './snapshotter.js';

export interface SnapshotRecord {
  /** directory name under the snapshotter root: short, so many lowerdirs fit in one mount */
  id: string;
  kind: SnapshotKind;
  parent?: string;
  created: string;
  updated: string;
  labels: Record<string, string>;
  /** disk usage, measured once when committed (a committed tree does not change) */
  size?: number;
  inodes?: number;
}

export interface MetadataDoc {
  version: 1;
  nextId: number;
  snapshots: Record<string, SnapshotRecord>;
}

export const METADATA_FILE = 'metadata.json';

const empty = (): MetadataDoc => ({ version: 1, nextId: 1, snapshots: {} });

export async function writeFileAtomic(file: string, data: string): Promise<void> {
  const tmp = `${file}.tmp-${process.pid}`;
  const fh = await open(tmp, 'w', 0o600);
  try {
    await fh.writeFile(data);
    await fh.sync();
  } finally {
    await fh.close();
  }
  try {
    await rename(tmp, file);
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  }
  // The rename itself is durable only once the directory is synced.
  const dir = await open(path.dirname(file), 'r');
  try {
    await dir.sync();
  } finally {
    await dir.close();
  }
}

export class MetadataStore {
  readonly #file: string;
  #doc: MetadataDoc;
  #queue: Promise<unknown> = Promise.resolve();

  private constructor(file: string, doc: MetadataDoc) {
    this.#file = file;
    this.#doc = doc;
  }

  static async load(dir: string): Promise<MetadataStore> {
    const file = path.join(dir, METADATA_FILE);
    let doc: MetadataDoc;
    try {
      const parsed = JSON.parse(await readFile(file, 'utf8')) as Partial<MetadataDoc>;
      if (parsed.version !== 1 || typeof parsed.nextId !== 'number' || typeof parsed.snapshots !== 'object') {
        throw internal(`snapshot metadata ${file}`, 'unknown format');
      }
      doc = parsed as MetadataDoc;
    } catch (e) {
      if (errnoCode(e) !== 'ENOENT') throw e instanceof SyntaxError ? internal(`snapshot metadata ${file}`, 'not valid JSON', e) : e;
      doc = empty();
    }
    return new MetadataStore(file, doc);
  }

  /** The current document; treat as read-only. */
  get doc(): Readonly<MetadataDoc> {
    return this.#doc;
  }

  /**
   * Runs `change` on a copy of the document and saves it; the change is seen
   * by others only once it is on disk. Changes run one at a time, in order.
   */
  update<T>(change: (doc: MetadataDoc) => T | Promise<T>): Promise<T> {
    const run = this.#queue.then(async () => {
      const copy = structuredClone(this.#doc);
      const result = await change(copy);
      await writeFileAtomic(this.#file, `${JSON.stringify(copy, null, 1)}\n`);
      this.#doc = copy;
      return result;
    });
    this.#queue = run.catch(() => undefined);
    return run;
  }
}
