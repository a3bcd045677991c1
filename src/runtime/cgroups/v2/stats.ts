import type { CgroupDir } from '../cgroup-dir.js';
import type { CgroupStats } from '../manager.js';
import { parseFlatKeyed, parseMax, parseNestedKeyed, parseNumber } from '../parse.js';

/** Stats of a v2 cgroup; files of controllers that are not enabled read as zeros (limits: null). */
export async function readStatsV2(dir: CgroupDir): Promise<CgroupStats> {
  const [cpuStat, memCurrent, memMax, memPeak, memStat, memEvents, pidsCurrent, pidsMax, ioStat] = await Promise.all(
    ['cpu.stat', 'memory.current', 'memory.max', 'memory.peak', 'memory.stat', 'memory.events', 'pids.current', 'pids.max', 'io.stat'].map(
      (f) => dir.readOptional(f),
    ),
  );
  const cs = parseFlatKeyed(cpuStat ?? null);
  const ms = parseFlatKeyed(memStat ?? null);
  const ev = parseFlatKeyed(memEvents ?? null);
  const io = { readBytes: 0, writeBytes: 0, readOps: 0, writeOps: 0 };
  for (const { values } of parseNestedKeyed(ioStat ?? null)) {
    io.readBytes += values.get('rbytes') ?? 0;
    io.writeBytes += values.get('wbytes') ?? 0;
    io.readOps += values.get('rios') ?? 0;
    io.writeOps += values.get('wios') ?? 0;
  }
  return {
    cpu: {
      usageNanos: (cs.get('usage_usec') ?? 0) * 1000,
      userNanos: (cs.get('user_usec') ?? 0) * 1000,
      systemNanos: (cs.get('system_usec') ?? 0) * 1000,
      throttledPeriods: cs.get('nr_throttled') ?? 0,
      throttledNanos: (cs.get('throttled_usec') ?? 0) * 1000,
    },
    memory: {
      usage: parseNumber(memCurrent ?? null),
      limit: parseMax(memMax ?? null),
      // memory.peak appeared in 5.19
      maxUsage: memPeak === null || memPeak === undefined ? null : parseNumber(memPeak),
      cache: ms.get('file') ?? 0,
      oomEvents: ev.get('oom') ?? 0,
      oomKills: ev.get('oom_kill') ?? 0,
      limitHits: ev.get('max') ?? 0,
      stat: Object.fromEntries(ms),
    },
    pids: { current: parseNumber(pidsCurrent ?? null), limit: parseMax(pidsMax ?? null) },
    io,
  };
}
