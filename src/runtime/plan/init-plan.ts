import path from 'node:path';

import { invalidArgument } from '../../errors.js';
import { MS_BIND, MS_RDONLY, MS_REC, MS_REMOUNT, rootfsPropagationFlags } from '../../oci/mount-options.js';
import { CLONE_NEWCGROUP, namespaceCloneFlag } from '../../oci/namespaces.js';
import type { IdMapping, Namespace, Spec } from '../../oci/spec.js';
import type { CgroupHierarchy } from '../cgroups/manager.js';
import type { HostFacts } from '../host.js';
import { devLinkOps, deviceOps } from './devices.js';
import { mountOps } from './mounts.js';
import type { Plan, PlanOp } from './ops.js';
import { processOps } from './process-ops.js';
import { secureJoin } from './secure-join.js';

export interface InitPlanInput {
  spec: Spec;
  bundle: string;
  /** absolute host path of the root filesystem */
  rootfs: string;
  /** the container's state directory: exec.fifo lives here */
  stateDir: string;
  cgroupProcsDirs: string[];
  /** cgroup v2: the device allow-list program and the directory it is attached to */
  deviceFilter?: { cgroupDir: string; program: Buffer } | undefined;
  hierarchies: CgroupHierarchy[];
  host: HostFacts;
  seccomp?: { program: Buffer; flags: number } | undefined;
  consoleSocket?: string | undefined;
  foreground: boolean;
  preserveFds: number;
}

/** The order in which existing namespaces are joined: user first (it grants the rights for the rest), mount last (it changes what paths mean). */
const JOIN_ORDER = ['user', 'ipc', 'uts', 'network', 'pid', 'cgroup', 'time', 'mount'];

/**
 * The whole plan for a container's init process, from the spec. Every
 * decision lives here; the core just performs the list.
 */
