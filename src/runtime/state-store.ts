import { mkdir, readdir, readFile, rename, rm, writeFile, open } from 'node:fs/promises';
import path from 'node:path';

import { alreadyExists, errnoCode, invalidArgument, notFound } from '../errors.js';
import type { Hooks } from '../oci/spec.js';

/** What the runtime remembers about a container between commands. */
export interface ContainerRecord {
  id: string;
  bundle: string;
  rootfs: string;
  /** host pid of the container's init, once created */
  pid: number;
  /** its start time in clock ticks since boot (/proc/PID/stat field 22): a reused pid has another */
  pidStartTime: number;
  /** boot id when created: after a reboot every pid is stale */
  bootId: string;
  created: string;
  cgroupPath: string;
  ociVersion: string;
  annotations: Record<string, string>;
  hooks?: Hooks;
  /** the container was paused (frozen) by us */
  paused?: boolean;
}

const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,1023}$/;

export function checkContainerId(id: string): void {
  if (!ID_PATTERN.test(id)) {
    throw invalidArgument(`container id ${JSON.stringify(id)}`, 'must be letters, digits, "_", "." or "-", not starting with a symbol');
  }
}

/**
 * One directory per container under the runtime root, holding state.json
 * (written atomically: temp file, fsync, rename) and the exec.fifo start gate.
 */
export class StateStore {
  constructor(readonly root: string) {}

  dir(id: string): string {
    return path.join(this.root, id);
  }

  /** Reserves the container's directory; fails if the id is taken. */
  async reserve(id: string): Promise<string> {
    checkContainerId(id);
    await mkdir(this.root, { recursive: true, mode: 0o711 });
    const dir = this.dir(id);
    try {
      await mkdir(dir, { mode: 0o711 });
    } catch (e) {
      if (errnoCode(e) === 'EEXIST') throw alreadyExists(`container "${id}"`);
      throw e;
    }
    return dir;
  }

  async save(record: ContainerRecord): Promise<void> {
    const file = path.join(this.dir(record.id), 'state.json');
    const tmp = `${file}.${process.pid}.tmp`;
    await writeFile(tmp, JSON.stringify(record));
    const fh = await open(tmp, 'r');
    try {
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, file);
  }

  async load(id: string): Promise<ContainerRecord> {
    checkContainerId(id);
    try {
      return JSON.parse(await readFile(path.join(this.dir(id), 'state.json'), 'utf8')) as ContainerRecord;
    } catch (e) {
      if (errnoCode(e) === 'ENOENT') throw notFound(`container "${id}"`, 'does not exist');
      throw e;
    }
  }

  async list(): Promise<string[]> {
    try {
      const entries = await readdir(this.root, { withFileTypes: true });
      return entries.filter((e) => e.isDirectory()).map((e) => e.name).sort();
    } catch (e) {
      if (errnoCode(e) === 'ENOENT') return [];
      throw e;
    }
  }

  async remove(id: string): Promise<void> {
    await rm(this.dir(id), { recursive: true, force: true });
  }
}
