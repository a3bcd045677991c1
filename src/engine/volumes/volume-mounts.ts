/**
 * Who holds each volume mounted, in this process, and the mounting itself
 * for volumes created with `type`/`device` options: the first reference
 * mounts the volume's file system on `_data`, the last one unmounts it.
 * Plain directory volumes are only counted. References are names (a
 * container id), so taking one twice is harmless.
 */
import type { VolumeRecord } from './volume-record.js';
import { checkLocalOptions } from './local-options.js';
import { isMountPoint, mountVolume, unmountVolume } from './volume-mount.js';

export class VolumeMounts {
  readonly #refs = new Map<string, Set<string>>();

  /** The refs held on `name`. */
  holders(name: string): ReadonlySet<string> {
    return this.#refs.get(name) ?? new Set();
  }

  /** Every volume with at least one ref, and its refs. */
  entries(): IterableIterator<[string, ReadonlySet<string>]> {
    return this.#refs.entries();
  }

  async acquire(rec: VolumeRecord, data: string, ref: string): Promise<void> {
    const spec = checkLocalOptions(rec.options);
    // Already mounted (by this daemon before a restart): not mounted a second time on top.
    if (spec !== undefined && !(await isMountPoint(data))) await mountVolume(spec, data);
    const refs = this.#refs.get(rec.name) ?? new Set<string>();
    refs.add(ref);
    this.#refs.set(rec.name, refs);
  }

  /** Drops `ref`; returns true when this unmounted the volume's file system. */
  async release(rec: VolumeRecord, data: string, ref: string): Promise<boolean> {
    const refs = this.#refs.get(rec.name);
    refs?.delete(ref);
    if (refs !== undefined && refs.size > 0) return false;
    this.#refs.delete(rec.name);
    if (checkLocalOptions(rec.options) === undefined || !(await isMountPoint(data))) return false;
    await unmountVolume(data);
    return true;
  }

  forget(name: string): void {
    this.#refs.delete(name);
  }
}
