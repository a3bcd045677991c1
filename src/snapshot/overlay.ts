/**
 * The overlayfs snapshotter. Under its directory (normally
 * `<root>/snapshots`):
 *
 *     metadata.json     every snapshot: name → {id, kind, parent, …} (metadata.ts)
 *     <id>/fs           the snapshot's own tree: a layer (committed) or an upper dir (active)
 *     <id>/work         overlay's work dir, for active snapshots only
 *
 * Ids are small decimal numbers, so a mount's lowerdir list stays short.
 * An active snapshot with no parent is a bind mount of its fs; with parents
 * it is an overlay: lowerdir = parents' fs (nearest first), upperdir = fs,
 * workdir = work. A view is read-only: a bind of its parent's fs (one
 * layer) or an overlay of lowerdirs only (several).
 *
 * Directories are created before the metadata names them and removed after
 * it stops naming them; what a crash leaves in between is removed by
 * `open` (no metadata entry, no directory).
 */
import { existsSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readdir, rm } from 'node:fs/promises';
import path from 'node:path';

import { alreadyExists, failedPrecondition, invalidArgument, notFound } from '../errors.js';
import { METADATA_FILE, MetadataStore, type MetadataDoc, type SnapshotRecord } from './metadata.js';
import type { Mount } from './mount.js';
import type { SnapshotInfo, SnapshotKind, SnapshotOptions, SnapshotUsage, Snapshotter } from './snapshotter.js';
import { diskUsage } from './usage.js';

/**
 * `index=off` where the kernel knows the option: with the inodes index on
 * (CONFIG_OVERLAY_FS_INDEX), overlay records which upper dir a lower layer
 * was first mounted with and refuses other pairings, but layers are shared
 * by many containers. containerd does the same.
 */
const supportsIndexOption = (): boolean => existsSync('/sys/module/overlay/parameters/index');

const snapshotContext = (key: string): string => `snapshot ${JSON.stringify(key)}`;

function checkKey(key: string): void {
  if (key === '' || key.length > 1024 || key.includes('\0')) {
    throw invalidArgument(snapshotContext(key), 'a snapshot key must be 1 to 1024 characters without NUL');
  }
}

export interface OverlaySnapshotterOptions {
  /** Add "index=off" to overlay mounts. Default: when the kernel has the option. */
  indexOff?: boolean;
}

export class OverlaySnapshotter implements Snapshotter {
  readonly dir: string;
  readonly #meta: MetadataStore;
  readonly #indexOff: boolean;

  private constructor(dir: string, meta: MetadataStore, indexOff: boolean) {
    this.dir = dir;
    this.#meta = meta;
    this.#indexOff = indexOff;
  }

  /** Opens (creating if needed) the snapshotter at `dir`, removing what an interrupted operation left. */
  static async open(dir: string, opts: OverlaySnapshotterOptions = {}): Promise<OverlaySnapshotter> {
    const abs = path.resolve(dir);
    // overlay's mount options are split on "," and lowerdir on ":".
    if (/[,:]/.test(abs)) throw invalidArgument(`snapshotter directory ${JSON.stringify(abs)}`, 'must not contain "," or ":"');
    await mkdir(abs, { recursive: true, mode: 0o700 });
    const meta = await MetadataStore.load(abs);
    const sn = new OverlaySnapshotter(abs, meta, opts.indexOff ?? supportsIndexOption());
    await sn.#cleanup();
    return sn;
  }

  async #cleanup(): Promise<void> {
    const ids = new Set(Object.values(this.#meta.doc.snapshots).map((r) => r.id));
    for (const name of await readdir(this.dir)) {
      if (name === METADATA_FILE) continue;
      if ((/^[0-9]+$/.test(name) && !ids.has(name)) || name.startsWith(`${METADATA_FILE}.tmp-`) || name.startsWith(STAGING_PREFIX)) {
        await rm(path.join(this.dir, name), { recursive: true, force: true });
      }
    }
  }

  #fs(id: string): string {
    return path.join(this.dir, id, 'fs');
  }

