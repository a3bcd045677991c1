/**
 * The spec's mounts as moby's WithMounts lays them out: Docker's default
 * filesystems (minus those the user covers), the init binary, then the
 * user's mounts, /etc files, /dev/shm sharing and tmpfs mounts together,
 * sorted so that a parent directory is mounted before what goes inside it.
 */
import path from 'node:path';

import { DEFAULT_MOUNTS } from '../../../oci/defaults.js';
import type { Mount } from '../../../oci/spec.js';
import { type HostConfig, tmpfsDataFromMount, tmpfsMountOptions } from '../config/index.js';
import { INIT_PATH_IN_CONTAINER, wantsInit } from './process.js';
import type { SpecInput } from './spec-input.js';

/** Docker's default /dev/shm size (64 MiB) when ShmSize is 0. */
export const DEFAULT_SHM_SIZE = 64 * 1024 * 1024;

/** Mounts Docker leaves writable on a read-only rootfs. */
const WRITABLE_ON_READONLY_ROOT = new Set(['/proc', '/dev/pts', '/dev/shm', '/dev/mqueue', '/dev']);

/** Path depth of the destination: moby sorts mounts by it, so "/a" comes before "/a/b". */
const depth = (m: Mount) => path.posix.normalize(m.destination).replace(/\/+$/, '').split('/').length;

const bind = (source: string, destination: string, readonly: boolean): Mount => ({
  destination,
  type: 'bind',
  source,
  options: ['rbind', ...(readonly ? ['ro'] : []), 'rprivate'],
});

function tmpfsMounts(hc: HostConfig): Mount[] {
  const out: Mount[] = [];
  for (const dest of Object.keys(hc.Tmpfs ?? {}).sort()) {
    const field = `HostConfig.Tmpfs.${dest}`;
    out.push({ destination: path.posix.normalize(dest), type: 'tmpfs', source: 'tmpfs', options: tmpfsMountOptions(hc.Tmpfs?.[dest] ?? '', field) });
  }
  hc.Mounts?.forEach((m, i) => {
    if (m.Type !== 'tmpfs' || !m.Target) return;
    const field = `HostConfig.Mounts[${i}]`;
    const options = tmpfsMountOptions(tmpfsDataFromMount(m, field), field);
    out.push({ destination: path.posix.normalize(m.Target), type: 'tmpfs', source: 'tmpfs', options });
  });
  return out;
}

/** /dev/shm shared with the host or another container (IpcMode host or container:<id>). */
function sharedShm(input: SpecInput): Mount[] {
  const ipc = input.hostConfig.IpcMode ?? '';
  if (ipc === 'host') return [bind('/dev/shm', '/dev/shm', false)];
  const shmPath = input.joined?.ipc?.shmPath;
  if (ipc.startsWith('container:') && shmPath) return [bind(shmPath, '/dev/shm', false)];
  return [];
}

/** The user's mounts and everything Docker sorts with them. */
function userMounts(input: SpecInput): Mount[] {
  const own = [...(input.mounts ?? []).map((m) => structuredClone(m)), ...tmpfsMounts(input.hostConfig)];
  const covered = new Set(own.map((m) => path.posix.normalize(m.destination)));
  // The /etc files are as writable as the rootfs; a user mount on the same path wins.
  const readonly = input.hostConfig.ReadonlyRootfs === true;
  const files = input.files ?? {};
  const etc = [
    files.resolvConf && bind(files.resolvConf, '/etc/resolv.conf', readonly),
    files.hostname && bind(files.hostname, '/etc/hostname', readonly),
    files.hosts && bind(files.hosts, '/etc/hosts', readonly),
  ].filter((m): m is Mount => !!m && !covered.has(m.destination));
  const shm = sharedShm(input).filter((m) => !covered.has(m.destination));
  return [...own, ...etc, ...shm];
}

function defaultMounts(input: SpecInput, covered: ReadonlySet<string>): Mount[] {
  const hc = input.hostConfig;
  const ipc = hc.IpcMode ?? '';
  const out: Mount[] = [];
  for (const d of DEFAULT_MOUNTS) {
    if (covered.has(d.destination)) continue;
    if (covered.has('/dev') && d.destination.startsWith('/dev/')) continue;
    const m = structuredClone(d) as Mount;
    if (m.destination === '/dev/shm') {
      // "none": no /dev/shm at all; host and container:<id> bind another one instead.
      if (ipc === 'none' || ipc === 'host' || ipc.startsWith('container:')) continue;
      const size = hc.ShmSize || DEFAULT_SHM_SIZE;
      m.options = [...(m.options ?? []).filter((o) => !o.startsWith('size=')), `size=${size}`];
    }
    out.push(m);
  }
  if (wantsInit(input) && input.initPath) {
    out.push({ destination: INIT_PATH_IN_CONTAINER, type: 'bind', source: input.initPath, options: ['bind', 'ro'] });
  }
  return out;
}

export function buildMounts(input: SpecInput, writableCgroups: boolean): Mount[] {
  const user = userMounts(input);
  const covered = new Set(user.map((m) => path.posix.normalize(m.destination)));
  const defaults = defaultMounts(input, covered);
  if (input.hostConfig.ReadonlyRootfs === true) {
    for (const m of defaults) {
      if (!WRITABLE_ON_READONLY_ROOT.has(m.destination) && !m.options?.includes('ro')) m.options = [...(m.options ?? []), 'ro'];
    }
  }
  // Privileged containers may write sysfs and the cgroup tree, even on a
  // read-only rootfs (moby clears "ro" after the read-only-rootfs pass).
  const privileged = input.hostConfig.Privileged === true;
  for (const m of defaults) {
    if ((privileged && m.destination === '/sys') || (m.type === 'cgroup' && (privileged || writableCgroups))) {
      m.options = m.options?.filter((o) => o !== 'ro') ?? [];
    }
  }
  // Array.prototype.sort is stable: mounts at the same depth keep their order.
  return [...defaults, ...user.sort((a, b) => depth(a) - depth(b))];
}
