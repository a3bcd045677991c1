/**
 * HostConfig fields berth does not implement but cannot ignore: set to
 * anything but their zero value, each would give the container less
 * isolation, other devices or other sharing than asked for. The docker CLI
 * sends them all with zero values, which are fine.
 */
import { invalidArgument } from '../../../errors.js';
import { at, type JsonObject } from '../../../oci/json-check.js';

const UNSUPPORTED: Readonly<Record<string, string>> = {
  Links: 'legacy container links (--link) are not supported; use a user-defined network',
  DeviceRequests: 'device requests (--gpus) are not supported',
  CpuRealtimePeriod: 'real-time CPU scheduling (--cpu-rt-period) is not supported',
  CpuRealtimeRuntime: 'real-time CPU scheduling (--cpu-rt-runtime) is not supported',
  StorageOpt: 'storage options (--storage-opt) are not supported',
  Cgroup: 'sharing another container\'s cgroup (--cgroup) is not supported',
  // dockerd refuses these on Linux as well (they are Windows-only).
  IOMaximumBandwidth: 'Invalid QoS settings: linux does not support Maximum IO Bandwidth or Maximum IO IOps',
  IOMaximumIOps: 'Invalid QoS settings: linux does not support Maximum IO Bandwidth or Maximum IO IOps',
};

function isZero(v: unknown): boolean {
  if (v === undefined || v === null || v === 0 || v === '' || v === false) return true;
  if (Array.isArray(v)) return v.length === 0;
  return typeof v === 'object' && Object.keys(v).length === 0;
}

export function rejectUnsupported(raw: JsonObject, field = 'HostConfig'): void {
  for (const [key, why] of Object.entries(UNSUPPORTED)) {
    if (!isZero(raw[key])) throw invalidArgument(at(field, key), why);
  }
  const driver = raw['VolumeDriver'];
  if (!isZero(driver) && driver !== 'local') {
    throw invalidArgument(at(field, 'VolumeDriver'), `volume driver ${JSON.stringify(driver)} is not supported; berth has the "local" driver`);
  }
}
