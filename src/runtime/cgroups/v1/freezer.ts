import { unavailable } from '../../../errors.js';
import type { CgroupDir } from '../cgroup-dir.js';
import { pollUntil } from '../poll.js';

/**
 * Set freezer.state and wait until the kernel reports it. Freezing goes
 * through FREEZING, and stays there while some task cannot be frozen yet
 * (in an uninterruptible sleep, say); writing FROZEN again makes the kernel
 * retry those tasks, so each poll re-writes it. If the cgroup will not freeze
 * in time, it is thawed again rather than left half frozen.
 */
export async function setFreezerStateV1(dir: CgroupDir, state: 'FROZEN' | 'THAWED', timeoutMs: number): Promise<void> {
  await dir.write('freezer.state', state);
  const reached = await pollUntil(async () => {
    const now = (await dir.read('freezer.state')).trim();
    if (now === state) return true;
    await dir.write('freezer.state', state);
    return false;
  }, timeoutMs);
  if (reached) return;
  if (state === 'FROZEN') await dir.write('freezer.state', 'THAWED');
  throw unavailable(dir.ctx, `freezer.state: not ${state} after ${timeoutMs} ms`);
}

export async function freezerStateV1(dir: CgroupDir): Promise<string> {
  return (await dir.read('freezer.state')).trim();
}
