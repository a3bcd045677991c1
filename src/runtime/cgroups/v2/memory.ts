import type { MemoryResources } from '../../../oci/spec.js';
import type { CgroupDir } from '../cgroup-dir.js';
import { swapToV2 } from '../convert.js';
import { errnoOf } from '../file-error.js';

const set = (n: number | undefined): n is number => n !== undefined && n !== 0;
const maxOr = (n: number): string => (n === -1 ? 'max' : String(n));

/** Check what can be checked before anything is written. */
export function validateMemoryV2(ctx: string, m: MemoryResources): void {
  swapToV2(ctx, set(m.swap) ? m.swap : undefined, set(m.limit) ? m.limit : undefined);
}

/**
 * memory.max, memory.low (reservation), memory.swap.max (OCI swap is
 * memory+swap; v2 wants swap alone, so swap - limit). Unlike v1 there is no
 * ordering constraint between them. Ignored on v2, as runc does: swappiness
 * and disableOOMKiller (no such knobs), kernel and kernelTCP (no separate
 * kernel limits; it is all charged to memory.max).
 */
export async function applyMemoryV2(dir: CgroupDir, m: MemoryResources): Promise<void> {
  const swap = swapToV2(dir.ctx, set(m.swap) ? m.swap : undefined, set(m.limit) ? m.limit : undefined);
  if (swap !== undefined) {
    const value = maxOr(swap);
    try {
      await dir.write('memory.swap.max', value);
    } catch (e) {
      // Without swap accounting (CONFIG_MEMCG_SWAP off, or swapaccount=0) the
      // file is missing; "no limit" and "no swap" are then already true.
      if (!(errnoOf(e) === 'ENOENT' && (value === 'max' || value === '0'))) throw e;
    }
  }
  if (set(m.limit)) await dir.write('memory.max', maxOr(m.limit));
  if (set(m.reservation)) await dir.write('memory.low', maxOr(m.reservation));
}
