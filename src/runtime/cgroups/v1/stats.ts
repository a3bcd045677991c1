import type { CgroupStats } from '../manager.js';
import type { CgroupDir } from '../cgroup-dir.js';
import { parseBlkioStat, parseFlatKeyed, parseMax, parseNumber, parseV1Limit } from '../parse.js';
import type { V1Dirs } from './dirs.js';

/**
 * cpuacct.stat counts in USER_HZ ticks. USER_HZ is 100 on every architecture
 * Linux ships for containers (it is fixed ABI, unlike the kernel's HZ); runc
 * and the kernel's own tools assume the same.
 */
const USER_HZ = 100;
const NANOS_PER_TICK = 1e9 / USER_HZ;

const read = async (dir: CgroupDir | undefined, file: string): Promise<string | null> =>
  dir === undefined ? null : dir.readOptional(file);

/** Stats of a v1 cgroup; a controller that is not mounted reports zeros (limits: null). */
export async function readStatsV1(d: V1Dirs): Promise<CgroupStats> {
  const cpu = d.optional('cpu');
  const cpuacct = d.optional('cpuacct');
  const memory = d.optional('memory');
  const pids = d.optional('pids');
  const blkio = d.optional('blkio');

  const [usage, acctStat, cpuStat, memUsage, memLimit, memMax, memStat, oomControl, failcnt, pidsCurrent, pidsMax, ioBytes, ioOps] =
    await Promise.all([
      read(cpuacct, 'cpuacct.usage'),
      read(cpuacct, 'cpuacct.stat'),
      read(cpu, 'cpu.stat'),
      read(memory, 'memory.usage_in_bytes'),
      read(memory, 'memory.limit_in_bytes'),
      read(memory, 'memory.max_usage_in_bytes'),
      read(memory, 'memory.stat'),
      read(memory, 'memory.oom_control'),
      read(memory, 'memory.failcnt'),
      read(pids, 'pids.current'),
      read(pids, 'pids.max'),
      readFirst(blkio, ['blkio.throttle.io_service_bytes_recursive', 'blkio.throttle.io_service_bytes']),
      readFirst(blkio, ['blkio.throttle.io_serviced_recursive', 'blkio.throttle.io_serviced']),
    ]);

  const acct = parseFlatKeyed(acctStat);
  const cs = parseFlatKeyed(cpuStat);
  const ms = parseFlatKeyed(memStat);
  const oom = parseFlatKeyed(oomControl);
  const bytes = parseBlkioStat(ioBytes);
  const ops = parseBlkioStat(ioOps);
  // v1 counts no "OOM events" apart from kills (oom_kill, kernel 4.13+); with
  // the killer enabled every OOM ends in one, so both fields report it.
  const oomKills = oom.get('oom_kill') ?? 0;
  return {
    cpu: {
      usageNanos: parseNumber(usage),
      userNanos: (acct.get('user') ?? 0) * NANOS_PER_TICK,
      systemNanos: (acct.get('system') ?? 0) * NANOS_PER_TICK,
      throttledPeriods: cs.get('nr_throttled') ?? 0,
      throttledNanos: cs.get('throttled_time') ?? 0,
    },
    memory: {
      usage: parseNumber(memUsage),
      limit: parseV1Limit(memLimit),
      maxUsage: memMax === null ? null : parseNumber(memMax),
      cache: ms.get('total_cache') ?? ms.get('cache') ?? 0,
      oomEvents: oomKills,
      oomKills,
      limitHits: parseNumber(failcnt),
      stat: Object.fromEntries(ms),
    },
    pids: { current: parseNumber(pidsCurrent), limit: parseMax(pidsMax) },
    io: {
      readBytes: bytes.get('Read') ?? 0,
      writeBytes: bytes.get('Write') ?? 0,
      readOps: ops.get('Read') ?? 0,
      writeOps: ops.get('Write') ?? 0,
    },
  };
}

async function readFirst(dir: CgroupDir | undefined, files: string[]): Promise<string | null> {
  for (const f of files) {
    const text = await read(dir, f);
    if (text !== null) return text;
  }
  return null;
}
