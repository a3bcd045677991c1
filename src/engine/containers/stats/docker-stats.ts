/**
 * The JSON of `GET /containers/{id}/stats` (API 1.41+), field for field as
 * dockerd sends it on Linux. Optional fields are the ones Go leaves out when
 * they are zero (`omitempty`); the blkio lists are `null` when empty on v2.
 */
export interface DockerStats {
  /** RFC3339Nano */
  read: string;
  /** time of the previous sample; "0001-01-01T00:00:00Z" (Go's zero time) when there is none */
  preread: string;
  pids_stats: { current?: number; limit?: number };
  blkio_stats: DockerBlkioStats;
  /** Windows only; always 0 on Linux */
  num_procs: number;
  /** Windows only; always empty on Linux */
  storage_stats: Record<string, never>;
  cpu_stats: DockerCpuStats;
  /** cpu_stats of the previous sample: the docker CLI computes CPU % from the difference */
  precpu_stats: DockerCpuStats;
  memory_stats: DockerMemoryStats;
  /** "/" + the container name */
  name: string;
  id: string;
}

export interface DockerBlkioEntry {
  major: number;
  minor: number;
  /** v1: "Read", "Write", "Total" …; v2: "read", "write" (the CLI compares case-insensitively) */
  op: string;
  value: number;
}

export interface DockerBlkioStats {
  io_service_bytes_recursive: DockerBlkioEntry[] | null;
  io_serviced_recursive: DockerBlkioEntry[] | null;
  io_queue_recursive: DockerBlkioEntry[] | null;
  io_service_time_recursive: DockerBlkioEntry[] | null;
  io_wait_time_recursive: DockerBlkioEntry[] | null;
  io_merged_recursive: DockerBlkioEntry[] | null;
  io_time_recursive: DockerBlkioEntry[] | null;
  sectors_recursive: DockerBlkioEntry[] | null;
}

export interface DockerCpuStats {
  cpu_usage: {
    /** ns of CPU time used by the container */
    total_usage: number;
    /** v1 only (cpuacct.usage_percpu) */
    percpu_usage?: number[];
    usage_in_kernelmode: number;
    usage_in_usermode: number;
  };
  /** ns of CPU time of the whole host, all CPUs, from /proc/stat */
  system_cpu_usage?: number;
  online_cpus?: number;
  throttling_data: { periods: number; throttled_periods: number; throttled_time: number };
}

export interface DockerMemoryStats {
  usage?: number;
  /** v1 only */
  max_usage?: number;
  /** memory.stat as the kernel names it (v1 and v2 keys differ) */
  stats?: Record<string, number>;
  /** v1: memory.failcnt; v2: the "oom" count of memory.events */
  failcnt?: number;
  /** the cgroup limit, or the host's memory when that is lower (or there is no limit) */
  limit?: number;
}
