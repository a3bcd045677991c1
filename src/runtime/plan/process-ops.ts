import { invalidArgument } from '../../errors.js';
import { capabilityMask } from '../../oci/capabilities.js';
import { RLIM_INFINITY, rlimitNumber } from '../../oci/rlimits.js';
import type { Process } from '../../oci/spec.js';
import type { HostFacts } from '../host.js';
import type { PlanOp } from './ops.js';

const CAP_SYS_RESOURCE = 24n;
const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

export interface ProcessPlanInput {
  process: Process;
  host: HostFacts;
  /** compiled seccomp program, if the spec has one */
  seccomp?: { program: Buffer; flags: number } | undefined;
  /** a terminal was requested: set up the pty (console socket already connected) */
  terminal: boolean;
  /** block on the start gate before exec (create/start); false for run-to-completion exec */
  gate: boolean;
  /** how many inherited fds above stdio to keep (runc's --preserve-fds) */
  preserveFds: number;
}

/**
 * The process's last steps, in the order the kernel requires: rlimits and the
 * bounding set while still privileged; seccomp early when it cannot rely on
 * no_new_privs (loading a filter then needs CAP_SYS_ADMIN); user and groups;
 * the exact capability sets; then lookup, cwd, ready, the start gate, and
 * seccomp as late as possible when no_new_privs allows it.
 */
export function processOps(input: ProcessPlanInput): PlanOp[] {
  const { process, host } = input;
  const ops: PlanOp[] = [];
  if (input.terminal) {
    ops.push({ op: 'console_setup', rows: process.consoleSize?.height ?? 0, cols: process.consoleSize?.width ?? 0 });
  }
  ops.push(...rlimitOps(process, host));
  const caps = capabilitySets(process, host);
  ops.push({ op: 'caps_bounding', keep: caps.bounding });
  const nnp = process.noNewPrivileges === true;
  if (input.seccomp && !nnp) ops.push({ op: 'seccomp', flags: input.seccomp.flags, program: input.seccomp.program });
  ops.push({ op: 'user', uid: process.user.uid, gid: process.user.gid, groups: process.user.additionalGids ?? [] });
  ops.push({ op: 'caps', effective: caps.effective, permitted: caps.permitted, inheritable: caps.inheritable, ambient: caps.ambient });
  if (nnp) ops.push({ op: 'no_new_privs' });
  ops.push({ op: 'umask', mask: process.user.umask ?? 0o022 });
  const env = process.env ?? [];
  const argv = process.args ?? [];
  const pathEnv = env.findLast((e) => e.startsWith('PATH='))?.slice(5) ?? DEFAULT_PATH;
  ops.push({ op: 'lookup', name: argv[0] ?? '', pathEnv });
  ops.push({ op: 'chdir', path: process.cwd });
  ops.push({ op: 'close_fds', keepUpTo: 2 + input.preserveFds });
  ops.push({ op: 'ready' });
  if (input.gate) ops.push({ op: 'wait_start' });
  if (input.seccomp && nnp) ops.push({ op: 'seccomp', flags: input.seccomp.flags, program: input.seccomp.program });
  ops.push({ op: 'exec', argv, env });
  return ops;
}

function capabilitySets(process: Process, host: HostFacts) {
  const c = process.capabilities ?? {};
  // Names newer than the running kernel are dropped rather than refused, as
  // runc does: the same spec must run on older kernels.
  const known = (1n << BigInt(host.capLastCap + 1)) - 1n;
  const mask = (names: string[] | undefined, field: string) => capabilityMask(names ?? [], field) & known;
  return {
    bounding: mask(c.bounding, 'process.capabilities.bounding'),
    effective: mask(c.effective, 'process.capabilities.effective'),
    permitted: mask(c.permitted, 'process.capabilities.permitted'),
    inheritable: mask(c.inheritable, 'process.capabilities.inheritable'),
    ambient: mask(c.ambient, 'process.capabilities.ambient'),
  };
}

function toRlim(n: number): bigint {
  // JSON cannot carry 2^64-1 exactly; anything past 2^63 means "unlimited".
  return n < 0 || n >= 2 ** 63 ? RLIM_INFINITY : BigInt(Math.trunc(n));
}

function rlimitOps(process: Process, host: HostFacts): PlanOp[] {
  const canRaise = (host.effectiveCaps >> CAP_SYS_RESOURCE) & 1n;
  return (process.rlimits ?? []).map((r, i) => {
    const field = `process.rlimits[${i}]`;
    const resource = rlimitNumber(r.type, `${field}.type`);
    const soft = toRlim(r.soft);
    const hard = toRlim(r.hard);
    const name = r.type.replace(/^RLIMIT_/, '').toLowerCase();
    const hostHard = host.hardLimits.get(name);
    const exceeds = hostHard !== undefined && hostHard !== -1n && (hard === RLIM_INFINITY || hard > hostHard);
    if (exceeds && !canRaise) {
      const shown = hard === RLIM_INFINITY ? 'unlimited' : String(hard);
      throw invalidArgument(
        field,
        `${r.type} hard limit ${shown} exceeds this host's hard limit ${hostHard} and raising it needs CAP_SYS_RESOURCE, which this process does not have`,
      );
    }
    return { op: 'rlimit', resource, soft, hard };
  });
}
