import { join } from 'node:path';

import { failedPrecondition } from '../../../errors.js';
import { CgroupDir } from '../cgroup-dir.js';
import type { CgroupFs } from '../cgroupfs.js';
import type { V1Hierarchy } from '../layout.js';

/**
 * A v1 cgroup's directories: one per mounted hierarchy, plus the cgroup2
 * "unified" directory on hybrid hosts. The unified directory controls nothing
 * (its controllers, if any, are not enabled); it exists so that processes are
 * tracked there too and the container sees its own cgroup in it, as runc does.
 */
export class V1Dirs {
  readonly entries: { hierarchy: V1Hierarchy | null; dir: CgroupDir }[];
  private readonly byController = new Map<string, CgroupDir>();

  constructor(fs: CgroupFs, readonly ctx: string, path: string, hierarchies: V1Hierarchy[], unified: string | null) {
    this.entries = hierarchies.map((h) => ({ hierarchy: h, dir: new CgroupDir(fs, ctx, join(h.mountPoint, path)) }));
    if (unified !== null) this.entries.push({ hierarchy: null, dir: new CgroupDir(fs, ctx, join(unified, path)) });
    for (const { hierarchy, dir } of this.entries) {
      for (const c of hierarchy?.controllers ?? []) this.byController.set(c, dir);
    }
  }

  /** The directory of `controller`, or a FailedPrecondition naming the file the caller wanted. */
  dir(controller: string, file: string): CgroupDir {
    const d = this.byController.get(controller);
    if (d === undefined) throw failedPrecondition(this.ctx, `${file}: the ${controller} controller is not mounted on this host`);
    return d;
  }

  optional(controller: string): CgroupDir | undefined {
    return this.byController.get(controller);
  }

  get all(): CgroupDir[] {
    return this.entries.map((e) => e.dir);
  }
}
