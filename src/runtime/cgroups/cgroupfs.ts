import { constants } from 'node:fs';
import { mkdir, open, readFile, readdir, rmdir, stat } from 'node:fs/promises';
import { join } from 'node:path';

import { errnoCode } from '../../errors.js';

/**
 * The file operations the cgroup managers use, behind one seam so that unit
 * tests can run them against a fake tree of plain files (see fake-cgroupfs.ts)
 * and inject kernel answers such as EBUSY or EINVAL.
 */
export interface CgroupFs {
  readFile(path: string): Promise<string>;
  /** Write `data` to an existing control file in a single write(2). */
  writeFile(path: string, data: string): Promise<void>;
  /** Create one directory level; fails with EEXIST if it is there. */
  mkdir(path: string): Promise<void>;
  rmdir(path: string): Promise<void>;
  /** Names of the subdirectories (child cgroups) of `path`. */
  subdirs(path: string): Promise<string[]>;
  exists(path: string): Promise<boolean>;
}

export const nodeCgroupFs: CgroupFs = {
  readFile: (path) => readFile(path, 'utf8'),
  async writeFile(path, data) {
    // No O_CREAT: control files cannot be created on cgroupfs (open fails with
    // EACCES, which hides the real story); without it a missing file is ENOENT,
    // which means "this controller or knob is not there". One write(2) per
    // value, because the kernel parses each write on its own. (libuv adds
    // O_CLOEXEC itself.)
    const fh = await open(path, constants.O_WRONLY | constants.O_TRUNC);
    try {
      await fh.write(data);
    } finally {
      await fh.close();
    }
  },
  mkdir: async (path) => {
    await mkdir(path);
  },
  rmdir: (path) => rmdir(path),
  subdirs: async (path) => (await readdir(path, { withFileTypes: true })).filter((d) => d.isDirectory()).map((d) => d.name),
  exists: async (path) => {
    try {
      await stat(path);
      return true;
    } catch (e) {
      if (errnoCode(e) === 'ENOENT') return false;
      throw e;
    }
  },
};

/**
 * mkdir -p, one level at a time from `base` (which must exist) down to
 * `base/rel`. Returns the directories it created, top first, so callers can
 * initialise them (v1 cpuset) or remove them again on failure.
 */
export async function mkdirBelow(fs: CgroupFs, base: string, rel: string): Promise<{ dirs: string[]; created: string[] }> {
  const dirs: string[] = [];
  const created: string[] = [];
  let dir = base;
  for (const part of rel.split('/')) {
    dir = join(dir, part);
    dirs.push(dir);
    try {
      await fs.mkdir(dir);
      created.push(dir);
    } catch (e) {
      if (errnoCode(e) !== 'EEXIST') throw e;
    }
  }
  return { dirs, created };
}
