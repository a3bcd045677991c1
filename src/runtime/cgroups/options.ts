import { nodeCgroupFs, type CgroupFs } from './cgroupfs.js';

/** Send a signal to a host pid (process.kill's shape). */
export type KillFn = (pid: number, signal: NodeJS.Signals) => void;

/** The seams and clocks of a cgroup manager; every field has a real default. */
export interface ManagerOptions {
  fs?: CgroupFs;
  kill?: KillFn;
  /** how long destroy() retries rmdir while the kernel detaches exiting tasks (default 1000 ms) */
  destroyTimeoutMs?: number;
  /** how long freeze()/thaw() wait for the freezer to settle (default 5000 ms) */
  freezeTimeoutMs?: number;
  /** how long killAll('SIGKILL') waits for the cgroup to empty (default 5000 ms) */
  killTimeoutMs?: number;
}

export interface ResolvedOptions {
  fs: CgroupFs;
  kill: KillFn;
  destroyTimeoutMs: number;
  freezeTimeoutMs: number;
  killTimeoutMs: number;
}

export function resolveOptions(o: ManagerOptions = {}): ResolvedOptions {
  return {
    fs: o.fs ?? nodeCgroupFs,
    kill: o.kill ?? ((pid, signal) => process.kill(pid, signal)),
    destroyTimeoutMs: o.destroyTimeoutMs ?? 1000,
    freezeTimeoutMs: o.freezeTimeoutMs ?? 5000,
    killTimeoutMs: o.killTimeoutMs ?? 5000,
  };
}
