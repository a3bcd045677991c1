import type { CpuResources } from '../../../oci/spec.js';
import { invalidArgument } from '../../../errors.js';
import { errnoOf } from '../file-error.js';
import { parseNumber } from '../parse.js';
import type { V1Dirs } from './dirs.js';

/** cpu.shares, CFS quota/period/burst, realtime runtime/period, idle. 0 means unset, as in runc. */
export async function applyCpuV1(d: V1Dirs, c: CpuResources): Promise<void> {
  const quota = c.quota ?? 0;
  const period = c.period ?? 0;
  const wanted =
    (c.shares ?? 0) !== 0 ||
    quota !== 0 ||
    period !== 0 ||
    c.burst !== undefined ||
    (c.realtimePeriod ?? 0) !== 0 ||
    (c.realtimeRuntime ?? 0) !== 0 ||
    c.idle !== undefined;
  if (!wanted) return;
  const dir = d.dir('cpu', (c.shares ?? 0) !== 0 ? 'cpu.shares' : 'cpu.cfs_quota_us');

  if (c.shares !== undefined && c.shares !== 0) {
    await dir.write('cpu.shares', c.shares);
    // The kernel silently clamps shares to [2, 262144]; say so instead of
    // running with a value nobody asked for.
    const got = parseNumber(await dir.read('cpu.shares'));
    if (got !== c.shares) {
      throw invalidArgument(dir.ctx, `cpu.shares: ${c.shares} is outside the range the kernel accepts (it stored ${got})`);
    }
  }

  let periodPending = false;
  if (period !== 0) {
    try {
      await dir.write('cpu.cfs_period_us', period);
    } catch (e) {
      // Lowering the period can be refused (EINVAL) because old quota / new
      // period would exceed the parent's bandwidth. If a quota follows, the
      // period is retried after it.
      if (errnoOf(e) !== 'EINVAL' || quota === 0) throw e;
      periodPending = true;
    }
  }
  if (quota !== 0) {
    await dir.write('cpu.cfs_quota_us', quota);
    if (periodPending) await dir.write('cpu.cfs_period_us', period);
  }
  if (c.burst !== undefined) await dir.write('cpu.cfs_burst_us', c.burst);

  // Realtime: the period first, since the runtime is checked against it.
  if ((c.realtimePeriod ?? 0) !== 0) await dir.write('cpu.rt_period_us', c.realtimePeriod ?? 0);
  if ((c.realtimeRuntime ?? 0) !== 0) await dir.write('cpu.rt_runtime_us', c.realtimeRuntime ?? 0);
  if (c.idle !== undefined) await dir.write('cpu.idle', c.idle);
}
