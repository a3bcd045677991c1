import type { Resources } from '../../oci/spec.js';

/**
 * A container's cgroup, on a v1 (or hybrid) host or a pure v2 host. The two
 * implementations hide the layout differences: v1 has one directory per
 * controller hierarchy, v2 one directory with every controller.
 */
export interface CgroupManager {
  readonly version: 1 | 2;
  /** Create (or reuse) the cgroup at `path` (relative to the hierarchy roots, e.g. "berth/abc") and apply `resources`. */
  create(path: string, resources?: Resources): Promise<Cgroup>;
  /** Open an existing cgroup without changing it (after a restart, for `state`, `delete`, stats). */
  open(path: string): Cgroup;
  /**
   * The hierarchies the container whose cgroup is `path` sees under
   * /sys/fs/cgroup (for the `cgroup` mount in its rootfs).
   */
  hierarchies(path: string): CgroupHierarchy[];
}

export interface CgroupHierarchy {
  /** v1: the mount options naming the controllers ("cpu,cpuacct", "name=systemd"); v2: "" */
  options: string;
  /** directory name under /sys/fs/cgroup: "cpu,cpuacct", "memory", "systemd", "unified"; v2: "" */
  name: string;
  /** absolute host directory of this container's cgroup in that hierarchy */
  hostPath: string;
  /** v1 aliases: symlink names that point at `name` ("cpu" -> "cpu,cpuacct") */
  aliases: string[];
  fsType: 'cgroup' | 'cgroup2';
}

export interface Cgroup {
  readonly path: string;
  /** Directories whose `cgroup.procs` a process writes itself into to join this cgroup. */
  readonly procsDirs: string[];
  update(resources: Resources): Promise<void>;
  stats(): Promise<CgroupStats>;
  /** Every pid in the cgroup (host pid namespace). */
  pids(): Promise<number[]>;
  freeze(): Promise<void>;
  thaw(): Promise<void>;
  /** Send `signal` to every process in the cgroup. */
  killAll(signal: NodeJS.Signals): Promise<void>;
  /** Remove the directories (retrying while the kernel is still tearing tasks down). Missing dirs are fine. */
  destroy(): Promise<void>;
  exists(): Promise<boolean>;
}

export interface CgroupStats {
  /** All counters are cumulative since the cgroup was created. */
  cpu: { usageNanos: number; userNanos: number; systemNanos: number; throttledPeriods: number; throttledNanos: number };
  memory: {
    usage: number;
    /** null: unlimited */
    limit: number | null;
    /** peak usage; null where the kernel does not track it (v2 before memory.peak, 5.19) */
    maxUsage: number | null;
    /** page cache (v1 memory.stat total_cache, v2 memory.stat file) */
    cache: number;
    /** times the OOM killer was invoked (v2 memory.events oom; v1 has no such counter and reports oomKills) */
    oomEvents: number;
    /** processes killed by the OOM killer (v1 memory.oom_control oom_kill, v2 memory.events oom_kill) */
    oomKills: number;
    /** times usage hit the limit, mostly followed by reclaim rather than OOM (v1 memory.failcnt, v2 memory.events max) */
    limitHits: number;
    /** memory.stat as the kernel reports it (what docker stats subtracts inactive_file from) */
    stat: Record<string, number>;
  };
  pids: { current: number; limit: number | null };
  io: { readBytes: number; writeBytes: number; readOps: number; writeOps: number };
}
