import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import type { HostConfig } from './host-config.js';
import { assertInvalid } from './invalid.test-helper.js';
import { checkResources, MIN_MEMORY } from './resources-check.js';

const ok = (hc: HostConfig) => assert.doesNotThrow(() => checkResources(hc));
const bad = (hc: HostConfig, re: RegExp) => assertInvalid(() => checkResources(hc), re);
const MB = 1024 * 1024;

describe('memory', () => {
  test('at least 6MB', () => {
    bad({ Memory: MIN_MEMORY - 1 }, /^HostConfig\.Memory: Minimum memory limit allowed is 6MB$/);
    bad({ Memory: -5 }, /Minimum memory limit allowed is 6MB/);
    ok({ Memory: MIN_MEMORY });
    ok({ Memory: 0 });
  });

  test('swap must cover the memory, needs a memory limit, and -1 means unlimited', () => {
    bad({ Memory: 64 * MB, MemorySwap: 32 * MB }, /^HostConfig\.MemorySwap: Minimum memoryswap limit should be larger than memory limit, see usage$/);
    bad({ MemorySwap: 64 * MB }, /You should always set the Memory limit when using Memoryswap limit, see usage/);
    bad({ Memory: 64 * MB, MemorySwap: -2 }, /MemorySwap: must be -1/);
    ok({ Memory: 64 * MB, MemorySwap: 64 * MB });
    ok({ Memory: 64 * MB, MemorySwap: -1 });
    ok({ MemorySwap: -1 });
  });

  test('reservation: at least 6MB and not above the limit', () => {
    bad({ MemoryReservation: MB }, /Minimum memory reservation allowed is 6MB/);
    bad({ Memory: 64 * MB, MemoryReservation: 128 * MB }, /Minimum memory limit can not be less than memory reservation limit/);
    ok({ Memory: 128 * MB, MemoryReservation: 64 * MB });
  });

  test('swappiness 0-100, -1 for the default', () => {
    bad({ MemorySwappiness: 101 }, /Invalid value: 101, valid memory swappiness range is 0-100/);
    ok({ MemorySwappiness: -1 });
    ok({ MemorySwappiness: 0 });
  });
});

describe('cpu', () => {
  test('NanoCpus excludes CpuPeriod and CpuQuota', () => {
    bad({ NanoCpus: 1e9, CpuPeriod: 100000 }, /Conflicting options: Nano CPUs and CPU Period cannot both be set/);
    bad({ NanoCpus: 1e9, CpuQuota: 50000 }, /Conflicting options: Nano CPUs and CPU Quota cannot both be set/);
    bad({ NanoCpus: -1 }, /NanoCpus: must not be negative/);
    ok({ NanoCpus: 1.5e9 });
  });

  test('CFS period 1ms to 1s, quota at least 1ms or -1', () => {
    bad({ CpuPeriod: 999 }, /CPU cfs period can not be less than 1ms \(i\.e\. 1000\) or larger than 1s \(i\.e\. 1000000\)/);
    bad({ CpuPeriod: 1_000_001 }, /CPU cfs period/);
    bad({ CpuQuota: 999 }, /CPU cfs quota can not be less than 1ms/);
    bad({ CpuQuota: -2 }, /CpuQuota: must be -1/);
    ok({ CpuPeriod: 50000, CpuQuota: 25000 });
    ok({ CpuQuota: -1 });
  });

  test('shares and cpusets', () => {
    bad({ CpuShares: -1 }, /shares: invalid argument/);
    bad({ CpusetCpus: '0-' }, /^HostConfig\.CpusetCpus: Invalid value 0- for cpuset cpus$/);
    bad({ CpusetCpus: '3-1' }, /Invalid value 3-1 for cpuset cpus/);
    bad({ CpusetMems: 'a' }, /Invalid value a for cpuset mems/);
    ok({ CpusetCpus: '0-3,8,10-11', CpusetMems: '0', CpuShares: 512 });
  });
});

test('blkio weights 10-1000 and device paths', () => {
  bad({ BlkioWeight: 5 }, /^HostConfig\.BlkioWeight: Range of blkio weight is from 10 to 1000$/);
  bad({ BlkioWeight: 1001 }, /Range of blkio weight/);
  bad({ BlkioWeightDevice: [{ Path: '/dev/sda', Weight: 2000 }] }, /^HostConfig\.BlkioWeightDevice\[0\]\.Weight: Range of blkio weight/);
  bad({ BlkioDeviceReadBps: [{ Rate: 1 }] }, /^HostConfig\.BlkioDeviceReadBps\[0\]\.Path: is required$/);
  bad({ BlkioDeviceWriteIOps: [{ Path: 'sda', Rate: 1 }] }, /BlkioDeviceWriteIOps\[0\]\.Path: must be an absolute path/);
  ok({ BlkioWeight: 500, BlkioDeviceReadBps: [{ Path: '/dev/sda', Rate: 1024 }] });
});

test('shm size and oom score', () => {
  bad({ ShmSize: -1 }, /SHM size can not be less than 0/);
  bad({ OomScoreAdj: 1001 }, /^HostConfig\.OomScoreAdj: Invalid value 1001, range for oom score adj is \[-1000, 1000\]$/);
  bad({ OomScoreAdj: -1001 }, /range for oom score adj/);
  ok({ OomScoreAdj: -1000, ShmSize: 0 });
});
