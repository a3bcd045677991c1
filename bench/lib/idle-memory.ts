/**
 * What N idle containers cost the host, one engine at a time: host memory
 * read before and after starting N `sleep` containers (and again after
 * removing them, to see how far the host drifted on its own meanwhile), the
 * summed PSS of every process the engine added for them (its per-container
 * processes, found by command line, and everything below them), and the
 * growth of its daemons' RSS.
 */
import { setTimeout as sleep } from 'node:timers/promises';

import type { EngineKey, Engines } from './container-engines.js';
import { readMemory, type MemoryReading } from './host-memory.js';
import { descendants, processes, pssKiB, rssKiB } from './processes.js';

/** The per-container process of each engine, by its comm (the kernel cuts comm at 15 characters). */
export const SHIM_COMM: Record<EngineKey, string> = {
  berthd: 'berth-shim',
  dockerd: 'containerd-shim', // containerd-shim-runc-v2
  podman: 'conmon',
};

/** Time for what starting containers set in motion (log writers, daemons' caches, page-table growth) to settle. */
const SETTLE_MS = 3000;

export interface IdleMemory {
  engine: EngineKey;
  containers: number;
  before: MemoryReading;
  after: MemoryReading;
  afterRemoval: MemoryReading;
  /** summed PSS, KiB */
  shimPssKiB: number;
  workloadPssKiB: number;
  shims: number;
  /** processes below the shims (the containers' own) */
  workloads: number;
  /** RSS growth of the engine's long-running daemons (berthd; dockerd + containerd), KiB */
  daemonRssDeltaKiB: number;
  daemons: string;
  startMs: number;
}

function daemonPids(engines: Engines, engine: EngineKey): number[] {
  if (engine === 'berthd') return engines.berthd ? [engines.berthd.pid] : [];
  if (engine === 'dockerd') return engines.dockerd ? [engines.dockerd.pid, ...engines.dockerd.containerdPids()] : [];
  return [];
}

const DAEMONS: Record<EngineKey, string> = { berthd: 'berthd', dockerd: 'dockerd + containerd', podman: 'none' };

export async function idleMemory(engines: Engines, engine: EngineKey, n: number, log: (s: string) => void): Promise<IdleMemory> {
  await sleep(SETTLE_MS);
  const daemons = daemonPids(engines, engine);
  const daemonRss = (): number => daemons.reduce((a, pid) => a + rssKiB(pid), 0);
  const before = await readMemory(engines.dir);
  const rss0 = daemonRss();
  const t0 = performance.now();
  await engines.startSleepers(engine, n);
  const startMs = performance.now() - t0;
  await sleep(SETTLE_MS);
  const after = await readMemory(engines.dir);
  const rss1 = daemonRss();

  const all = processes();
  const shims = all.filter((p) => p.comm === SHIM_COMM[engine] && p.cmdline.includes(engines.dir));
  const below = descendants(all, shims.map((p) => p.pid));
  const sum = (pids: number[]): number => pids.reduce((a, pid) => a + pssKiB(pid), 0);
  const shimPssKiB = sum(shims.map((p) => p.pid));
  const workloadPssKiB = sum(below.map((p) => p.pid));
  if (shims.length !== n) log(`memory: expected ${n} ${SHIM_COMM[engine]} processes of ours, found ${shims.length}`);

  await engines.removeAll(engine);
  await sleep(SETTLE_MS);
  const afterRemoval = await readMemory(engines.dir);
  return {
    engine,
    containers: n,
    before,
    after,
    afterRemoval,
    shimPssKiB,
    workloadPssKiB,
    shims: shims.length,
    workloads: below.length,
    daemonRssDeltaKiB: rss1 - rss0,
    daemons: DAEMONS[engine],
    startMs,
  };
}
