import type { CpuResources } from '../../../oci/spec.js';
import { failedPrecondition } from '../../../errors.js';
import type { CgroupDir } from '../cgroup-dir.js';
import { cpuSharesToWeight } from '../convert.js';

export function validateCpuV2(ctx: string, c: CpuResources): void {
  if ((c.realtimePeriod ?? 0) !== 0 || (c.realtimeRuntime ?? 0) !== 0) {
    throw failedPrecondition(ctx, 'cpu.rt_runtime_us: realtime cpu limits are not supported by cgroup v2');
  }
}

/** cpu.idle, cpu.weight (from shares), cpu.max ("quota period"), cpu.max.burst. */
export async function applyCpuV2(dir: CgroupDir, c: CpuResources): Promise<void> {
  validateCpuV2(dir.ctx, c);
  if (c.idle !== undefined) await dir.write('cpu.idle', c.idle);
  // An idle cgroup has the minimum weight by definition; the kernel refuses
  // weight writes while cpu.idle is 1.
  if ((c.shares ?? 0) !== 0 && c.idle !== 1) await dir.write('cpu.weight', cpuSharesToWeight(Math.max(c.shares ?? 0, 2)));

  const quota = c.quota ?? 0;
  const period = c.period ?? 0;
  if (quota !== 0 || period !== 0) {
    let q: string;
    if (quota !== 0) {
      q = quota > 0 ? String(quota) : 'max';
    } else {
      // cpu.max takes both numbers at once; a period-only update keeps the
      // quota in force (runc writes "max" here, silently dropping the quota).
      q = (await dir.read('cpu.max')).trim().split(' ')[0] ?? 'max';
    }
    await dir.write('cpu.max', period !== 0 ? `${q} ${period}` : q);
  }
  if (c.burst !== undefined) await dir.write('cpu.max.burst', c.burst);
}