export function buildInitPlan(input: InitPlanInput): Plan {
  const { spec, rootfs } = input;
  const process = spec.process;
  if (!process) throw invalidArgument('process', 'must be set to create a container');
  const namespaces = spec.linux?.namespaces ?? [];
  const fresh = (t: string) => namespaces.some((n) => n.type === t && !n.path);
  const newUser = fresh('user');
  if (!namespaces.some((n) => n.type === 'mount')) {
    throw invalidArgument('linux.namespaces', 'a mount namespace is required (pivot_root needs one)');
  }
  if (fresh('time')) throw invalidArgument('linux.namespaces', 'creating a time namespace is not supported');
  const rootUid = hostIdOf(0, spec.linux?.uidMappings, newUser);
  const rootGid = hostIdOf(0, spec.linux?.gidMappings, newUser);

  const ops: PlanOp[] = [{ op: 'mode', mode: input.foreground ? 'foreground' : 'detach' }];
  if (process.oomScoreAdj !== undefined) ops.push({ op: 'oom_score_adj', value: process.oomScoreAdj });
  ops.push({ op: 'mkfifo', path: path.join(input.stateDir, 'exec.fifo'), mode: 0o622, uid: rootUid, gid: rootGid });
  // Opened by the first process, as host root: the state directory may be
  // out of reach for the container's root in a user namespace.
  ops.push({ op: 'gate_open', dir: input.stateDir });
  if (process.terminal) {
    if (!input.consoleSocket) throw invalidArgument('process.terminal', 'a terminal was requested but no --console-socket was given');
    ops.push({ op: 'console_connect', socket: input.consoleSocket });
  }
  // Attached before any process of the container is in the cgroup.
  if (input.deviceFilter) ops.push({ op: 'device_filter', ...input.deviceFilter });
  // cgroup.procs files are opened here, while host paths still resolve.
  for (const dir of input.cgroupProcsDirs) ops.push({ op: 'cgroup_join', dir });
  ops.push(...joinOps(namespaces));
  if (newUser) {
    ops.push({ op: 'setgroups', value: 'allow' });
    ops.push({ op: 'gid_map', map: formatMap(spec.linux?.gidMappings) });
    ops.push({ op: 'uid_map', map: formatMap(spec.linux?.uidMappings) });
  }

  // The cgroup namespace is unshared by the child only after the parent has
  // moved it into its cgroup, so that the namespace's root is that cgroup.
  let cloneFlags = 0;
  for (const n of namespaces) if (!n.path && n.type !== 'cgroup') cloneFlags |= namespaceCloneFlag(n.type);
  ops.push({ op: 'clone', flags: cloneFlags });
  if (newUser) ops.push({ op: 'become_root' });
  if (fresh('cgroup')) ops.push({ op: 'unshare', flags: CLONE_NEWCGROUP });
  if (!process.terminal) ops.push({ op: 'setsid' });

  ops.push({ op: 'mount', source: '', target: '/', fstype: '', flags: rootfsPropagationFlags(spec.linux?.rootfsPropagation), data: '' });
  // pivot_root needs the new root to be a mount point of its own.
  ops.push({ op: 'mount', source: rootfs, target: rootfs, fstype: '', flags: MS_BIND | MS_REC, data: '' });
  ops.push(
    ...mountOps(spec.mounts ?? [], {
      rootfs,
      bundle: input.bundle,
      hierarchies: input.hierarchies,
      cgroupNamespace: fresh('cgroup') || namespaces.some((n) => n.type === 'cgroup'),
    }),
  );
  ops.push(...deviceOps(rootfs, spec.linux?.devices ?? [], newUser));
  ops.push(...devLinkOps(rootfs));
  if ((spec.mounts ?? []).some((m) => m.destination === '/dev/pts')) {
    // Each devpts instance has its own ptmx; /dev/ptmx must point at ours.
    ops.push({ op: 'symlink', target: 'pts/ptmx', path: secureJoin(rootfs, '/dev/ptmx') });
  }
  ops.push({ op: 'mkdirs', path: secureJoin(rootfs, process.cwd), mode: 0o755 });

  ops.push({ op: 'pivot_root', rootfs });
  for (const [key, value] of Object.entries(spec.linux?.sysctl ?? {})) {
    ops.push({ op: 'write', path: `/proc/sys/${key.replaceAll('.', '/')}`, value });
  }
  for (const p of spec.linux?.maskedPaths ?? []) ops.push({ op: 'mask', path: p });
  for (const p of spec.linux?.readonlyPaths ?? []) ops.push({ op: 'readonly', path: p });
  if (spec.root?.readonly) {
    ops.push({ op: 'mount', source: '', target: '/', fstype: '', flags: MS_BIND | MS_REMOUNT | MS_RDONLY, data: '' });
  }
  if (spec.hostname !== undefined) ops.push({ op: 'sethostname', name: spec.hostname });
  if (spec.domainname !== undefined) ops.push({ op: 'setdomainname', name: spec.domainname });
  if (fresh('network')) ops.push({ op: 'ifup', name: 'lo' });

  ops.push(
    ...processOps({
      process,
      host: input.host,
      seccomp: input.seccomp,
      terminal: process.terminal === true,
      gate: true,
      preserveFds: input.preserveFds,
    }),
  );
  return ops;
}

function joinOps(namespaces: Namespace[]): PlanOp[] {
  const joined = namespaces.filter((n) => n.path);
  joined.sort((a, b) => JOIN_ORDER.indexOf(a.type) - JOIN_ORDER.indexOf(b.type));
  return joined.map((n) => ({ op: 'setns', type: n.type, path: n.path as string }));
}

function formatMap(maps: IdMapping[] | undefined): string {
  return (maps ?? []).map((m) => `${m.containerID} ${m.hostID} ${m.size}\n`).join('');
}

/** The host id that a container id maps to (itself without a user namespace). */
export function hostIdOf(id: number, maps: IdMapping[] | undefined, inUserNamespace: boolean): number {
  if (!inUserNamespace) return id;
  const m = (maps ?? []).find((x) => id >= x.containerID && id < x.containerID + x.size);
  if (!m) throw invalidArgument('linux.uidMappings', `container id ${id} is not mapped`);
  return m.hostID + (id - m.containerID);
}
