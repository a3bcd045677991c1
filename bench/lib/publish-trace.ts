/**
 * Where berthd's time goes in `run -d -p`, from its own side: the harness
 * makes the API calls (create with a published port, start, then polls for
 * the first HTTP 200) while exec-trace.ts records every program berthd
 * starts. Within start, each program's time (fork to exit) is berthd
 * waiting on it; what is left of start is berthd's own code between them
 * (state files, rule generation, the OCI spec, the runtime plan).
 */
import { join } from 'node:path';

import { ExecTrace, spawnedBy, threadsOf } from './exec-trace.js';
import { apiPublish } from './net-api.js';
import { summarize } from './stats.js';

/** What each program berthd runs during start is for (by the name it is started as). */
export const PROGRAM_ROLES: Record<string, string> = {
  umount: '`umount --lazy` of the namespace file, before creating it (there is none: a fresh container)',
  unshare: '`unshare --net=FILE ip link set lo up`: the network namespace, bound to a file',
  nsenter: '`nsenter --net=FILE ip -batch -`: the veth pair, the address, the default route',
  nft: '`nft -f -`: the whole table, replaced with the new published port',
  mount: '`mount -t overlay`: the container\'s root filesystem',
  'berth-shim': 'berth-shim → berth-core → the container\'s process (runtime create and start)',
  ip: '`ip`: a link change',
};

export interface ProgramRow {
  name: string;
  /** in how many of the traced starts it ran */
  runs: number;
  /** median ms from the start request to its (first) fork */
  offset: number;
  /** median ms from fork to exit (summed if it ran more than once); berth-shim: from fork to the container's process being exec'd */
  duration: number;
  /** median ms of berthd's own code between the end of the program before it (or the request) and its fork */
  before: number;
}

export interface PublishTrace {
  runs: number;
  create: number;
  start: number;
  /** start returned → first HTTP 200 */
  serve: number;
  total: number;
  programs: ProgramRow[];
  /** median of (start − the programs' time within it) */
  ownCode: number;
  /** median ms from the start request to the container's process being exec'd */
  workloadExec: number;
  /** median ms from the last program's end (the container's process exec'd) to start answering */
  afterLast: number;
  /** the programs that ran during create (normally none) */
  duringCreate: string[];
}

const median = (xs: number[]): number => (xs.length > 0 ? summarize(xs).median : NaN);

export async function tracePublish(opts: {
  pid: number;
  socket: string;
  scratch: string;
  image: string;
  cmd: string[];
  port: number;
  body: string;
  runs: number;
  remove: (id: string) => Promise<void>;
  log: (s: string) => void;
}): Promise<PublishTrace> {
  const tids = threadsOf(opts.pid);
  const trace = await ExecTrace.start(opts.pid, join(opts.scratch, 'publish-trace.data'));
  const marks: { t0: number; t1: number; t2: number; t3: number }[] = [];
  let failure: unknown;
  try {
    for (let i = 0; i < opts.runs; i++) {
      const r = await apiPublish(opts.socket, opts.image, opts.cmd, opts.port, opts.body);
      marks.push(r.marks);
      await opts.remove(r.id);
    }
  } catch (e) {
    failure = e;
  }
  const events = await trace.stop();
  if (failure !== undefined) throw failure;
  for (const t of threadsOf(opts.pid)) tids.add(t);
  const perProgram = new Map<string, { offset: number[]; duration: number[]; before: number[] }>();
  const own: number[] = [];
  const exec: number[] = [];
  const afterLast: number[] = [];
  const duringCreate = new Set<string>();
  for (const m of marks) {
    for (const s of spawnedBy(events, tids, m.t0, m.t1)) duringCreate.add(s.name);
    let prevEnd = m.t1;
    let inside = 0;
    const run = new Map<string, { offset: number; duration: number; before: number }>();
    for (const s of spawnedBy(events, tids, m.t1, m.t2)) {
      // berth-shim forks itself away at once; the runtime's work ends when the container's process is exec'd.
      const workload = s.name === 'berth-shim' ? s.descendantExecs.find((x) => !/berth-(core|shim)$/.test(x.file)) : undefined;
      if (workload) exec.push(workload.t - m.t1);
      const end = Math.min(workload?.t ?? (Number.isNaN(s.exitT) ? m.t2 : s.exitT), m.t2);
      const before = Math.max(0, s.forkT - prevEnd);
      const duration = end - Math.max(s.forkT, prevEnd);
      inside += Math.max(0, duration);
      prevEnd = Math.max(prevEnd, end);
      const r = run.get(s.name);
      if (r) {
        r.duration += duration;
        r.before += before;
      } else run.set(s.name, { offset: s.forkT - m.t1, duration, before });
    }
    for (const [name, r] of run) {
      const p = perProgram.get(name) ?? { offset: [], duration: [], before: [] };
      p.offset.push(r.offset);
      p.duration.push(r.duration);
      p.before.push(r.before);
      perProgram.set(name, p);
    }
    afterLast.push(m.t2 - prevEnd);
    own.push(m.t2 - m.t1 - inside);
  }
  if (events.length === 0) opts.log('publish trace: perf recorded nothing');
  const programs = [...perProgram.entries()]
    .map(([name, p]) => ({ name, runs: p.offset.length, offset: median(p.offset), duration: median(p.duration), before: median(p.before) }))
    .sort((a, b) => a.offset - b.offset);
  return {
    runs: marks.length,
    create: median(marks.map((m) => m.t1 - m.t0)),
    start: median(marks.map((m) => m.t2 - m.t1)),
    serve: median(marks.map((m) => m.t3 - m.t2)),
    total: median(marks.map((m) => m.t3 - m.t0)),
    programs,
    ownCode: median(own),
    workloadExec: median(exec),
    afterLast: median(afterLast),
    duringCreate: [...duringCreate],
  };
}
