/**
 * Which programs a daemon runs, and when, from the kernel's side: `perf
 * record` of the scheduler's fork, exec and exit tracepoints on the daemon
 * and everything it starts (-p PID follows new children), time-stamped on
 * CLOCK_MONOTONIC (-k mono), the clock the harness times its API calls
 * with. The tracepoints cost the traced processes next to nothing (no
 * ptrace, no stop per system call), so a traced `start` takes what an
 * untraced one does.
 *
 *   const t = await ExecTrace.start(berthd.pid, file);
 *   … API calls, their times noted with now() …
 *   const events = await t.stop();
 *   children(events, berthdTids, from, to)  // what berthd ran in [from, to]
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { basename } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

import { run } from './timed-command.js';

export type TraceEvent =
  | { kind: 'fork'; t: number; parent: number; child: number }
  | { kind: 'exec'; t: number; pid: number; file: string }
  | { kind: 'exit'; t: number; pid: number; groupDead: boolean };

export class ExecTrace {
  private constructor(
    private readonly child: ChildProcess,
    private readonly file: string,
    private stderr: string,
  ) {}

  static async start(pid: number, file: string): Promise<ExecTrace> {
    const child = spawn(
      'perf',
      ['record', '-q', '-k', 'mono', '-e', 'sched:sched_process_fork,sched:sched_process_exec,sched:sched_process_exit', '-p', String(pid), '-o', file],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    const t = new ExecTrace(child, file, '');
    child.stderr?.on('data', (d: Buffer) => (t.stderr += d.toString('utf8')));
    await new Promise<void>((resolve, reject) => {
      child.once('spawn', () => resolve());
      child.once('error', (e) => reject(new Error(`cannot run perf: ${e.message}`)));
    });
    // perf needs a moment to open its events on every thread of the process.
    await sleep(500);
    if (child.exitCode !== null) throw new Error(`perf record exited: ${t.stderr.trim()}`);
    return t;
  }

  /** Stops perf (SIGINT, as Ctrl-C), reads its file, removes it. */
  async stop(): Promise<TraceEvent[]> {
    if (this.child.exitCode === null && this.child.signalCode === null) {
      const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
      this.child.kill('SIGINT');
      const timer = setTimeout(() => this.child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    }
    try {
      return parse(await run('perf', ['script', '-i', this.file, '-F', 'time,event,trace', '--ns']));
    } finally {
      await rm(this.file, { force: true });
    }
  }
}

export function parse(text: string): TraceEvent[] {
  const out: TraceEvent[] = [];
  for (const line of text.split('\n')) {
    const m = /^\s*([\d.]+):\s+sched:(sched_process_\w+):\s+(.*)$/.exec(line);
    if (!m?.[1] || !m[2] || m[3] === undefined) continue;
    const t = Number(m[1]) * 1000;
    const f = m[3];
    const num = (k: string): number => Number(new RegExp(`\\b${k}=(\\d+)`).exec(f)?.[1] ?? NaN);
    if (m[2] === 'sched_process_fork') out.push({ kind: 'fork', t, parent: num('pid'), child: num('child_pid') });
    else if (m[2] === 'sched_process_exec') out.push({ kind: 'exec', t, pid: num('pid'), file: /filename=(\S+)/.exec(f)?.[1] ?? '?' });
    else if (m[2] === 'sched_process_exit') out.push({ kind: 'exit', t, pid: num('pid'), groupDead: /group_dead=1|group_dead=true/.test(f) });
  }
  return out.sort((a, b) => a.t - b.t);
}

/** The thread ids of a live process. */
export function threadsOf(pid: number): Set<number> {
  return new Set(readdirSync(`/proc/${pid}/task`).map(Number));
}

export interface Spawned {
  pid: number;
  /** the first program it ran (basename), e.g. "unshare" (which then runs ip) */
  name: string;
  forkT: number;
  /** when its process ended; NaN if not within the trace */
  exitT: number;
  /** its descendants' first exec of a program other than `skip`, e.g. the container's process */
  descendantExecs: { file: string; t: number }[];
}

/** Processes the daemon (`tids`: its threads) forked within [from, to], in order. */
export function spawnedBy(events: TraceEvent[], tids: Set<number>, from: number, to: number): Spawned[] {
  const out: Spawned[] = [];
  for (const e of events) {
    if (e.kind !== 'fork' || !tids.has(e.parent) || e.t < from || e.t > to) continue;
    // A thread of the daemon (Node's workers) is a fork too; those never exec and are skipped below.
    const exec = events.find((x) => x.kind === 'exec' && x.pid === e.child && x.t >= e.t);
    if (!exec || exec.kind !== 'exec') continue;
    const exit = events.find((x) => x.kind === 'exit' && x.pid === e.child && x.groupDead && x.t >= e.t);
    const family = new Set([e.child]);
    const descendantExecs: { file: string; t: number }[] = [];
    for (const x of events) {
      if (x.t < e.t) continue;
      if (x.kind === 'fork' && family.has(x.parent)) family.add(x.child);
      else if (x.kind === 'exec' && family.has(x.pid) && x.pid !== e.child) descendantExecs.push({ file: x.file, t: x.t });
    }
    out.push({ pid: e.child, name: basename(exec.file), forkT: e.t, exitT: exit?.t ?? NaN, descendantExecs });
  }
  return out;
}
