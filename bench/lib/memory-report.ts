/**
 * The idle-memory table of the container benchmark: per engine, the
 * median over rounds of each per-container figure, and a reading that
 * says which figure the target is judged by and why.
 */
import type { EngineKey } from './container-engines.js';
import { SHIM_COMM, type IdleMemory } from './idle-memory.js';
import { summarize } from './stats.js';

const TARGET_MIB = 0.5;

/** Per-container figures of one round, MiB. */
interface PerContainer {
  used: number;
  /** used, less the change in the PSS of the host's other processes */
  adjusted: number;
  available: number;
  drift: number;
  kernel: number;
  shim: number;
  workload: number;
  pss: number;
  daemon: number;
  /** what the engine's processes and the kernel hold for one container: PSS + daemon growth + kernel growth */
  sum: number;
  processes: number;
}

function perContainer(m: IdleMemory): PerContainer {
  const per = (kib: number): number => kib / 1024 / m.containers;
  const shim = per(m.shimPssKiB);
  const workload = per(m.workloadPssKiB);
  const others = (r: IdleMemory['before']): number => r.othersPssKiB + r.othersKernelKiB;
  const kernel = per(m.after.kernelKiB - m.before.kernelKiB - (m.after.othersKernelKiB - m.before.othersKernelKiB));
  const daemon = per(m.daemonRssDeltaKiB);
  return {
    used: per(m.after.usedKiB - m.before.usedKiB),
    adjusted: per(m.after.usedKiB - m.before.usedKiB - (others(m.after) - others(m.before))),
    available: per(m.before.availableKiB - m.after.availableKiB),
    drift: per(m.afterRemoval.usedKiB - m.before.usedKiB - (others(m.afterRemoval) - others(m.before))),
    kernel,
    shim,
    workload,
    pss: shim + workload,
    daemon,
    sum: shim + workload + kernel + daemon,
    processes: (m.shims + m.workloads) / m.containers,
  };
}

const f = (x: number): string => x.toFixed(2);
/** Three decimals where a figure is judged against the target: 0.50 could be either side of it. */
const f3 = (x: number): string => x.toFixed(3);
const LABEL: Record<EngineKey, string> = { berthd: 'berthd (berth CLI)', dockerd: 'dockerd (docker CLI)', podman: 'podman' };

