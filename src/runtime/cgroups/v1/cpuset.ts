import { dirname } from 'node:path';

import type { CpuResources } from '../../../oci/spec.js';
import { CgroupDir } from '../cgroup-dir.js';
import type { CgroupFs } from '../cgroupfs.js';
import type { V1Dirs } from './dirs.js';

/**
 * A new v1 cpuset cgroup starts with empty cpuset.cpus and cpuset.mems, and
 * adding a task to it then fails with ENOSPC. Copy the parent's values into
 * every level from the hierarchy root down that is still empty (not only the
 * ones we just made: an intermediate "berth" dir made by someone else may be
 * empty too). `dirs` are the levels, top first.
 */
export async function initCpusetV1(fs: CgroupFs, ctx: string, dirs: string[]): Promise<void> {
  for (const path of dirs) {
    const dir = new CgroupDir(fs, ctx, path);
    const parent = new CgroupDir(fs, ctx, dirname(path));
    for (const file of ['cpuset.cpus', 'cpuset.mems']) {
      const own = await dir.read(file);
      if (own.trim() !== '') continue;
      const inherited = (await parent.read(file)).trim();
      if (inherited !== '') await dir.write(file, inherited);
    }
  }
}

/** cpuset.cpus / cpuset.mems; values outside the parent's set are EINVAL. */
export async function applyCpusetV1(d: V1Dirs, c: CpuResources): Promise<void> {
  if ((c.cpus ?? '') !== '') await d.dir('cpuset', 'cpuset.cpus').write('cpuset.cpus', c.cpus ?? '');
  if ((c.mems ?? '') !== '') await d.dir('cpuset', 'cpuset.mems').write('cpuset.mems', c.mems ?? '');
}
