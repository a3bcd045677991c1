import { unavailable } from '../../../errors.js';
import type { CgroupDir } from '../cgroup-dir.js';
import { parseFlatKeyed } from '../parse.js';
import { pollUntil } from '../poll.js';

/**
 * Write cgroup.freeze and wait for cgroup.events to say "frozen 1" (or 0).
 * Freezing is asynchronous in v2: the write returns at once and tasks stop
 * as they next return to user space. On timeout a half-done freeze is undone.
 */
export async function setFrozenV2(dir: CgroupDir, frozen: boolean, timeoutMs: number): Promise<void> {
  const want = frozen ? 1 : 0;
  await dir.write('cgroup.freeze', String(want));
  const reached = await pollUntil(async () => parseFlatKeyed(await dir.read('cgroup.events')).get('frozen') === want, timeoutMs);
  if (reached) return;
  if (frozen) await dir.write('cgroup.freeze', '0');
  throw unavailable(dir.ctx, `cgroup.events: not ${frozen ? 'frozen' : 'thawed'} after ${timeoutMs} ms`);
}
