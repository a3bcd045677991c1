import type { MemoryResources } from '../../../oci/spec.js';
import { failedPrecondition, invalidArgument } from '../../../errors.js';
import type { CgroupDir } from '../cgroup-dir.js';
import { errnoOf } from '../file-error.js';
import { parseFlatKeyed, parseNumber } from '../parse.js';
import type { V1Dirs } from './dirs.js';

const LIMIT = 'memory.limit_in_bytes';
const MEMSW = 'memory.memsw.limit_in_bytes';

/** 0 is "unset" for OCI byte counts, as in runc (a zero limit would be nonsense). */
const set = (n: number | undefined): n is number => n !== undefined && n !== 0;

/** Swappiness -1 (or its uint64 spelling) is Docker's "leave it alone". */
function swappinessOf(m: MemoryResources): number | undefined {
  const s = m.swappiness;
  if (s === undefined || s === -1 || s >= 2 ** 63) return undefined;
  return s;
}

export function validateMemoryV1(ctx: string, m: MemoryResources): void {
  const s = swappinessOf(m);
  if (s !== undefined && (s < 0 || s > 100 || !Number.isInteger(s))) {
    throw invalidArgument(ctx, `memory.swappiness: ${s} is not between 0 and 100`);
  }
  if (set(m.limit) && set(m.swap) && m.swap !== -1 && m.limit !== -1 && m.swap < m.limit) {
    throw invalidArgument(ctx, `${MEMSW}: memory+swap limit ${m.swap} is below the memory limit ${m.limit}`);
  }
}

/**
 * memory.limit_in_bytes, memory.memsw.limit_in_bytes (memory+swap, the OCI
 * meaning of "swap"), soft limit, swappiness, OOM killer. -1 is unlimited.
 */
export async function applyMemoryV1(d: V1Dirs, m: MemoryResources): Promise<void> {
  validateMemoryV1(d.ctx, m);
  const swappiness = swappinessOf(m);
  const wanted =
    set(m.limit) || set(m.swap) || set(m.reservation) || set(m.kernelTCP) || swappiness !== undefined || m.disableOOMKiller !== undefined;
  if (!wanted) return;
  const first = set(m.limit)
    ? LIMIT
    : set(m.swap)
      ? MEMSW
      : set(m.reservation)
        ? 'memory.soft_limit_in_bytes'
        : swappiness !== undefined
          ? 'memory.swappiness'
          : 'memory.oom_control';
  const dir = d.dir('memory', first);

  const limit = set(m.limit) ? m.limit : undefined;
  let swap = set(m.swap) ? m.swap : undefined;
  // Unlimited memory with no word about swap means unlimited swap too; without
  // it the old memsw limit would still cap memory. Only if swap accounting is on.
  if (limit === -1 && swap === undefined && (await dir.has(MEMSW))) swap = -1;

  if (limit !== undefined && swap !== undefined) {
    // The kernel insists on memsw >= limit at every moment. Raising both: memsw
    // first; lowering: limit first. Compare the new memsw with the current limit
    // (runc's rule): if memsw goes above it, memsw can safely go first.
    const current = parseNumber(await dir.read(LIMIT));
    if (swap === -1 || current < swap) {
      await dir.write(MEMSW, swap);
      await writeLimit(dir, limit);
    } else {
      await writeLimit(dir, limit);
      await dir.write(MEMSW, swap);
    }
  } else {
    if (limit !== undefined) await writeLimit(dir, limit);
    if (swap !== undefined) await dir.write(MEMSW, swap);
  }

  if (set(m.reservation)) await dir.write('memory.soft_limit_in_bytes', m.reservation);
  // memory.kernel is deliberately ignored: kernel memory limits are deprecated
  // (5.4) and ignored by recent kernels; runc ignores them too.
  if (set(m.kernelTCP)) await dir.write('memory.kmem.tcp.limit_in_bytes', m.kernelTCP);
  if (swappiness !== undefined) await dir.write('memory.swappiness', swappiness);
  if (m.disableOOMKiller === true) {
    await dir.write('memory.oom_control', '1');
  } else if (m.disableOOMKiller === false) {
    // Only undo a previous "disable": writing the default is pointless, and
    // oom_control writes are refused on some kernels for the root-level cgroups.
    const cur = parseFlatKeyed(await dir.readOptional('memory.oom_control')).get('oom_kill_disable');
    if (cur === 1) await dir.write('memory.oom_control', '0');
  }
}

/** EBUSY on memory.limit_in_bytes: the kernel could not reclaim down to the new limit. */
async function writeLimit(dir: CgroupDir, limit: number): Promise<void> {
  try {
    await dir.write(LIMIT, limit);
  } catch (e) {
    if (errnoOf(e) !== 'EBUSY') throw e;
    const usage = parseNumber(await dir.readOptional('memory.usage_in_bytes'));
    throw failedPrecondition(dir.ctx, `${LIMIT}: cannot set the limit to ${limit}: current usage ${usage} cannot be reclaimed below it`);
  }
}
