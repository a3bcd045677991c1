/**
 * Named volumes with the semantics of Docker's `local` driver. Each volume
 * is a directory `<root>/volumes/<name>/` holding `_data` (what containers
 * mount) and `volume.json` (its record, see volume-record.ts).
 *
 *   const volumes = await VolumeService.open('/var/lib/berth', { inUse });
 *   const v = await volumes.create({ Name: 'pgdata' });
 *   const dir = await volumes.mount('pgdata', containerId); // bind this into the container
 *   await volumes.populateFromImage('pgdata', secureJoin(rootfs, '/var/lib/postgresql/data'));
 *   …
 *   await volumes.unmount('pgdata', containerId);
 *
 * Which containers use a volume is the engine's knowledge, asked through
 * `inUse` when it matters (remove, prune, the dangling filter, RefCount).
 * Operations on one volume are serialized (keyed-lock.ts); creation writes
 * the record last and removal first renames the directory away, so a crash
 * in either leaves no half volume behind (`open` clears the remains).
 */
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readdir, realpath, rename, rm, rmdir } from 'node:fs/promises';
import path from 'node:path';

import { conflict, errnoCode, invalidArgument, notFound } from '../../errors.js';
import { writeJsonAtomic } from '../state/atomic-json.js';
import { copyImageContent } from './copy-content.js';
import { directorySize } from './disk-usage.js';
import type { FilterInput } from './filter-args.js';
import { KeyedLock } from '../state/keyed-lock.js';
import { checkLocalOptions } from './local-options.js';
import { toApiVolume, type CreateVolumeRequest, type Volume, type VolumePruneReport } from './volume-api.js';
import { ANONYMOUS_LABEL, listPredicate, prunePredicate } from './volume-filters.js';
import { isMountPoint, unmountVolume } from './volume-mount.js';
import { VolumeMounts } from './volume-mounts.js';
import { checkVolumeName, randomVolumeName } from './volume-name.js';
import { RECORD_FILE, readVolumeRecord, serializeVolumeRecord, type VolumeRecord } from './volume-record.js';


/** One operation at a time per volume, for every service object of this process (create, remove, mount, populate). */
const VOLUME_LOCK = new KeyedLock();

export interface VolumeServiceOptions {
  /** volume name → ids of the containers using it; default: nothing is in use */
  inUse?: () => Promise<Map<string, string[]>>;
}

const DATA = '_data';
const REMOVING = '.removing-';
const VALID_NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]+$/;
const noSuchVolume = (name: string) => notFound(`get ${name}`, 'no such volume');

export class VolumeService {
  /** `<root>/volumes` */
  readonly dir: string;
  readonly #inUse: () => Promise<Map<string, string[]>>;
  readonly #mounts = new VolumeMounts();
  #pruning = false;

  private constructor(dir: string, options: VolumeServiceOptions) {
    this.dir = dir;
    this.#inUse = options.inUse ?? (() => Promise.resolve(new Map()));
  }

  /** `root` is berth's root (`/var/lib/berth`). Clears what an interrupted create or remove left. */
  static async open(root: string, options: VolumeServiceOptions = {}): Promise<VolumeService> {
    const wanted = path.join(path.resolve(root), 'volumes');
    await mkdir(path.dirname(wanted), { recursive: true, mode: 0o711 });
    // Others may pass through to a mountpoint given to them, not list the volumes.
    await mkdir(wanted, { mode: 0o701 }).catch(ignoreExists);
    // Resolved, because mount points are compared with /proc/self/mountinfo, which has no symlinks.
    const dir = await realpath(wanted);
    const service = new VolumeService(dir, options);
    await service.#sweep();
    return service;
  }

