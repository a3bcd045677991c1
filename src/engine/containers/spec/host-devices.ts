/**
 * Host devices for `--device`, `--privileged` and the blkio limits, with the
 * numbers the spec needs, as dockerd finds them (moby's DevicesFromPath,
 * HostDevices, getBlkioThrottleDevices). This reads the host's /dev.
 */
import { lstat, readdir, realpath, stat } from 'node:fs/promises';
import path from 'node:path';

import { errnoCode, invalidArgument } from '../../../errors.js';
import type { Device, ThrottleDevice, WeightDevice } from '../../../oci/spec.js';
import type { DeviceMapping, HostConfig } from '../config/index.js';
import type { ResolvedBlkio, ResolvedDevice } from './spec-input.js';

/** The kernel's dev_t split (glibc major()/minor()). */
export function devNumbers(rdev: bigint): { major: number; minor: number } {
  return {
    major: Number(((rdev >> 8n) & 0xfffn) | ((rdev >> 32n) & 0xfffff000n)),
    minor: Number((rdev & 0xffn) | ((rdev >> 12n) & 0xffffff00n)),
  };
}

/** The device node at `hostPath` (not following a link), or undefined when it is none. */
async function deviceAt(hostPath: string, containerPath: string, permissions: string): Promise<ResolvedDevice | undefined> {
  const st = await lstat(hostPath, { bigint: true });
  const type: Device['type'] | undefined = st.isCharacterDevice() ? 'c' : st.isBlockDevice() ? 'b' : undefined;
  if (type === undefined) return undefined;
  return {
    type,
    path: containerPath,
    ...devNumbers(st.rdev),
    fileMode: Number(st.mode & 0o777n),
    uid: Number(st.uid),
    gid: Number(st.gid),
    permissions,
  };
}

/** Every device node under `dir`, its path rewritten from `from` to `to`. */
async function walk(dir: string, from: string, to: string, permissions: string, skip: ReadonlySet<string>): Promise<ResolvedDevice[]> {
  const out: ResolvedDevice[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (skip.has(p)) continue;
    if (entry.isDirectory()) out.push(...(await walk(p, from, to, permissions, skip)));
    else {
      const d = await deviceAt(p, path.posix.join(to, path.relative(from, p)), permissions).catch(() => undefined);
      if (d) out.push(d);
    }
  }
  return out;
}

/** One `--device`: a node, or a directory of nodes (taken recursively). */
export async function resolveDevice(m: DeviceMapping, field: string): Promise<ResolvedDevice[]> {
  const onHost = m.PathOnHost ?? '';
  const inContainer = m.PathInContainer || onHost;
  const permissions = m.CgroupPermissions || 'rwm';
  const fail = (why: string) => invalidArgument(field, `error gathering device information while adding custom device "${onHost}": ${why}`);
  let resolved: string;
  try {
    resolved = await realpath(onHost);
  } catch (e) {
    throw fail(errnoCode(e) === 'ENOENT' ? 'no such file or directory' : String(e));
  }
  const node = await deviceAt(resolved, inContainer, permissions);
  if (node) return [node];
  if ((await stat(resolved)).isDirectory()) {
    const nodes = await walk(resolved, resolved, inContainer, permissions, new Set());
    if (nodes.length > 0) return nodes;
  }
  throw fail('not a device node');
}

export async function resolveDevices(mappings: readonly DeviceMapping[] | undefined, field = 'HostConfig.Devices'): Promise<ResolvedDevice[]> {
  const out: ResolvedDevice[] = [];
  for (const [i, m] of (mappings ?? []).entries()) out.push(...(await resolveDevice(m, `${field}[${i}]`)));
  return out;
}

/** Directories of /dev that hold no devices of the host's own (as runc's GetDevices skips them). */
const NOT_HOST_DEVICES = ['pts', 'shm', 'fd', 'mqueue', '.lxc', '.lxd-mounts', '.udev'];

/** All of the host's device nodes, for a privileged container. */
export async function hostDevices(devRoot = '/dev'): Promise<ResolvedDevice[]> {
  const skip = new Set([...NOT_HOST_DEVICES.map((d) => path.join(devRoot, d)), path.join(devRoot, 'console')]);
  return walk(devRoot, devRoot, '/dev', 'rwm', skip);
}

async function blockNumbers(devicePath: string, field: string): Promise<{ major: number; minor: number }> {
  let st;
  try {
    st = await stat(devicePath, { bigint: true });
  } catch (e) {
    throw invalidArgument(field, `${devicePath}: ${errnoCode(e) === 'ENOENT' ? 'no such device' : String(e)}`);
  }
  if (!st.isBlockDevice()) throw invalidArgument(field, `${devicePath} is not a block device`);
  return devNumbers(st.rdev);
}

/** HostConfig's per-device blkio limits with the devices' numbers. */
export async function resolveBlkioDevices(hc: HostConfig): Promise<ResolvedBlkio> {
  const throttle = async (key: 'BlkioDeviceReadBps' | 'BlkioDeviceWriteBps' | 'BlkioDeviceReadIOps' | 'BlkioDeviceWriteIOps') => {
    const out: ThrottleDevice[] = [];
    for (const [i, d] of (hc[key] ?? []).entries()) out.push({ ...(await blockNumbers(d.Path ?? '', `HostConfig.${key}[${i}]`)), rate: d.Rate ?? 0 });
    return out;
  };
  const weightDevice: WeightDevice[] = [];
  for (const [i, d] of (hc.BlkioWeightDevice ?? []).entries()) {
    weightDevice.push({ ...(await blockNumbers(d.Path ?? '', `HostConfig.BlkioWeightDevice[${i}]`)), weight: d.Weight ?? 0 });
  }
  return {
    weightDevice,
    throttleReadBpsDevice: await throttle('BlkioDeviceReadBps'),
    throttleWriteBpsDevice: await throttle('BlkioDeviceWriteBps'),
    throttleReadIOPSDevice: await throttle('BlkioDeviceReadIOps'),
    throttleWriteIOPSDevice: await throttle('BlkioDeviceWriteIOps'),
  };
}
