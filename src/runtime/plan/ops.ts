/**
 * The launch plan: the exact list of steps the C core performs, in order.
 * Everything here is decided in TypeScript; the core has no policy. See
 * native/core/core.h for the wire format (NUL-terminated fields).
 *
 * Ops before `clone` run in the core's first process (joining namespaces,
 * recording what the parent applies to the child); ops after it run in the
 * container process, ending in `exec`.
 */
export type PlanOp =
  | { op: 'mode'; mode: 'detach' | 'foreground' }
  | { op: 'cgroup_join'; dir: string }
  | { op: 'device_filter'; cgroupDir: string; program: Buffer }
  | { op: 'oom_score_adj'; value: number }
  | { op: 'setns'; type: string; path: string }
  | { op: 'uid_map'; map: string }
  | { op: 'gid_map'; map: string }
  | { op: 'setgroups'; value: 'allow' | 'deny' }
  | { op: 'clone'; flags: number }
  | { op: 'unshare'; flags: number }
  | { op: 'become_root' }
  | { op: 'mount'; source: string; target: string; fstype: string; flags: number; data: string }
  | { op: 'mkdirs'; path: string; mode: number }
  | { op: 'touch'; path: string }
  | { op: 'mknod'; path: string; mode: number; dev: bigint; uid: number; gid: number }
  | { op: 'symlink'; target: string; path: string }
  | { op: 'pivot_root'; rootfs: string }
  | { op: 'mask'; path: string }
  | { op: 'readonly'; path: string }
  | { op: 'sethostname'; name: string }
  | { op: 'setdomainname'; name: string }
  | { op: 'write'; path: string; value: string }
  | { op: 'ifup'; name: string }
  | { op: 'chdir'; path: string }
  | { op: 'umask'; mask: number }
  | { op: 'setsid' }
  | { op: 'console_connect'; socket: string }
  | { op: 'console_setup'; rows: number; cols: number }
  | { op: 'mkfifo'; path: string; mode: number; uid: number; gid: number }
  | { op: 'gate_open'; dir: string }
  | { op: 'ready' }
  | { op: 'wait_start' }
  | { op: 'user'; uid: number; gid: number; groups: number[] }
  | { op: 'caps_bounding'; keep: bigint }
  | { op: 'caps'; effective: bigint; permitted: bigint; inheritable: bigint; ambient: bigint }
  | { op: 'rlimit'; resource: number; soft: bigint; hard: bigint }
  | { op: 'no_new_privs' }
  | { op: 'seccomp'; flags: number; program: Buffer }
  | { op: 'lookup'; name: string; pathEnv: string }
  | { op: 'close_fds'; keepUpTo: number }
  | { op: 'exec'; argv: string[]; env: string[] };

export type Plan = PlanOp[];

function fields(op: PlanOp): (string | number | bigint | string[])[] {
  switch (op.op) {
    case 'mode':
      return [op.mode];
    case 'cgroup_join':
      return [op.dir];
    case 'device_filter':
      return [op.cgroupDir, op.program.toString('hex')];
    case 'oom_score_adj':
      return [String(op.value)];
    case 'setns':
      return [op.type, op.path];
    case 'uid_map':
    case 'gid_map':
      return [op.map];
    case 'setgroups':
      return [op.value];
    case 'clone':
    case 'unshare':
      return [op.flags];
    case 'become_root':
    case 'setsid':
    case 'ready':
    case 'wait_start':
    case 'no_new_privs':
      return [];
    case 'mount':
      return [op.source, op.target, op.fstype, op.flags, op.data];
    case 'mkdirs':
      return [op.path, op.mode];
    case 'touch':
      return [op.path];
    case 'mknod':
      return [op.path, op.mode, op.dev, op.uid, op.gid];
    case 'symlink':
      return [op.target, op.path];
    case 'pivot_root':
      return [op.rootfs];
    case 'mask':
    case 'readonly':
      return [op.path];
    case 'sethostname':
    case 'setdomainname':
      return [op.name];
    case 'write':
      return [op.path, op.value];
    case 'ifup':
      return [op.name];
    case 'chdir':
      return [op.path];
    case 'umask':
      return [op.mask];
    case 'console_connect':
      return [op.socket];
    case 'console_setup':
      return [op.rows, op.cols];
    case 'mkfifo':
      return [op.path, op.mode, op.uid, op.gid];
    case 'gate_open':
      return [op.dir];
    case 'user':
      return [op.uid, op.gid, op.groups.map(String)];
    case 'caps_bounding':
      return [op.keep];
    case 'caps':
      return [op.effective, op.permitted, op.inheritable, op.ambient];
    case 'rlimit':
      return [op.resource, op.soft, op.hard];
    case 'seccomp':
      return [op.flags, op.program.toString('hex')];
    case 'lookup':
      return [op.name, op.pathEnv];
    case 'close_fds':
      return [op.keepUpTo];
    case 'exec':
      return [op.argv, op.env];
  }
}

/** Serialises a plan for the core: every field NUL-terminated, lists as count + items. */
export function encodePlan(plan: Plan): Buffer {
  const parts: string[] = [];
  const push = (s: string) => {
    if (s.includes('\0')) throw new TypeError(`plan field contains a NUL byte: ${JSON.stringify(s)}`);
    parts.push(s, '\0');
  };
  for (const op of plan) {
    push(op.op);
    for (const f of fields(op)) {
      if (Array.isArray(f)) {
        push(String(f.length));
        f.forEach(push);
      } else {
        push(String(f));
      }
    }
  }
  push('end');
  return Buffer.from(parts.join(''), 'utf8');
}
