import { readFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';

import { internal } from '../../../errors.js';

/**
 * The host's side of docker's CPU %, read as dockerd reads it: the first
 * seven fields of /proc/stat's "cpu" line (user nice system idle iowait irq
 * softirq) in USER_HZ ticks, as ns; and the number of "cpuN" lines, the
 * online CPUs that line sums over. The CLI's formula compares the two sides
 * like with like only if both come from the same file.
 *
 * USER_HZ is 100 on every Linux architecture (fixed ABI; dockerd hard-codes
 * it too). A JS number holds the ns exactly up to 2^53 (104 days of one
 * CPU); beyond, it rounds to a few hundred ns, far below one sample's delta.
 */
const NANOS_PER_TICK = 1e9 / 100;

export interface HostCpu {
  systemCpuNs: number;
  onlineCpus: number;
}

export function parseProcStat(text: string): HostCpu {
  let systemCpuNs: number | undefined;
  let onlineCpus = 0;
  for (const line of text.split('\n')) {
    // The cpu lines come first (glibc's get_nprocs relies on it as well).
    if (!line.startsWith('cpu')) break;
    const fields = line.trim().split(/\s+/);
    if (fields[0] === 'cpu') {
      const ticks = fields.slice(1, 8).map(Number);
      if (ticks.length < 7 || ticks.some((t) => !Number.isSafeInteger(t) || t < 0)) {
        throw internal('/proc/stat', `unexpected cpu line "${line}"`);
      }
      systemCpuNs = ticks.reduce((a, b) => a + b, 0) * NANOS_PER_TICK;
    } else if (/^cpu\d+$/.test(fields[0] ?? '')) {
      onlineCpus++;
    }
  }
  if (systemCpuNs === undefined) throw internal('/proc/stat', 'no cpu line');
  return { systemCpuNs, onlineCpus };
}

// The count seen by the last read, for onlineCpus().
let lastOnlineCpus: number | undefined;

/** Both figures from one read of /proc/stat. */
export async function readHostCpu(path = '/proc/stat'): Promise<HostCpu> {
  const host = parseProcStat(await readFile(path, 'utf8'));
  if (host.onlineCpus > 0) lastOnlineCpus = host.onlineCpus;
  return host;
}

/** system_cpu_usage: the host's CPU time in ns. */
export async function readSystemCpuNs(): Promise<number> {
  return (await readHostCpu()).systemCpuNs;
}

/**
 * online_cpus: the CPUs counted in /proc/stat at its last read (by
 * readSystemCpuNs or readHostCpu), so that it matches system_cpu_usage;
 * before any read, the CPUs this process may run on.
 */
export function onlineCpus(): number {
  return lastOnlineCpus ?? availableParallelism();
}
