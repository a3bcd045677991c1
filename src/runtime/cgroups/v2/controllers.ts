import { join } from 'node:path';

import type { Resources } from '../../../oci/spec.js';
import { failedPrecondition } from '../../../errors.js';
import { CgroupDir } from '../cgroup-dir.js';
import type { CgroupFs } from '../cgroupfs.js';
import { errnoOf } from '../file-error.js';

/** Controllers berth always wants for a container (limits and stats), when the host has them. */
const BASE = ['cpu', 'io', 'memory', 'pids'];

/**
 * The controllers `r` needs. cpuset and hugetlb only when asked for: enabling
 * cpuset makes every later cpuset change walk all the cgroups below. Keys of
 * `unified` name their controller by prefix ("memory.high" -> memory).
 */
export function controllersFor(r: Resources | undefined): Set<string> {
  const out = new Set(BASE);
  if ((r?.cpu?.cpus ?? '') !== '' || (r?.cpu?.mems ?? '') !== '') out.add('cpuset');
  if ((r?.hugepageLimits ?? []).length > 0) out.add('hugetlb');
  for (const key of Object.keys(r?.unified ?? {})) {
    const prefix = key.split('.')[0];
    if (prefix !== undefined && prefix !== '' && prefix !== 'cgroup') out.add(prefix);
  }
  return out;
}

export const words = (text: string): Set<string> => new Set(text.split(/\s+/).filter((w) => w !== ''));

/**
 * Enable `wanted` in cgroup.subtree_control of every ancestor of `rel` (the
 * root, then "berth", ... but not the container's own cgroup), top down, since
 * a controller must be enabled in the parent before the child can enable it.
 * Only controllers missing from subtree_control are written, so a root that
 * already delegates them is not touched; controllers the level does not offer
 * (absent from its cgroup.controllers) are skipped, and their files will be
 * missing when a resource needs them.
 *
 * The v2 "no internal processes" rule: a non-root cgroup that has processes
 * of its own cannot enable controllers for its children (EBUSY). berth's
 * intermediate cgroups hold no processes; if one does, say so plainly.
 */
export async function enableControllers(fs: CgroupFs, ctx: string, root: string, rel: string, wanted: Set<string>): Promise<void> {
  const parts = rel.split('/');
  let path = root;
  for (let i = 0; i < parts.length; i++) {
    const dir = new CgroupDir(fs, ctx, path);
    const available = words(await dir.read('cgroup.controllers'));
    const enabled = words(await dir.read('cgroup.subtree_control'));
    const missing = [...wanted].filter((c) => available.has(c) && !enabled.has(c)).sort();
    if (missing.length > 0) {
      try {
        await dir.write('cgroup.subtree_control', missing.map((c) => `+${c}`).join(' '));
      } catch (e) {
        if (errnoOf(e) !== 'EBUSY') throw e;
        throw failedPrecondition(
          ctx,
          `cgroup.subtree_control: cannot enable ${missing.join(', ')} in ${path}: it has processes of its own, and cgroup v2 allows controllers only on cgroups without processes`,
        );
      }
    }
    path = join(path, parts[i] ?? '');
  }
}