  #work(id: string): string {
    return path.join(this.dir, id, 'work');
  }

  #get(key: string, doc: Readonly<MetadataDoc> = this.#meta.doc): SnapshotRecord {
    checkKey(key);
    const r = doc.snapshots[key];
    if (r === undefined) throw notFound(snapshotContext(key), 'does not exist');
    return r;
  }

  /** The fs directories of `parent` and its ancestors, nearest first. */
  #lowerDirs(parent: string | undefined, doc: Readonly<MetadataDoc> = this.#meta.doc): string[] {
    const dirs: string[] = [];
    for (let p = parent; p !== undefined; ) {
      const r = doc.snapshots[p];
      if (r === undefined) throw notFound(snapshotContext(p), 'parent does not exist');
      dirs.push(this.#fs(r.id));
      p = r.parent;
    }
    return dirs;
  }

  #mountsOf(r: SnapshotRecord, key: string, doc: Readonly<MetadataDoc> = this.#meta.doc): Mount[] {
    const lowers = this.#lowerDirs(r.parent, doc);
    if (r.kind === 'view') {
      if (lowers.length === 0) return [{ type: 'bind', source: this.#fs(r.id), options: ['rbind', 'ro'] }];
      if (lowers.length === 1) return [{ type: 'bind', source: lowers[0] ?? '', options: ['rbind', 'ro'] }];
      // Only lower layers: overlay is read-only by construction.
      return [{ type: 'overlay', source: 'overlay', options: [...this.#common(), `lowerdir=${lowers.join(':')}`] }];
    }
    if (r.kind !== 'active') {
      throw failedPrecondition(snapshotContext(key), 'is committed: only active snapshots and views have mounts');
    }
    if (lowers.length === 0) return [{ type: 'bind', source: this.#fs(r.id), options: ['rbind', 'rw'] }];
    return [
      {
        type: 'overlay',
        source: 'overlay',
        options: [
          ...this.#common(),
          `workdir=${this.#work(r.id)}`,
          `upperdir=${this.#fs(r.id)}`,
          `lowerdir=${lowers.join(':')}`,
        ],
      },
    ];
  }

  #common(): string[] {
    return this.#indexOff ? ['index=off'] : [];
  }

  async #create(kind: SnapshotKind, key: string, parent: string | undefined, opts: SnapshotOptions): Promise<Mount[]> {
    checkKey(key);
    if (parent !== undefined) checkKey(parent);
    return this.#meta.update(async (doc) => {
      if (doc.snapshots[key] !== undefined) throw alreadyExists(snapshotContext(key));
      if (parent !== undefined) {
        const p = doc.snapshots[parent];
        if (p === undefined) throw notFound(snapshotContext(parent), 'parent does not exist');
        if (p.kind !== 'committed') {
          throw failedPrecondition(snapshotContext(parent), `is ${p.kind}: only a committed snapshot can be a parent`);
        }
      }
      const id = String(doc.nextId++);
      await rm(path.join(this.dir, id), { recursive: true, force: true });
      await mkdir(this.#fs(id), { recursive: true, mode: 0o755 });
      if (kind === 'active') await mkdir(this.#work(id), { mode: 0o700 });
      const now = new Date().toISOString();
      const r: SnapshotRecord = { id, kind, created: now, updated: now, labels: { ...opts.labels } };
      if (parent !== undefined) r.parent = parent;
      doc.snapshots[key] = r;
      return this.#mountsOf(r, key, doc);
    });
  }

  prepare(key: string, parent?: string, opts: SnapshotOptions = {}): Promise<Mount[]> {
    return this.#create('active', key, parent, opts);
  }

  view(key: string, parent?: string, opts: SnapshotOptions = {}): Promise<Mount[]> {
    return this.#create('view', key, parent, opts);
  }

  async commit(name: string, key: string, opts: SnapshotOptions = {}): Promise<void> {
    checkKey(name);
    const r = this.#get(key);
    if (r.kind !== 'active') throw failedPrecondition(snapshotContext(key), `is ${r.kind}: only an active snapshot can be committed`);
    // Measured once, outside the metadata lock: a committed tree does not change.
    const usage = await diskUsage(this.#fs(r.id));
    await this.#meta.update((doc) => {
      const cur = this.#get(key, doc);
      if (cur.kind !== 'active' || cur.id !== r.id) throw failedPrecondition(snapshotContext(key), 'changed while committing');
      if (doc.snapshots[name] !== undefined) throw alreadyExists(snapshotContext(name));
      delete doc.snapshots[key];
      const committed: SnapshotRecord = {
        ...cur,
        kind: 'committed',
        updated: new Date().toISOString(),
        labels: { ...cur.labels, ...opts.labels },
        size: usage.size,
        inodes: usage.inodes,
      };
      doc.snapshots[name] = committed;
    });
    await rm(this.#work(r.id), { recursive: true, force: true });
  }

  async mounts(key: string): Promise<Mount[]> {
    return this.#mountsOf(this.#get(key), key);
  }

  async remove(key: string): Promise<void> {
    checkKey(key);
    const id = await this.#meta.update((doc) => {
      const r = this.#get(key, doc);
      const children = Object.entries(doc.snapshots)
        .filter(([, c]) => c.parent === key)
        .map(([k]) => JSON.stringify(k));
      if (children.length > 0) throw failedPrecondition(snapshotContext(key), `is in use by ${children.join(', ')}`);
      delete doc.snapshots[key];
      return r.id;
    });
    await rm(path.join(this.dir, id), { recursive: true, force: true });
  }

  async stat(key: string): Promise<SnapshotInfo> {
    return toInfo(key, this.#get(key));
  }

  async list(): Promise<SnapshotInfo[]> {
    return Object.entries(this.#meta.doc.snapshots).map(([k, r]) => toInfo(k, r));
  }

  async usage(key: string): Promise<SnapshotUsage> {
    const r = this.#get(key);
    if (r.kind === 'committed' && r.size !== undefined && r.inodes !== undefined) return { size: r.size, inodes: r.inodes };
    return diskUsage(this.#fs(r.id));
  }

  /**
   * The directory a layer is unpacked into for active snapshot `key` (its
   * upper dir). For snapshotter-independent code, see layerDirOf(mounts).
   */
  fsDir(key: string): string {
    return this.#fs(this.#get(key).id);
  }

  /**
   * A new empty directory on the snapshotter's file system, for unpacking
   * a layer before its parent chain is committed (see stageLayer); what an
   * interrupted unpack leaves here is removed on the next open.
   */
  async stagingDir(): Promise<string> {
    const dir = path.join(this.dir, `${STAGING_PREFIX}${randomBytes(8).toString('hex')}`);
    await mkdir(dir, { mode: 0o755 });
    await chmod(dir, 0o755); // whatever the umask: it becomes a layer root
    return dir;
  }
}

const STAGING_PREFIX = 'staging-';

function toInfo(name: string, r: SnapshotRecord): SnapshotInfo {
  const info: SnapshotInfo = { name, kind: r.kind, created: r.created, updated: r.updated, labels: { ...r.labels } };
  if (r.parent !== undefined) info.parent = r.parent;
  return info;
}
