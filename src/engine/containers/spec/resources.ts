/**
 * `linux.resources` from HostConfig, with Docker's meanings (moby's
 * getMemoryResources, getCPUResources, getPidsLimit, WithDevices): only
 * what the user set appears, so an unset limit stays the cgroup's default.
 */
import { internal } from '../../../errors.js';
import { DEFAULT_DEVICE_CGROUP_RULES } from '../../../oci/defaults.js';
import type { BlockIO, CpuResources, DeviceCgroupRule, MemoryResources, Resources } from '../../../oci/spec.js';
import { type HostConfig, parseDeviceCgroupRule } from '../config/index.js';
import type { SpecInput } from './spec-input.js';

/** The CFS period Docker uses for --cpus: 100ms. */
export const NANO_CPUS_PERIOD = 100_000;

function memory(hc: HostConfig): MemoryResources | undefined {
  const m: MemoryResources = {};
  const limit = hc.Memory ?? 0;
  if (limit > 0) {
    m.limit = limit;
    // OCI swap, like Docker's MemorySwap, is memory plus swap; 0 means twice the memory, -1 no swap limit.
    const swap = hc.MemorySwap ?? 0;
    m.swap = swap === 0 ? limit * 2 : swap;
  }
  if ((hc.MemoryReservation ?? 0) > 0) m.reservation = hc.MemoryReservation as number;
  const swappiness = hc.MemorySwappiness ?? -1;
  if (swappiness >= 0) m.swappiness = swappiness;
  if (hc.OomKillDisable === true) m.disableOOMKiller = true;
  return Object.keys(m).length > 0 ? m : undefined;
}

function cpu(hc: HostConfig): CpuResources | undefined {
  const c: CpuResources = {};
  if ((hc.CpuShares ?? 0) > 0) c.shares = hc.CpuShares as number;
  if (hc.CpusetCpus) c.cpus = hc.CpusetCpus;
  if (hc.CpusetMems) c.mems = hc.CpusetMems;
  const nano = hc.NanoCpus ?? 0;
  if (nano > 0) {
    c.period = NANO_CPUS_PERIOD;
    c.quota = Math.floor((nano * NANO_CPUS_PERIOD) / 1e9);
  }
  if (hc.CpuPeriod) c.period = hc.CpuPeriod;
  if (hc.CpuQuota) c.quota = hc.CpuQuota;
  return Object.keys(c).length > 0 ? c : undefined;
}

function blockIO(input: SpecInput): BlockIO | undefined {
  const hc = input.hostConfig;
  const keys = ['BlkioWeightDevice', 'BlkioDeviceReadBps', 'BlkioDeviceWriteBps', 'BlkioDeviceReadIOps', 'BlkioDeviceWriteIOps'] as const;
  const wanted = keys.filter((k) => (hc[k]?.length ?? 0) > 0);
  // A limit the user asked for must not vanish because nobody looked up the device numbers.
  if (wanted.length > 0 && input.blkioDevices === undefined) throw internal(`HostConfig.${wanted[0]}`, 'block devices were not resolved');
  const b: BlockIO = { ...structuredClone(input.blkioDevices ?? {}) };
  for (const k of Object.keys(b) as (keyof BlockIO)[]) {
    const v = b[k];
    if (Array.isArray(v) && v.length === 0) delete b[k];
  }
  if ((hc.BlkioWeight ?? 0) > 0) b.weight = hc.BlkioWeight as number;
  return Object.keys(b).length > 0 ? b : undefined;
}

function deviceRules(input: SpecInput): DeviceCgroupRule[] {
  const hc = input.hostConfig;
  if (hc.Privileged === true) return [{ allow: true, access: 'rwm' }];
  const rules = structuredClone(DEFAULT_DEVICE_CGROUP_RULES) as DeviceCgroupRule[];
  for (const d of input.devices ?? []) {
    if (d.type !== 'c' && d.type !== 'b') continue;
    rules.push({ allow: true, type: d.type, major: d.major ?? null, minor: d.minor ?? null, access: d.permissions ?? 'rwm' });
  }
  hc.DeviceCgroupRules?.forEach((r, i) => rules.push(parseDeviceCgroupRule(r, `HostConfig.DeviceCgroupRules[${i}]`)));
  return rules;
}

export function buildResources(input: SpecInput): Resources {
  const hc = input.hostConfig;
  if ((hc.Devices?.length ?? 0) > 0 && input.devices === undefined) throw internal('HostConfig.Devices', 'devices were not resolved');
  const r: Resources = { devices: deviceRules(input) };
  const m = memory(hc);
  if (m) r.memory = m;
  const c = cpu(hc);
  if (c) r.cpu = c;
  // 0 and -1 both mean unlimited in the API; an unlimited pids cgroup is the default.
  if ((hc.PidsLimit ?? 0) > 0) r.pids = { limit: hc.PidsLimit as number };
  const b = blockIO(input);
  if (b) r.blockIO = b;
  return r;
}
