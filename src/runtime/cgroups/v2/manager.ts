import { join } from 'node:path';

import type { Resources } from '../../../oci/spec.js';
import { CgroupDir } from '../cgroup-dir.js';
import { mkdirBelow } from '../cgroupfs.js';
import { cgroupFileError } from '../file-error.js';
import type { Cgroup, CgroupHierarchy, CgroupManager } from '../manager.js';
import { resolveOptions, type ManagerOptions, type ResolvedOptions } from '../options.js';
import { cgroupContext, normalizeCgroupPath } from '../path.js';
import { V2Cgroup } from './cgroup.js';

/** Pure cgroup v2 hosts: one hierarchy at `root`, every controller in one directory per cgroup. */
export class V2CgroupManager implements CgroupManager {
  readonly version = 2 as const;
  private readonly opts: ResolvedOptions;

  constructor(
    readonly root: string,
    options?: ManagerOptions,
  ) {
    this.opts = resolveOptions(options);
  }

  async create(path: string, resources?: Resources): Promise<Cgroup> {
    const rel = normalizeCgroupPath(path);
    const cgroup = this.cgroup(rel);
    let createdLeaf = false;
    try {
      let made: { created: string[] };
      try {
        made = await mkdirBelow(this.opts.fs, this.root, rel);
      } catch (e) {
        throw cgroupFileError(cgroupContext(rel), `mkdir ${join(this.root, rel)}`, e);
      }
      createdLeaf = made.created.includes(join(this.root, rel));
      // Even without resources: stats need the controllers enabled.
      await cgroup.update(resources ?? {});
    } catch (e) {
      if (createdLeaf) await cgroup.destroy().catch(() => undefined);
      throw e;
    }
    return cgroup;
  }

  open(path: string): Cgroup {
    return this.cgroup(normalizeCgroupPath(path));
  }

  hierarchies(path: string): CgroupHierarchy[] {
    const rel = normalizeCgroupPath(path);
    return [{ options: '', name: '', hostPath: join(this.root, rel), aliases: [], fsType: 'cgroup2' }];
  }

  private cgroup(rel: string): V2Cgroup {
    return new V2Cgroup(rel, this.root, new CgroupDir(this.opts.fs, cgroupContext(rel), join(this.root, rel)), this.opts);
  }
}
