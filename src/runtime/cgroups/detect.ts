import { readFileSync } from 'node:fs';

import { failedPrecondition } from '../../errors.js';
import { findLayout } from './layout.js';
import type { CgroupManager } from './manager.js';
import { parseMountinfo } from './mountinfo.js';
import type { ManagerOptions } from './options.js';
import { V1CgroupManager } from './v1/manager.js';
import { V2CgroupManager } from './v2/manager.js';

export interface DetectOptions extends ManagerOptions {
  /** where the cgroup hierarchies are mounted (default /sys/fs/cgroup) */
  root?: string;
  /** path of the mountinfo file to read (default /proc/self/mountinfo) */
  mountinfo?: string;
}

/**
 * Probe the host and return its cgroup manager: v2 if a cgroup2 is mounted at
 * the root itself, else v1 over the hierarchies mounted below it (hybrid hosts
 * included: their cgroup2, usually "unified", is carried along but controls
 * nothing). The hierarchies and their controllers come from mountinfo, not
 * from a built-in list. Synchronous: it reads one small procfs file, once per
 * process, and callers want the manager from a plain getter.
 */
export function detectCgroupManager(opts: DetectOptions = {}): CgroupManager {
  const root = opts.root ?? '/sys/fs/cgroup';
  const mountinfoPath = opts.mountinfo ?? '/proc/self/mountinfo';
  let text: string;
  try {
    text = readFileSync(mountinfoPath, 'utf8');
  } catch (e) {
    throw failedPrecondition('cgroups', `cannot read ${mountinfoPath}: ${e instanceof Error ? e.message : String(e)}`);
  }
  const layout = findLayout(parseMountinfo(text), root.replace(/\/+$/, '') || '/');
  if (layout.version === 2) return new V2CgroupManager(layout.root, opts);
  return new V1CgroupManager({ hierarchies: layout.hierarchies, unified: layout.unified }, opts);
}
