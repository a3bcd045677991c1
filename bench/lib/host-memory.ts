/**
 * Host memory as `free` and /proc/meminfo see it, for "what does an idle
 * container cost the host": readings taken before and after starting
 * containers, subtracted. Other users of the host start and end processes
 * meanwhile (a compiler's hundreds of MiB come and go in seconds), so each
 * reading also sums the PSS, page tables and kernel stacks of every process
 * that is not the benchmark's engines': subtracting their change takes most
 * of the others' out again. And each
 * reading is the median of several a little apart.
 */
import { readFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';

import { othersUsage } from './processes.js';
import { summarize } from './stats.js';
import { run } from './timed-command.js';

export interface MemoryReading {
  /** free's "used" column, KiB (procps-ng 4.0 computes it as MemTotal − MemAvailable) */
  usedKiB: number;
  /** /proc/meminfo MemAvailable, KiB */
  availableKiB: number;
  /** kernel memory no process's PSS includes: SUnreclaim + KernelStack + PageTables, KiB */
  kernelKiB: number;
  /** summed PSS of the processes that are not the engines' (see othersUsage), KiB */
  othersPssKiB: number;
  /** their page tables and kernel stacks, KiB */
  othersKernelKiB: number;
}

async function meminfo(): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const line of (await readFile('/proc/meminfo', 'utf8')).split('\n')) {
    const m = /^(\w+(?:\(\w+\))?):\s+(\d+)/.exec(line);
    if (m?.[1] && m[2]) out[m[1]] = Number(m[2]);
  }
  return out;
}

async function freeUsedKiB(): Promise<number> {
  const mem = (await run('free', ['-k'])).split('\n').find((l) => l.startsWith('Mem:'));
  const used = Number(mem?.split(/\s+/)[2]);
  if (!Number.isFinite(used)) throw new Error(`cannot read "used" from free -k: ${mem ?? '(no Mem: line)'}`);
  return used;
}

async function readOnce(ours: string): Promise<MemoryReading> {
  const others = othersUsage(ours);
  const used = await freeUsedKiB();
  const m = await meminfo();
  const k = (name: string): number => m[name] ?? NaN;
  return {
    usedKiB: used,
    availableKiB: k('MemAvailable'),
    kernelKiB: k('SUnreclaim') + k('KernelStack') + k('PageTables'),
    othersPssKiB: others.pssKiB,
    othersKernelKiB: others.kernelKiB,
  };
}

/** The median of `count` readings `gapMs` apart, field by field. `ours`: the directory the engines' command lines name. */
export async function readMemory(ours: string, count = 5, gapMs = 200): Promise<MemoryReading> {
  const rs: MemoryReading[] = [];
  for (let i = 0; i < count; i++) {
    if (i > 0) await sleep(gapMs);
    rs.push(await readOnce(ours));
  }
  const med = (f: (r: MemoryReading) => number): number => summarize(rs.map(f)).median;
  return {
    usedKiB: med((r) => r.usedKiB),
    availableKiB: med((r) => r.availableKiB),
    kernelKiB: med((r) => r.kernelKiB),
    othersPssKiB: med((r) => r.othersPssKiB),
    othersKernelKiB: med((r) => r.othersKernelKiB),
  };
}