export function memorySection(mem: IdleMemory[]): string[] {
  const engines = [...new Set(mem.map((m) => m.engine))];
  const rounds = mem.filter((m) => m.engine === engines[0]).length;
  const n = mem[0]?.containers ?? 0;
  const byEngine = new Map(engines.map((e) => [e, mem.filter((m) => m.engine === e).map(perContainer)]));
  const medianOf = (e: EngineKey, k: keyof PerContainer): number => summarize((byEngine.get(e) ?? []).map((p) => p[k])).median;
  // The engine-side figures all come from one round, the median one by their sum, so that they add up.
  const medianRound = (e: EngineKey): PerContainer | undefined => {
    const rs = [...(byEngine.get(e) ?? [])].sort((a, b) => a.sum - b.sum);
    return rs[Math.floor((rs.length - 1) / 2)];
  };
  const side = (e: EngineKey, k: keyof PerContainer): number => medianRound(e)?.[k] ?? NaN;
  const range = (e: EngineKey, k: keyof PerContainer): string => {
    const s = summarize((byEngine.get(e) ?? []).map((p) => p[k]));
    return rounds > 1 ? ` (${f(s.min)} to ${f(s.max)})` : '';
  };
  const out = [
    '### Host memory per idle container',
    '',
    `One engine at a time: ${n} \`sleep\` containers started one after another, 3 s to settle, readings, then all removed and 3 s more; ` +
      `${rounds} round${rounds === 1 ? '' : 's'}, the engines' order rotating; the \`free\` columns are medians over the rounds (with their range), the others come from ` +
      'the round with the median "PSS + kernel + daemon", so that they add up. ' +
      'Each host reading is the median of five, 0.2 s apart. "free used Δ": the change of `free`\'s "used" from before starting the containers to after, ' +
      'per container: everything the host paid for them (their processes, the daemons\' growth, the kernel\'s own memory for namespaces, cgroups, mounts, page tables), ' +
      'but also whatever else ran on the host meanwhile. procps-ng 4.0 computes "used" as MemTotal − MemAvailable, so the MemAvailable column is the same reading. ' +
      '"less others": free used Δ minus the change in what every process on the host that is not the engines\' holds (its PSS, page tables and kernel stacks: ' +
      'other processes on the host, compilers and test runs among them, came and went during the run; their slab and page cache still count). ' +
      '"drift": the same after the containers were removed again, 0 if nothing stayed behind and nothing else moved. ' +
      '"kernel Δ": SUnreclaim + KernelStack + PageTables, less the change in the other processes\' page tables and kernel stacks. ' +
      `PSS: the proportional set size (smaps_rollup) of every process the engine added, summed: berth's ${SHIM_COMM.berthd} and the container's process below it, ` +
      `docker's containerd-shim-runc-v2 and the process below it, podman's ${SHIM_COMM.podman} and the process below it; pages shared among them (the shim binary, busybox) ` +
      'are counted once in all. "daemon Δ": growth of the RSS of berthd, or of dockerd + containerd (podman has no daemon). ' +
      '"PSS + kernel + daemon": the same cost counted from the engine\'s side, which the host\'s other processes do not disturb.',
    '',
    '| engine | free used Δ MiB | MemAvailable Δ MiB | free used Δ less others MiB | drift MiB | kernel Δ MiB | PSS MiB (shim + container) | shim PSS | container PSS | daemon Δ MiB | PSS + kernel + daemon MiB | processes | vs docker (PSS + kernel + daemon) |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  const docker = engines.includes('dockerd') ? side('dockerd', 'sum') : NaN;
  for (const e of engines) {
    const m = (k: keyof PerContainer): string => f(medianOf(e, k));
    const r = (k: keyof PerContainer): string => f(side(e, k));
    out.push(
      `| ${LABEL[e]} | ${m('used')}${range(e, 'used')} | ${m('available')} | ${m('adjusted')}${range(e, 'adjusted')} | ${m('drift')} | ${r('kernel')} | ${r('pss')} | ${r('shim')} | ${r('workload')} | ` +
        `${e === 'podman' ? '—' : r('daemon')} | ${r('sum')} | ${side(e, 'processes').toFixed(1)} | ${f(side(e, 'sum') / docker)}× |`,
    );
  }
  out.push('', '(all per container)', '');
  if (engines.includes('berthd')) {
    const used = medianOf('berthd', 'adjusted');
    const sum = side('berthd', 'sum');
    const spread = summarize((byEngine.get('berthd') ?? []).map((p) => p.adjusted));
    const drift = Math.abs(medianOf('berthd', 'drift'));
    // A figure whose rounds disagree by more than the target itself cannot say whether the target is met.
    const rough = (rounds > 1 && spread.max - spread.min > TARGET_MIB) || drift > TARGET_MIB / 2;
    out.push(
      `**Reading.** An idle berth container costs ${f3(sum)} MiB counted from the engine's side: ${f(side('berthd', 'shim'))} MiB of shim, ` +
        `${f(side('berthd', 'workload'))} MiB of the container's process, ${f(side('berthd', 'kernel'))} MiB of kernel memory and ${f(side('berthd', 'daemon'))} MiB of berthd's growth ` +
        '(its RSS moves with garbage collection as much as with the containers). ' +
        `\`free\` saw ${f(medianOf('berthd', 'used'))} MiB per container, ${f3(used)} MiB less the other processes' change. ` +
        `The target ≤ ${TARGET_MIB} MiB is ${sum <= TARGET_MIB ? 'met' : 'not met'} counted from the engine's side` +
        (rough
          ? `; \`free\` cannot tell on this host: less others, its rounds still ranged from ${f(spread.min)} to ${f(spread.max)} MiB per container` +
            (drift > TARGET_MIB / 2 ? ` and drifted by ${f(drift)} MiB` : '') +
            ', as other processes on the host started and ended. '
          : `, and ${used <= TARGET_MIB ? 'met' : 'not met'} by \`free\` less others. `) +
        (engines.includes('dockerd')
          ? `A docker container costs ${f(docker)} MiB (${f(side('dockerd', 'shim'))} of it the containerd shim, a Go process)` +
            (engines.includes('podman') ? `, a podman one ${f(side('podman', 'sum'))} MiB (conmon ${f(side('podman', 'shim'))}).` : '.')
          : ''),
    );
  }
  return out;
}
