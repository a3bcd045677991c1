import { invalidArgument } from '../../errors.js';

/**
 * OCI resources are written in cgroup v1 units. These are runc's conversions
 * to v2 units (libcontainer/cgroups/utils.go), so that a spec means the same
 * thing under berth as under runc.
 */

/** cpu.shares [2, 262144] -> cpu.weight [1, 10000]; 0 means unset. */
export function cpuSharesToWeight(shares: number): number {
  if (shares === 0) return 0;
  return 1 + Math.floor(((shares - 2) * 9999) / 262142);
}

/** blkio.weight [10, 1000] -> io.weight [1, 10000]; 0 means unset. */
export function blkioWeightToIoWeight(weight: number): number {
  if (weight === 0) return 0;
  return 1 + Math.floor(((weight - 10) * 9999) / 990);
}

/**
 * OCI memory.swap is memory+swap (the v1 memsw meaning); v2's memory.swap.max
 * is swap alone. Returns the value for memory.swap.max: a byte count, -1 for
 * "max", or undefined to leave it alone. `ctx` names the cgroup for errors.
 */
export function swapToV2(ctx: string, swap: number | undefined, limit: number | undefined): number | undefined {
  const mem = limit ?? 0;
  // v1 compatibility: unlimited memory with no swap setting means both unlimited.
  if (mem === -1 && (swap === undefined || swap === 0)) return -1;
  if (swap === undefined || swap === 0) return undefined;
  if (swap === -1) return -1;
  if (mem === 0 || mem === -1) throw invalidArgument(ctx, 'memory.swap.max: cannot limit swap without a memory limit');
  if (mem < 0) throw invalidArgument(ctx, `memory.max: invalid memory limit ${mem}`);
  if (swap < mem) {
    throw invalidArgument(ctx, `memory.swap.max: memory+swap limit ${swap} is below the memory limit ${mem}`);
  }
  return swap - mem;
}
