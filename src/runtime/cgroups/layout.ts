import { dirname, basename } from 'node:path';

import { failedPrecondition } from '../../errors.js';
import type { MountinfoEntry } from './mountinfo.js';

/** One v1 hierarchy mounted under the cgroup root. */
export interface V1Hierarchy {
  /** where it is mounted: "/sys/fs/cgroup/cpu,cpuacct" */
  mountPoint: string;
  /** the mount point's name under the cgroup root: "cpu,cpuacct", "systemd" */
  name: string;
  /** what it controls, as the mount options say: ["cpu", "cpuacct"], ["name=systemd"] */
  controllers: string[];
}

export type CgroupLayout =
  | { version: 2; root: string }
  | {
      version: 1;
      root: string;
      hierarchies: V1Hierarchy[];
      /** hybrid hosts: the cgroup2 mount beside the v1 hierarchies ("/sys/fs/cgroup/unified"), else null */
      unified: string | null;
    };

/**
 * Mount options of a v1 cgroup mount that are not controllers (see the kernel's
 * cgroup1_parse_param). Everything else in the superblock options is a
 * controller, so a kernel with a controller we have never heard of still works.
 */
const V1_NON_CONTROLLER_OPTIONS = new Set(['rw', 'ro', 'none', 'all', 'noprefix', 'clone_children', 'cpuset_v2_mode', 'xattr', 'favordynmods', 'nofavordynmods']);

export function v1Controllers(superOptions: string[]): string[] {
  return superOptions.filter((o) => !V1_NON_CONTROLLER_OPTIONS.has(o) && !o.startsWith('release_agent='));
}

/**
 * Work out the host's cgroup layout from its mounts:
 * - a cgroup2 mounted at `root` itself: pure v2 (unified);
 * - v1 ("cgroup") hierarchies mounted directly below `root`: v1, and if a
 *   cgroup2 is also mounted below `root` (usually "unified"), hybrid.
 * Only mounts directly at or below `root` count: the same hierarchy may be
 * bind-mounted elsewhere (inside containers, for instance), and those copies are
 * not where berth manages cgroups. A later mount on the same mount point hides
 * an earlier one, as in the kernel.
 */
export function findLayout(entries: MountinfoEntry[], root: string): CgroupLayout {
  const byMountPoint = new Map<string, MountinfoEntry>();
  for (const e of entries) {
    if (e.mountPoint === root || dirname(e.mountPoint) === root) byMountPoint.set(e.mountPoint, e);
  }
  const top = byMountPoint.get(root);
  if (top?.fsType === 'cgroup2') return { version: 2, root };

  const hierarchies: V1Hierarchy[] = [];
  let unified: string | null = null;
  for (const e of byMountPoint.values()) {
    if (e.mountPoint === root) continue;
    if (e.fsType === 'cgroup') {
      const controllers = v1Controllers(e.superOptions);
      if (controllers.length > 0) hierarchies.push({ mountPoint: e.mountPoint, name: basename(e.mountPoint), controllers });
    } else if (e.fsType === 'cgroup2') {
      unified = e.mountPoint;
    }
  }
  if (hierarchies.length === 0) {
    throw failedPrecondition('cgroups', `no cgroup v1 or v2 hierarchy is mounted at or below ${root}`);
  }
  hierarchies.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return { version: 1, root, hierarchies, unified };
}
