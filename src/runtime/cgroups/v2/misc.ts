import type { Resources } from '../../../oci/spec.js';
import { failedPrecondition, invalidArgument } from '../../../errors.js';
import type { CgroupDir } from '../cgroup-dir.js';
import { errnoOf } from '../file-error.js';
import { checkPageSize, pidsMaxValue } from '../values.js';
import { words } from './controllers.js';

export async function applyPidsV2(dir: CgroupDir, pids: { limit: number }): Promise<void> {
  await dir.write('pids.max', pidsMaxValue(pids.limit));
}

/** cpuset.cpus / cpuset.mems. Unlike v1, empty files mean "inherit", so nothing needs initialising. */
export async function applyCpusetV2(dir: CgroupDir, cpu: NonNullable<Resources['cpu']>): Promise<void> {
  if ((cpu.cpus ?? '') !== '') await dir.write('cpuset.cpus', cpu.cpus ?? '');
  if ((cpu.mems ?? '') !== '') await dir.write('cpuset.mems', cpu.mems ?? '');
}

export async function applyHugetlbV2(dir: CgroupDir, limits: NonNullable<Resources['hugepageLimits']>): Promise<void> {
  for (const l of limits) await dir.write(`hugetlb.${checkPageSize(dir.ctx, l.pageSize)}.max`, l.limit);
}

/** Files `unified` must not write: they move or kill processes rather than set limits. */
const NOT_RESOURCES = new Set(['cgroup.procs', 'cgroup.threads', 'cgroup.kill', 'cgroup.freeze', 'cgroup.subtree_control']);

export function validateUnified(ctx: string, unified: Record<string, string>): void {
  for (const key of Object.keys(unified)) {
    if (key === '' || key === '.' || key === '..' || key.includes('/') || key.includes('\0')) {
      throw invalidArgument(ctx, `unified: ${JSON.stringify(key)} is not a cgroup file name`);
    }
    if (NOT_RESOURCES.has(key)) throw invalidArgument(ctx, `unified: ${key} is not a resource setting`);
  }
}

/**
 * OCI `unified`: key = file name in the cgroup, value written as is. Written
 * last, so that it overrides what the typed fields wrote, as in runc. A missing
 * file is either a controller that is not enabled here or a knob this kernel
 * does not have; the error says which.
 */
export async function applyUnifiedV2(dir: CgroupDir, unified: Record<string, string>): Promise<void> {
  validateUnified(dir.ctx, unified);
  for (const [key, value] of Object.entries(unified)) {
    try {
      await dir.write(key, value);
    } catch (e) {
      if (errnoOf(e) !== 'ENOENT') throw e;
      const controller = key.split('.')[0] ?? '';
      const enabled = words((await dir.readOptional('cgroup.controllers')) ?? '');
      if (controller !== 'cgroup' && !enabled.has(controller)) {
        throw failedPrecondition(dir.ctx, `${key}: the ${controller} controller is not available to this cgroup`);
      }
      throw e;
    }
  }
}
