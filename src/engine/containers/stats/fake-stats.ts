import type { CgroupStats } from '../../../runtime/cgroups/manager.js';
import type { StatsSample } from './stats-sample.js';

/** CgroupStats for tests: all zero (no limits) unless given. */
export function fakeCgroupStats(over: { [K in keyof CgroupStats]?: Partial<CgroupStats[K]> } = {}): CgroupStats {
  return {
    cpu: { usageNanos: 0, userNanos: 0, systemNanos: 0, throttledPeriods: 0, throttledNanos: 0, ...over.cpu },
    memory: { usage: 0, limit: null, maxUsage: null, cache: 0, oomEvents: 0, oomKills: 0, limitHits: 0, stat: {}, ...over.memory },
    pids: { current: 0, limit: null, ...over.pids },
    io: { readBytes: 0, writeBytes: 0, readOps: 0, writeOps: 0, ...over.io },
  };
}

/** A sample for tests, at `read` (ms since the epoch) on a 4-CPU, 8 GiB host. */
export function fakeSample(read: number, over: Partial<StatsSample> = {}): StatsSample {
  return {
    read: new Date(read),
    cgroup: fakeCgroupStats(),
    systemCpuNs: 0,
    onlineCpus: 4,
    memoryLimitFallback: 8 * 2 ** 30,
    ...over,
  };
}
