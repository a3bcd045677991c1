import { readdir, rm, rmdir } from 'node:fs/promises';
import { join, relative } from 'node:path';

import { errnoCode } from '../../errors.js';
import { nodeCgroupFs, type CgroupFs } from './cgroupfs.js';

/** An error shaped like Node's system errors, for injected kernel answers. */
export function errnoError(code: string, path: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`${code}: fake kernel answer, ${path}`), { code });
}

/**
 * A stand-in for cgroupfs made of plain files in a temp dir, for unit tests.
 * What differs from the real thing, and how it is bridged:
 * - control files do not appear by themselves in a new directory: `onMkdir`
 *   (set by the fixture, see fake-trees.ts) writes the files a kernel would;
 * - a directory with files in it cannot be rmdir'ed: rmdir here deletes the
 *   regular files first, but still fails (ENOTEMPTY) while child dirs exist,
 *   which is what a real cgroup with children does (EBUSY there);
 * - kernel side effects of writes (subtree_control merging, freezing) come
 *   from `afterWrite`, and refusals (EINVAL, EBUSY) from `beforeWrite` or
 *   `failOn`.
 * Every successful write is recorded, relative to `base`, in `writes`.
 */
export class FakeCgroupFs implements CgroupFs {
  readonly writes: { file: string; data: string }[] = [];
  onMkdir?: (path: string) => Promise<void>;
  beforeWrite?: (path: string, data: string) => Promise<void>;
  afterWrite?: (path: string, data: string, previous: string) => Promise<void>;
  private readonly failures: { op: 'write' | 'rmdir' | 'mkdir'; path: string; code: string; times: number }[] = [];

  constructor(readonly base: string) {}

  rel(path: string): string {
    return relative(this.base, path);
  }

  /** Make the next `times` `op`s on `path` (relative to base) fail with `code`. */
  failOn(op: 'write' | 'rmdir' | 'mkdir', path: string, code: string, times = Number.POSITIVE_INFINITY): void {
    this.failures.push({ op, path, code, times });
  }

  /** Writes recorded so far whose file (relative to base) starts with `prefix`, as "file=data". */
  writesUnder(prefix: string): string[] {
    return this.writes.filter((w) => w.file.startsWith(prefix)).map((w) => `${w.file.slice(prefix.length)}=${w.data}`);
  }

  private injected(op: 'write' | 'rmdir' | 'mkdir', path: string): void {
    const f = this.failures.find((x) => x.op === op && x.path === this.rel(path) && x.times > 0);
    if (f === undefined) return;
    f.times--;
    throw errnoError(f.code, path);
  }

  readFile(path: string): Promise<string> {
    return nodeCgroupFs.readFile(path);
  }

  async writeFile(path: string, data: string): Promise<void> {
    this.injected('write', path);
    await this.beforeWrite?.(path, data);
    let previous = '';
    try {
      previous = await nodeCgroupFs.readFile(path);
    } catch (e) {
      if (errnoCode(e) !== 'ENOENT') throw e;
    }
    await nodeCgroupFs.writeFile(path, data);
    this.writes.push({ file: this.rel(path), data });
    await this.afterWrite?.(path, data, previous);
  }

  async mkdir(path: string): Promise<void> {
    this.injected('mkdir', path);
    await nodeCgroupFs.mkdir(path);
    await this.onMkdir?.(path);
  }

  async rmdir(path: string): Promise<void> {
    this.injected('rmdir', path);
    const entries = await readdir(path, { withFileTypes: true });
    if (entries.some((e) => e.isDirectory())) {
      await rmdir(path); // fails with ENOTEMPTY, as a cgroup with children would refuse
      return;
    }
    for (const e of entries) await rm(join(path, e.name));
    await rmdir(path);
  }

  subdirs(path: string): Promise<string[]> {
    return nodeCgroupFs.subdirs(path);
  }

  exists(path: string): Promise<boolean> {
    return nodeCgroupFs.exists(path);
  }
}
