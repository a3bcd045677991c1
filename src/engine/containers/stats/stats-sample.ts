import type { CgroupStats } from '../../../runtime/cgroups/manager.js';

/** One reading of a container's counters, and of the host's to put them in proportion. */
export interface StatsSample {
  read: Date;
  cgroup: CgroupStats;
  /** the host's CPU time in ns, summed over all CPUs, as dockerd computes system_cpu_usage (see host-cpu.ts) */
  systemCpuNs: number;
  /** the CPUs `systemCpuNs` sums over */
  onlineCpus: number;
  /** the host's memory: docker's memory limit when the cgroup's is higher or unlimited */
  memoryLimitFallback: number;
  /**
   * The cgroup version the counters come from: dockerd's answer differs
   * (max_usage, failcnt, memory.stat keys, percpu_usage). Absent: 2.
   */
  cgroupVersion?: 1 | 2;
  /**
   * memory.stat as the kernel writes it, when the caller read it. docker
   * passes it on, and the docker CLI subtracts `total_inactive_file` (v1) or
   * `inactive_file` (v2) from the usage it shows. Without it only the page
   * cache is sent, and the CLI shows the whole usage.
   */
  memoryStat?: Readonly<Record<string, number>>;
  /** v1 cpuacct.usage_percpu, in ns, when the caller read it */
  perCpuUsage?: readonly number[];
}
