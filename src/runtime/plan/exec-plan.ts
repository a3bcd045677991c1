import { statSync } from 'node:fs';

import type { Process } from '../../oci/spec.js';
import type { HostFacts } from '../host.js';
import type { Plan, PlanOp } from './ops.js';
import { processOps } from './process-ops.js';

export interface ExecPlanInput {
  /** host pid of the container's init */
  pid: number;
  process: Process;
  cgroupProcsDirs: string[];
  host: HostFacts;
  seccomp?: { program: Buffer; flags: number } | undefined;
  consoleSocket?: string | undefined;
  foreground: boolean;
  preserveFds: number;
}

/** Joined in this order: user first (it grants the rights for the rest), mount last. */
const NAMESPACES: [type: string, file: string][] = [
  ['user', 'user'],
  ['ipc', 'ipc'],
  ['uts', 'uts'],
  ['network', 'net'],
  ['pid', 'pid'],
  ['cgroup', 'cgroup'],
  ['mount', 'mnt'],
];

/**
 * A new process in a running container: join each namespace that differs
 * from ours (joining our own user namespace is an error), enter the cgroup,
 * fork so the pid namespace takes effect, then the same process steps as init.
 */
export function buildExecPlan(input: ExecPlanInput): Plan {
  const ops: PlanOp[] = [{ op: 'mode', mode: input.foreground ? 'foreground' : 'detach' }];
  const terminal = input.process.terminal === true;
  // The console socket is a host path: connect before the mount namespace changes.
  if (terminal && input.consoleSocket) ops.push({ op: 'console_connect', socket: input.consoleSocket });
  // cgroup.procs files are opened here, while host paths still resolve.
  for (const dir of input.cgroupProcsDirs) ops.push({ op: 'cgroup_join', dir });
  for (const [type, file] of NAMESPACES) {
    const theirs = `/proc/${input.pid}/ns/${file}`;
    if (inode(theirs) !== inode(`/proc/self/ns/${file}`)) ops.push({ op: 'setns', type, path: theirs });
  }
  ops.push({ op: 'clone', flags: 0 });
  ops.push(
    ...processOps({
      process: input.process,
      host: input.host,
      seccomp: input.seccomp,
      terminal,
      gate: false,
      preserveFds: input.preserveFds,
    }),
  );
  return ops;
}

function inode(p: string): number | undefined {
  try {
    return statSync(p).ino;
  } catch {
    return undefined;
  }
}
