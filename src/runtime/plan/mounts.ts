import { statSync } from 'node:fs';
import path from 'node:path';

import {
  MS_BIND,
  MS_NODEV,
  MS_NOEXEC,
  MS_NOSUID,
  MS_RDONLY,
  MS_REC,
  MS_REMOUNT,
  parseMountOptions,
} from '../../oci/mount-options.js';
import type { Mount } from '../../oci/spec.js';
import type { CgroupHierarchy } from '../cgroups/manager.js';
import type { PlanOp } from './ops.js';
import { secureJoin } from './secure-join.js';

export interface MountContext {
  rootfs: string;
  bundle: string;
  hierarchies: CgroupHierarchy[];
  cgroupNamespace: boolean;
}

/** Flags a bind remount may change; the rest (MS_BIND, MS_REC, …) are not remount options. */
const REMOUNT_FLAGS = MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC | 0x0400 | 0x0800 | 0x200000 | 0x1000000;

/** The spec's mounts, in order, as core ops that run before pivot_root. */
export function mountOps(mounts: Mount[], ctx: MountContext): PlanOp[] {
  const ops: PlanOp[] = [];
  for (const m of mounts) {
    if (m.type === 'cgroup' || m.type === 'cgroup2') ops.push(...cgroupMountOps(m, ctx));
    else ops.push(...oneMount(m, ctx));
  }
  return ops;
}

function oneMount(m: Mount, ctx: MountContext): PlanOp[] {
  const target = secureJoin(ctx.rootfs, m.destination);
  const opts = parseMountOptions(m.options);
  const ops: PlanOp[] = [];
  const isBind = opts.isBind || m.type === 'bind';
  if (isBind) {
    const source = path.resolve(ctx.bundle, m.source ?? '');
    ops.push(sourceIsDirectory(source) ? { op: 'mkdirs', path: target, mode: 0o755 } : { op: 'touch', path: target });
    ops.push({ op: 'mount', source, target, fstype: '', flags: MS_BIND | (opts.flags & MS_REC), data: '' });
    // Why: flags like ro or nosuid are ignored by the first MS_BIND call;
    // the kernel applies them only on a remount of the bind mount.
    const remount = opts.flags & REMOUNT_FLAGS;
    if (remount !== 0) ops.push({ op: 'mount', source: '', target, fstype: '', flags: MS_BIND | MS_REMOUNT | remount, data: '' });
  } else {
    ops.push({ op: 'mkdirs', path: target, mode: 0o755 });
    ops.push({ op: 'mount', source: m.source ?? m.type ?? 'none', target, fstype: m.type ?? '', flags: opts.flags, data: opts.data });
  }
  for (const p of opts.propagation) ops.push({ op: 'mount', source: '', target, fstype: '', flags: p, data: '' });
  return ops;
}

function sourceIsDirectory(source: string): boolean {
  try {
    return statSync(source).isDirectory();
  } catch {
    return true; // the mount itself will fail and name the source
  }
}

/**
 * The spec's `cgroup` mount. With a cgroup namespace the kernel shows the
 * container its own cgroup as the root, so the filesystems are mounted
 * directly; without one, the container's directories are bind-mounted so it
 * still cannot see or touch its siblings. On v1 each hierarchy is its own
 * filesystem under a small tmpfs, with the usual aliases (cpu -> cpu,cpuacct).
 */
function cgroupMountOps(m: Mount, ctx: MountContext): PlanOp[] {
  const target = secureJoin(ctx.rootfs, m.destination);
  const opts = parseMountOptions(m.options);
  const flags = (opts.flags & REMOUNT_FLAGS) | MS_NOSUID | MS_NODEV | MS_NOEXEC;
  const ops: PlanOp[] = [{ op: 'mkdirs', path: target, mode: 0o755 }];
  const v2 = ctx.hierarchies.find((h) => h.fsType === 'cgroup2' && h.name === '');
  if (v2) {
    ops.push(...hierarchyMount(v2, target, flags, ctx.cgroupNamespace));
    return ops;
  }
  ops.push({ op: 'mount', source: 'tmpfs', target, fstype: 'tmpfs', flags: MS_NOSUID | MS_NODEV | MS_NOEXEC, data: 'mode=755' });
  for (const h of ctx.hierarchies) {
    const dir = path.join(target, h.name);
    ops.push({ op: 'mkdirs', path: dir, mode: 0o755 });
    ops.push(...hierarchyMount(h, dir, flags, ctx.cgroupNamespace));
    for (const alias of h.aliases) ops.push({ op: 'symlink', target: h.name, path: path.join(target, alias) });
  }
  if (flags & MS_RDONLY) {
    ops.push({ op: 'mount', source: '', target, fstype: '', flags: MS_REMOUNT | flags, data: 'mode=755' });
  }
  return ops;
}

function hierarchyMount(h: CgroupHierarchy, dir: string, flags: number, cgroupNamespace: boolean): PlanOp[] {
  if (cgroupNamespace) {
    return [{ op: 'mount', source: h.fsType, target: dir, fstype: h.fsType, flags, data: h.options }];
  }
  return [
    { op: 'mount', source: h.hostPath, target: dir, fstype: '', flags: MS_BIND | MS_REC, data: '' },
    { op: 'mount', source: '', target: dir, fstype: '', flags: MS_BIND | MS_REMOUNT | flags, data: '' },
  ];
}
