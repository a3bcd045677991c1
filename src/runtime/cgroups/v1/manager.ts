import { basename, join } from 'node:path';

import type { Resources } from '../../../oci/spec.js';
import { mkdirBelow } from '../cgroupfs.js';
import { cgroupFileError } from '../file-error.js';
import type { V1Hierarchy } from '../layout.js';
import type { Cgroup, CgroupHierarchy, CgroupManager } from '../manager.js';
import { resolveOptions, type ManagerOptions, type ResolvedOptions } from '../options.js';
import { cgroupContext, normalizeCgroupPath } from '../path.js';
import { V1Cgroup } from './cgroup.js';
import { initCpusetV1 } from './cpuset.js';
import { V1Dirs } from './dirs.js';

/**
 * cgroup v1 (and hybrid) hosts: one directory per hierarchy. Which hierarchies
 * exist, and which controllers each carries, comes from mountinfo (see
 * detect.ts); nothing here assumes a fixed set.
 */
export class V1CgroupManager implements CgroupManager {
  readonly version = 1 as const;
  private readonly opts: ResolvedOptions;

  constructor(
    readonly layout: { hierarchies: V1Hierarchy[]; unified: string | null },
    options?: ManagerOptions,
  ) {
    this.opts = resolveOptions(options);
  }

  async create(path: string, resources?: Resources): Promise<Cgroup> {
    const rel = normalizeCgroupPath(path);
    const ctx = cgroupContext(rel);
    const dirs = this.dirs(rel);
    const cgroup = new V1Cgroup(rel, dirs, this.opts);
    let createdLeaf = false;
    try {
      for (const { hierarchy, dir } of dirs.entries) {
        const base = hierarchy?.mountPoint ?? this.layout.unified ?? '';
        let made: { dirs: string[]; created: string[] };
        try {
          made = await mkdirBelow(this.opts.fs, base, rel);
        } catch (e) {
          throw cgroupFileError(ctx, `mkdir ${dir.path}`, e);
        }
        if (made.created.includes(dir.path)) createdLeaf = true;
        if (hierarchy?.controllers.includes('cpuset')) await initCpusetV1(this.opts.fs, ctx, made.dirs);
      }
      if (resources) await cgroup.update(resources);
    } catch (e) {
      // Do not leave a half-made cgroup behind; one that existed before is left alone.
      if (createdLeaf) await cgroup.destroy().catch(() => undefined);
      throw e;
    }
    return cgroup;
  }

  open(path: string): Cgroup {
    const rel = normalizeCgroupPath(path);
    return new V1Cgroup(rel, this.dirs(rel), this.opts);
  }

  /**
   * One `cgroup` mount per hierarchy, plus the hybrid "unified" cgroup2.
   * Co-mounted controllers get alias symlinks, as on the host: "cpu" and
   * "cpuacct" -> "cpu,cpuacct".
   */
  hierarchies(path: string): CgroupHierarchy[] {
    const rel = normalizeCgroupPath(path);
    const out: CgroupHierarchy[] = this.layout.hierarchies.map((h) => {
      const parts = h.name.split(',');
      return {
        options: h.controllers.join(','),
        name: h.name,
        hostPath: join(h.mountPoint, rel),
        aliases: parts.length > 1 ? parts.filter((p) => p !== h.name) : [],
        fsType: 'cgroup' as const,
      };
    });
    if (this.layout.unified !== null) {
      out.push({ options: '', name: basename(this.layout.unified), hostPath: join(this.layout.unified, rel), aliases: [], fsType: 'cgroup2' });
    }
    return out;
  }

  private dirs(rel: string): V1Dirs {
    return new V1Dirs(this.opts.fs, cgroupContext(rel), rel, this.layout.hierarchies, this.layout.unified);
  }
}
