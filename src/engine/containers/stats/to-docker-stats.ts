import type { DockerBlkioEntry, DockerBlkioStats, DockerCpuStats, DockerMemoryStats, DockerStats } from './docker-stats.js';
import type { StatsSample } from './stats-sample.js';

/** Go's zero time, which dockerd sends as `preread` before there is a previous sample. */
const GO_ZERO_TIME = '0001-01-01T00:00:00Z';

/**
 * A sample in the shape dockerd gives it, with `previous` as precpu_stats so
 * that the docker CLI can compute CPU % (the change in container CPU time
 * over the change in host CPU time, times the CPUs).
 */
export function toDockerStats(sample: StatsSample, previous: StatsSample | undefined, meta: { id: string; name: string }): DockerStats {
  const v1 = sample.cgroupVersion === 1;
  const { pids } = sample.cgroup;
  return {
    read: goTime(sample.read),
    preread: previous === undefined ? GO_ZERO_TIME : goTime(previous.read),
    pids_stats: omitZero({ current: pids.current, limit: pids.limit ?? 0 }),
    blkio_stats: blkio(sample),
    num_procs: 0,
    storage_stats: {},
    cpu_stats: cpu(sample),
    precpu_stats: previous === undefined ? zeroCpu() : cpu(previous),
    memory_stats: v1 ? memoryV1(sample) : memoryV2(sample),
    name: meta.name.startsWith('/') ? meta.name : `/${meta.name}`,
    id: meta.id,
  };
}

function cpu(s: StatsSample): DockerCpuStats {
  const c = s.cgroup.cpu;
  const perCpu = s.cgroupVersion === 1 && s.perCpuUsage !== undefined && s.perCpuUsage.length > 0 ? [...s.perCpuUsage] : undefined;
  return {
    cpu_usage: {
      total_usage: c.usageNanos,
      ...(perCpu === undefined ? {} : { percpu_usage: perCpu }),
      usage_in_kernelmode: c.systemNanos,
      usage_in_usermode: c.userNanos,
    },
    ...omitZero({ system_cpu_usage: s.systemCpuNs, online_cpus: s.onlineCpus }),
    // CgroupStats has no count of all periods (nr_periods), only of the throttled ones.
    throttling_data: { periods: 0, throttled_periods: c.throttledPeriods, throttled_time: c.throttledNanos },
  };
}

function zeroCpu(): DockerCpuStats {
  return {
    cpu_usage: { total_usage: 0, usage_in_kernelmode: 0, usage_in_usermode: 0 },
    throttling_data: { periods: 0, throttled_periods: 0, throttled_time: 0 },
  };
}

/** dockerd caps the limit at the host's memory: "unlimited" reads as the host size. */
function memoryLimit(s: StatsSample): number {
  const { limit } = s.cgroup.memory;
  const host = s.memoryLimitFallback;
  if (limit === null) return host;
  return host > 0 && limit > host ? host : limit;
}

function memoryV1(s: StatsSample): DockerMemoryStats {
  const m = s.cgroup.memory;
  // Without memory.stat: the page cache under both of its v1 names (the CLI
  // before 19.03 subtracted "cache", later ones "total_inactive_file").
  const stats = s.memoryStat ?? { cache: m.cache, total_cache: m.cache };
  return omitZero({ usage: m.usage, max_usage: m.maxUsage ?? 0, stats: { ...stats }, failcnt: m.limitHits, limit: memoryLimit(s) });
}

function memoryV2(s: StatsSample): DockerMemoryStats {
  const m = s.cgroup.memory;
  const stats = s.memoryStat ?? { file: m.cache };
  // dockerd reports memory.events "oom" as failcnt on v2, and no max_usage.
  return omitZero({ usage: m.usage, stats: { ...stats }, failcnt: m.oomEvents, limit: memoryLimit(s) });
}

/**
 * CgroupStats sums I/O over devices, so it is reported as one entry per
 * operation on device 0:0; the docker CLI only adds the entries up.
 */
function blkio(s: StatsSample): DockerBlkioStats {
  const io = s.cgroup.io;
  const v1 = s.cgroupVersion === 1;
  const entry = (op: string, value: number): DockerBlkioEntry => ({ major: 0, minor: 0, op, value });
  // dockerd sends every v1 list (empty when the file is), and on v2 only the bytes, the rest null.
  const empty = (): DockerBlkioEntry[] | null => (v1 ? [] : null);
  let bytes = empty();
  let ops = empty();
  if (v1 && io.readBytes + io.writeBytes + io.readOps + io.writeOps > 0) {
    bytes = [entry('Read', io.readBytes), entry('Write', io.writeBytes), entry('Total', io.readBytes + io.writeBytes)];
    ops = [entry('Read', io.readOps), entry('Write', io.writeOps), entry('Total', io.readOps + io.writeOps)];
  } else if (!v1 && io.readBytes + io.writeBytes > 0) {
    bytes = [entry('read', io.readBytes), entry('write', io.writeBytes)];
  }
  return {
    io_service_bytes_recursive: bytes,
    io_serviced_recursive: ops,
    io_queue_recursive: empty(),
    io_service_time_recursive: empty(),
    io_wait_time_recursive: empty(),
    io_merged_recursive: empty(),
    io_time_recursive: empty(),
    sectors_recursive: empty(),
  };
}

/** Go's `omitempty` for numbers and maps: zero (or empty) fields are left out. */
function omitZero<T extends Record<string, number | Record<string, number>>>(fields: T): Partial<T> {
  const out: Partial<T> = {};
  for (const [k, v] of Object.entries(fields) as [keyof T, T[keyof T]][]) {
    if (typeof v === 'number' ? v !== 0 : Object.keys(v).length > 0) out[k] = v;
  }
  return out;
}

/** RFC3339Nano as Go writes it: trailing zeros of the fraction dropped. */
function goTime(d: Date): string {
  return d.toISOString().replace(/\.?0+Z$/, 'Z');
}
