import { join } from 'node:path';

import { errnoCode, notFound } from '../../errors.js';
import type { CgroupFs } from './cgroupfs.js';
import { cgroupFileError } from './file-error.js';

/**
 * One directory of one cgroup (on v1, the cgroup's directory in one hierarchy).
 * Every read and write goes through here so that failures carry the cgroup and
 * the file name.
 */
export class CgroupDir {
  constructor(
    readonly fs: CgroupFs,
    /** error context, `cgroup "berth/x"` */
    readonly ctx: string,
    readonly path: string,
  ) {}

  file(name: string): string {
    return join(this.path, name);
  }

  async write(name: string, value: string | number): Promise<void> {
    const data = String(value);
    try {
      await this.fs.writeFile(this.file(name), data);
    } catch (e) {
      if (errnoCode(e) === 'ENOENT' && !(await this.fs.exists(this.path))) {
        throw notFound(this.ctx, `not found (no directory ${this.path})`);
      }
      throw cgroupFileError(this.ctx, name, e, data);
    }
  }

  async read(name: string): Promise<string> {
    try {
      return await this.fs.readFile(this.file(name));
    } catch (e) {
      throw cgroupFileError(this.ctx, name, e);
    }
  }

  /** The file's content, or null if the file does not exist. */
  async readOptional(name: string): Promise<string | null> {
    try {
      return await this.fs.readFile(this.file(name));
    } catch (e) {
      if (errnoCode(e) === 'ENOENT') return null;
      throw cgroupFileError(this.ctx, name, e);
    }
  }

  has(name: string): Promise<boolean> {
    return this.fs.exists(this.file(name));
  }

  child(name: string): CgroupDir {
    return new CgroupDir(this.fs, this.ctx, join(this.path, name));
  }
}