  /**
   * Docker's volume create. An empty or absent Name (or `anonymous`) makes
   * an anonymous volume: a random name and the com.docker.volume.anonymous
   * label, which prune and `docker rm -v` look for.
   */
  async create(req: CreateVolumeRequest & { anonymous?: boolean } = {}): Promise<Volume> {
    if (req.anonymous === true && (req.Name ?? '') !== '') throw invalidArgument('', 'an anonymous volume has no name');
    const driver = req.Driver ?? '';
    if (driver !== '' && driver !== 'local') {
      throw invalidArgument(`volume driver ${JSON.stringify(driver)}`, 'not supported: the only volume driver is "local"');
    }
    const labels = { ...(req.Labels ?? {}) };
    let name = req.Name ?? '';
    if (name === '') {
      name = randomVolumeName();
      labels[ANONYMOUS_LABEL] = '';
    } else {
      checkVolumeName(name);
    }
    const options = { ...(req.DriverOpts ?? {}) };
    checkLocalOptions(options);
    return this.#locked(name, async () => {
      // An existing name is returned as it is, whatever was asked (as dockerd does).
      const existing = await this.#record(name);
      if (existing !== undefined) return toApiVolume(existing, this.#data(name));
      const data = this.#data(name);
      // EEXIST: the remains of a create that crashed before its record; taken over.
      await mkdir(path.dirname(data), { mode: 0o755 }).catch(ignoreExists);
      await mkdir(data, { mode: 0o755 }).catch(ignoreExists);
      await chmod(data, 0o755); // whatever the umask
      const rec: VolumeRecord = {
        name,
        driver: 'local',
        createdAt: new Date().toISOString(),
        labels,
        options,
        populated: false,
      };
      await this.#save(rec);
      return toApiVolume(rec, data);
    });
  }

  /** Docker's volume inspect; `usage` adds UsageData (size and RefCount). */
  async inspect(name: string, opts: { usage?: boolean } = {}): Promise<Volume> {
    const rec = await this.#mustRecord(name);
    if (opts.usage !== true) return toApiVolume(rec, this.#data(name));
    const users = (await this.#users()).get(name) ?? [];
    return toApiVolume(rec, this.#data(name), { Size: await this.#sizeOrUnknown(name), RefCount: users.length });
  }

  /** Whether `name` is a volume created without a name; false when there is no such volume. */
  async isAnonymous(name: string): Promise<boolean> {
    const rec = await this.#record(name);
    return rec !== undefined && Object.hasOwn(rec.labels, ANONYMOUS_LABEL);
  }

  /** Volumes matching `filters` (name, driver, label, dangling), sorted by name. */
  async list(opts: { filters?: FilterInput; usage?: boolean } = {}): Promise<Volume[]> {
    const matches = listPredicate(opts.filters);
    const users = await this.#users();
    const out: Volume[] = [];
    for (const rec of await this.#records()) {
      const ids = users.get(rec.name) ?? [];
      if (!matches(rec, ids.length > 0)) continue;
      const usage = opts.usage === true ? { Size: await this.#sizeOrUnknown(rec.name), RefCount: ids.length } : undefined;
      out.push(toApiVolume(rec, this.#data(rec.name), usage));
    }
    return out;
  }

  /**
   * Removes a volume and its data. In use: Conflict, even with `force`
   * (as dockerd); `force` only makes an unknown name a success.
   */
  async remove(name: string, opts: { force?: boolean } = {}): Promise<void> {
    if (!VALID_NAME.test(name)) {
      if (opts.force === true) return;
      throw noSuchVolume(name);
    }
    return this.#locked(name, async () => {
      if ((await this.#record(name)) === undefined) {
        if (opts.force === true) return;
        throw noSuchVolume(name);
      }
      const ids = (await this.#users()).get(name) ?? [];
      if (ids.length > 0) throw conflict(`remove ${name}`, `volume is in use - [${ids.join(', ')}]`);
      await this.#destroy(name);
    });
  }

  /** Removes unused volumes chosen by `filters` (label, label!, all); only anonymous ones unless all=true. */
  async prune(opts: { filters?: FilterInput } = {}): Promise<VolumePruneReport> {
    const matches = prunePredicate(opts.filters);
    if (this.#pruning) throw conflict('', 'a prune operation is already running');
    this.#pruning = true;
    try {
      const report: VolumePruneReport = { VolumesDeleted: [], SpaceReclaimed: 0 };
      const users = await this.#users();
      for (const rec of await this.#records()) {
        if (!matches(rec, (users.get(rec.name) ?? []).length > 0)) continue;
        const size = await this.#sizeOrUnknown(rec.name);
        // A volume that went away or came into use meanwhile is skipped, as dockerd does.
        const removed = await this.#locked(rec.name, async () => {
          if ((await this.#record(rec.name)) === undefined || this.#mounts.holders(rec.name).size > 0) return false;
          await this.#destroy(rec.name);
          return true;
        }).catch(() => false);
        if (!removed) continue;
        report.VolumesDeleted.push(rec.name);
        report.SpaceReclaimed += Math.max(size, 0);
      }
      return report;
    } finally {
      this.#pruning = false;
    }
  }

  /** Bytes used by the volume's data (see disk-usage.ts). */
  async usage(name: string): Promise<number> {
    await this.#mustRecord(name);
    return directorySize(this.#data(name));
  }

  /** The host directory containers mount (`<root>/volumes/<name>/_data`). */
  async mountpoint(name: string): Promise<string> {
    await this.#mustRecord(name);
    return this.#data(name);
  }

  /**
   * Takes a reference on the volume for `ref` (a container id) and returns
   * its mountpoint; a volume with type/device options is mounted by the
   * first reference. Taking the same ref twice is harmless.
   */
  async mount(name: string, ref: string): Promise<string> {
    return this.#locked(name, async () => {
      const rec = await this.#mustRecord(name);
      return this.#acquire(rec, ref);
    });
  }

  /** Drops `ref`; the last one unmounts a volume with type/device options. */
  async unmount(name: string, ref: string): Promise<void> {
    return this.#locked(name, async () => {
      const rec = await this.#mustRecord(name);
      await this.#release(rec, ref);
    });
  }

  /**
   * Copies an image's content at the mount point (`source`, a host path
   * already resolved inside the rootfs) into the volume, the first time a
   * container uses it: only if the volume was never populated and is
   * empty. Returns whether anything was copied.
   */
  async populateFromImage(name: string, source: string): Promise<boolean> {
    return this.#locked(name, async () => {
      const rec = await this.#mustRecord(name);
      if (rec.populated) return false;
      // The copy must land in the mounted file system, so hold a mount while copying.
      const ref = `populate-${randomBytes(8).toString('hex')}`;
      const data = await this.#acquire(rec, ref);
      try {
        if (!(await copyImageContent(source, data))) return false;
        rec.populated = true;
        await this.#save(rec);
        return true;
      } finally {
        await this.#release(rec, ref);
      }
    });
  }

  async #acquire(rec: VolumeRecord, ref: string): Promise<string> {
    const data = this.#data(rec.name);
    await this.#mounts.acquire(rec, data, ref);
    return data;
  }

  async #release(rec: VolumeRecord, ref: string): Promise<void> {
    const unmounted = await this.#mounts.release(rec, this.#data(rec.name), ref);
    // What was copied in went away with the mount (a tmpfs): the next user copies again.
    if (unmounted && rec.populated) {
      rec.populated = false;
      await this.#save(rec);
    }
  }

  /** Unmounts, then moves the directory out of the way before deleting it. */
  async #destroy(name: string): Promise<void> {
    const data = this.#data(name);
    if (await isMountPoint(data)) await unmountVolume(data);
    // Never delete through a mount: that would erase a bind mount's source.
    if (await isMountPoint(data)) throw conflict(`remove ${name}`, `${data} is still mounted`);
    this.#mounts.forget(name);
    const doomed = path.join(this.dir, `${REMOVING}${name}-${randomBytes(6).toString('hex')}`);
    await rename(path.join(this.dir, name), doomed);
    await rm(doomed, { recursive: true, force: true });
  }

  /** Removes interrupted removals, and interrupted creations that hold no data. */
  async #sweep(): Promise<void> {
    for (const entry of await readdir(this.dir)) {
      const p = path.join(this.dir, entry);
      if (entry.startsWith(REMOVING)) {
        if (!(await isMountPoint(path.join(p, DATA)))) await rm(p, { recursive: true, force: true });
        continue;
      }
      if (!VALID_NAME.test(entry) || (await readVolumeRecord(path.join(p, RECORD_FILE))) !== undefined) continue;
      // rmdir fails on anything not empty: data without a record is left for a person to look at.
      await rmdir(path.join(p, DATA)).catch(() => undefined);
      await rmdir(p).catch(() => undefined);
    }
  }

  async #records(): Promise<VolumeRecord[]> {
    const out: VolumeRecord[] = [];
    for (const entry of (await readdir(this.dir)).sort()) {
      if (!VALID_NAME.test(entry)) continue;
      const rec = await readVolumeRecord(path.join(this.dir, entry, RECORD_FILE));
      if (rec !== undefined && rec.name === entry) out.push(rec);
    }
    return out;
  }

  /** The record of `name`; undefined for a name that is not (or cannot be) a volume. */
  async #record(name: string): Promise<VolumeRecord | undefined> {
    if (!VALID_NAME.test(name)) return undefined;
    return readVolumeRecord(path.join(this.dir, name, RECORD_FILE));
  }

  async #mustRecord(name: string): Promise<VolumeRecord> {
    const rec = await this.#record(name);
    if (rec === undefined) throw noSuchVolume(name);
    return rec;
  }

  #save(rec: VolumeRecord): Promise<void> {
    return writeJsonAtomic(path.join(this.dir, rec.name, RECORD_FILE), serializeVolumeRecord(rec));
  }

  /** Containers using each volume: the engine's view plus the refs held here. */
  async #users(): Promise<Map<string, string[]>> {
    const users = new Map<string, string[]>();
    for (const [name, ids] of await this.#inUse()) users.set(name, [...ids]);
    for (const [name, refs] of this.#mounts.entries()) {
      const ids = users.get(name) ?? [];
      for (const ref of refs) if (!ids.includes(ref)) ids.push(ref);
      users.set(name, ids);
    }
    return users;
  }

  async #sizeOrUnknown(name: string): Promise<number> {
    return directorySize(this.#data(name)).catch(() => -1);
  }

  #data(name: string): string {
    return path.join(this.dir, name, DATA);
  }

  #locked<T>(name: string, fn: () => Promise<T>): Promise<T> {
    return VOLUME_LOCK.run(path.join(this.dir, name), fn);
  }
}

function ignoreExists(e: unknown): void {
  if (errnoCode(e) !== 'EEXIST') throw e;
}
