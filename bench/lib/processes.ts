/**
 * The host's process table, as a benchmark needs it: which processes an
 * engine added (found by their command line, which names the benchmark's
 * own directories, so another user's engine on the same host never counts),
 * what they cost in memory (PSS), and stopping whatever of ours outlived its
 * engine.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

export interface Proc {
  pid: number;
  ppid: number;
  comm: string;
  /** arguments joined by spaces ("" for kernel threads and zombies) */
  cmdline: string;
}

function readProc(pid: number): Proc | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const close = stat.lastIndexOf(')');
    const comm = stat.slice(stat.indexOf('(') + 1, close);
    const ppid = Number(stat.slice(close + 2).split(' ')[1]);
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim();
    return { pid, ppid, comm, cmdline };
  } catch {
    return undefined; // gone meanwhile
  }
}

export function processes(): Proc[] {
  const out: Proc[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const p = readProc(Number(name));
    if (p) out.push(p);
  }
  return out;
}

/** The processes below `roots` (children, grandchildren…), roots excluded. */
export function descendants(all: Proc[], roots: number[]): Proc[] {
  const children = new Map<number, Proc[]>();
  for (const p of all) children.set(p.ppid, [...(children.get(p.ppid) ?? []), p]);
  const out: Proc[] = [];
  const queue = [...roots];
  for (let pid = queue.shift(); pid !== undefined; pid = queue.shift()) {
    for (const c of children.get(pid) ?? []) {
      out.push(c);
      queue.push(c.pid);
    }
  }
  return out;
}

/** Proportional set size (smaps_rollup "Pss:"), KiB: shared pages count as a share of their sharers. */
export function pssKiB(pid: number): number {
  const m = /^Pss:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'));
  if (m?.[1] === undefined) throw new Error(`no Pss in /proc/${pid}/smaps_rollup`);
  return Number(m[1]);
}

/** x86-64's THREAD_SIZE: the kernel stack of each thread, which /proc/meminfo counts as KernelStack. */
const KERNEL_STACK_KIB = 16;

/**
 * What every process but those whose command line mentions `dir` (and what
 * runs below them) holds, KiB: the rest of the host's processes, whoever
 * runs them. `pss`: their PSS; `kernel`: their page tables (VmPTE) and
 * kernel stacks, the part of /proc/meminfo's kernel figures they account for.
 */
export function othersUsage(dir: string): { pssKiB: number; kernelKiB: number } {
  const all = processes();
  const roots = all.filter((p) => p.cmdline.includes(dir));
  const ours = new Set([...roots, ...descendants(all, roots.map((p) => p.pid))].map((p) => p.pid));
  let pss = 0;
  let kernel = 0;
  for (const p of all) {
    if (ours.has(p.pid) || p.cmdline === '') continue; // kernel threads and zombies have no memory of their own
    try {
      const status = readFileSync(`/proc/${p.pid}/status`, 'utf8');
      const field = (name: string): number => Number(new RegExp(`^${name}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? 0);
      kernel += field('VmPTE') + field('Threads') * KERNEL_STACK_KIB;
      pss += pssKiB(p.pid);
    } catch {
      // gone meanwhile
    }
  }
  return { pssKiB: pss, kernelKiB: kernel };
}

/** Resident set size (status "VmRSS:"), KiB. */
export function rssKiB(pid: number): number {
  const m = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m?.[1] !== undefined ? Number(m[1]) : NaN;
}

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/**
 * SIGKILLs every process whose command line mentions `dir`, and what runs
 * below it, deepest first (a container's init would otherwise outlive its
 * shim). `except` are pids stopped in order elsewhere (the daemons).
 * Returns what it killed, for the report of leftovers.
 */
export async function killStragglers(dir: string, except: number[] = []): Promise<string[]> {
  const all = processes();
  const roots = all.filter((p) => p.cmdline.includes(dir) && p.pid !== process.pid && !except.includes(p.pid));
  if (roots.length === 0) return [];
  const victims = [...descendants(all, roots.map((p) => p.pid)).reverse(), ...roots];
  for (const p of victims) {
    try {
      process.kill(p.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  for (let i = 0; i < 50 && victims.some((p) => alive(p.pid)); i++) await sleep(100);
  return victims.map((p) => `killed ${p.pid} (${p.comm}): ${p.cmdline.slice(0, 160)}`);
}
