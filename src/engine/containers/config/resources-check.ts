/**
 * Docker's limits on resource settings (moby's verifyPlatformContainerResources
 * and verifyPlatformContainerSettings), checked at create so a bad value is
 * a 400 now rather than a failed start later. Messages are Docker's.
 */
import { invalidArgument } from '../../../errors.js';
import { at } from '../../../oci/json-check.js';
import { isCpusetList } from './cpuset.js';
import type { HostConfig, ThrottleDevice, WeightDevice } from './host-config.js';

/** The smallest memory limit Docker accepts: below it a container cannot even start. */
export const MIN_MEMORY = 6 * 1024 * 1024;

type Fail = (key: keyof HostConfig, detail: string) => never;

function checkMemory(hc: HostConfig, fail: Fail): void {
  const memory = hc.Memory ?? 0;
  const swap = hc.MemorySwap ?? 0;
  const reservation = hc.MemoryReservation ?? 0;
  if (memory !== 0 && memory < MIN_MEMORY) fail('Memory', 'Minimum memory limit allowed is 6MB');
  if (swap < -1) fail('MemorySwap', `must be -1 (unlimited swap), 0 (twice the memory) or a byte count, got ${swap}`);
  if (memory > 0 && swap > 0 && swap < memory) fail('MemorySwap', 'Minimum memoryswap limit should be larger than memory limit, see usage');
  if (memory === 0 && swap > 0) fail('MemorySwap', 'You should always set the Memory limit when using Memoryswap limit, see usage');
  const swappiness = hc.MemorySwappiness ?? -1;
  if (swappiness !== -1 && (swappiness < 0 || swappiness > 100)) {
    fail('MemorySwappiness', `Invalid value: ${swappiness}, valid memory swappiness range is 0-100`);
  }
  if (reservation < 0) fail('MemoryReservation', `must not be negative, got ${reservation}`);
  if (reservation > 0 && reservation < MIN_MEMORY) fail('MemoryReservation', 'Minimum memory reservation allowed is 6MB');
  if (memory > 0 && reservation > 0 && memory < reservation) {
    fail('MemoryReservation', 'Minimum memory limit can not be less than memory reservation limit, see usage');
  }
}

function checkCpu(hc: HostConfig, fail: Fail): void {
  const nano = hc.NanoCpus ?? 0;
  const period = hc.CpuPeriod ?? 0;
  const quota = hc.CpuQuota ?? 0;
  if (nano < 0) fail('NanoCpus', `must not be negative, got ${nano}`);
  if (nano > 0 && period > 0) fail('NanoCpus', 'Conflicting options: Nano CPUs and CPU Period cannot both be set');
  if (nano > 0 && quota > 0) fail('NanoCpus', 'Conflicting options: Nano CPUs and CPU Quota cannot both be set');
  if ((hc.CpuShares ?? 0) < 0) fail('CpuShares', 'shares: invalid argument');
  if (period !== 0 && (period < 1000 || period > 1_000_000)) {
    fail('CpuPeriod', 'CPU cfs period can not be less than 1ms (i.e. 1000) or larger than 1s (i.e. 1000000)');
  }
  if (quota < -1) fail('CpuQuota', `must be -1 (unlimited) or at least 1000, got ${quota}`);
  if (quota > 0 && quota < 1000) fail('CpuQuota', 'CPU cfs quota can not be less than 1ms (i.e. 1000)');
  if (!isCpusetList(hc.CpusetCpus ?? '')) fail('CpusetCpus', `Invalid value ${hc.CpusetCpus} for cpuset cpus`);
  if (!isCpusetList(hc.CpusetMems ?? '')) fail('CpusetMems', `Invalid value ${hc.CpusetMems} for cpuset mems`);
}

const blkioWeightOk = (w: number) => w === 0 || (w >= 10 && w <= 1000);

function checkDevicePaths(list: readonly (ThrottleDevice | WeightDevice)[] | undefined, field: string): void {
  list?.forEach((d, i) => {
    const f = at(at(field, i), 'Path');
    if (!d.Path) throw invalidArgument(f, 'is required');
    if (!d.Path.startsWith('/')) throw invalidArgument(f, `must be an absolute path, got ${JSON.stringify(d.Path)}`);
  });
}

function checkBlkio(hc: HostConfig, field: string, fail: Fail): void {
  if (!blkioWeightOk(hc.BlkioWeight ?? 0)) fail('BlkioWeight', 'Range of blkio weight is from 10 to 1000');
  hc.BlkioWeightDevice?.forEach((d, i) => {
    if (!blkioWeightOk(d.Weight ?? 0)) {
      throw invalidArgument(at(at(at(field, 'BlkioWeightDevice'), i), 'Weight'), 'Range of blkio weight is from 10 to 1000');
    }
  });
  for (const key of ['BlkioWeightDevice', 'BlkioDeviceReadBps', 'BlkioDeviceWriteBps', 'BlkioDeviceReadIOps', 'BlkioDeviceWriteIOps'] as const) {
    checkDevicePaths(hc[key], at(field, key));
  }
}

export function checkResources(hc: HostConfig, field = 'HostConfig'): void {
  const fail: Fail = (key, detail) => {
    throw invalidArgument(at(field, key), detail);
  };
  checkMemory(hc, fail);
  checkCpu(hc, fail);
  checkBlkio(hc, field, fail);
  if ((hc.ShmSize ?? 0) < 0) fail('ShmSize', 'SHM size can not be less than 0');
  const oom = hc.OomScoreAdj ?? 0;
  if (oom < -1000 || oom > 1000) fail('OomScoreAdj', `Invalid value ${oom}, range for oom score adj is [-1000, 1000]`);
}
