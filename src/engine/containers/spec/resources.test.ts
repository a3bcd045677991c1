import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { DEFAULT_DEVICE_CGROUP_RULES } from '../../../oci/defaults.js';
import { isBerthError } from '../../../errors.js';
import type { HostConfig } from '../config/index.js';
import { buildSpec } from './build-spec.js';
import { specFor, specInput } from './spec-input.test-helper.js';

const MB = 1024 * 1024;
const res = (hc: HostConfig, over = {}) => specFor(hc, { Cmd: ['sh'] }, over).linux?.resources;

describe('memory', () => {
  test('MemorySwap 0 means twice the memory', () => {
    assert.deepEqual(res({ Memory: 64 * MB })?.memory, { limit: 64 * MB, swap: 128 * MB });
  });

  test('-1 is unlimited swap, a number is memory plus swap', () => {
    assert.deepEqual(res({ Memory: 64 * MB, MemorySwap: -1 })?.memory, { limit: 64 * MB, swap: -1 });
    assert.deepEqual(res({ Memory: 64 * MB, MemorySwap: 64 * MB })?.memory, { limit: 64 * MB, swap: 64 * MB });
    assert.equal(res({ MemorySwap: -1 })?.memory, undefined);
  });

  test('reservation, swappiness, the OOM killer', () => {
    assert.deepEqual(res({ MemoryReservation: 32 * MB, MemorySwappiness: 0, OomKillDisable: true })?.memory, {
      reservation: 32 * MB,
      swappiness: 0,
      disableOOMKiller: true,
    });
    assert.equal(res({ MemorySwappiness: -1, OomKillDisable: false })?.memory, undefined);
  });
});

describe('cpu and pids', () => {
  test('NanoCpus is a CFS quota over a 100ms period', () => {
    assert.deepEqual(res({ NanoCpus: 1.5e9 })?.cpu, { period: 100000, quota: 150000 });
    assert.deepEqual(res({ NanoCpus: 1e7 })?.cpu, { period: 100000, quota: 1000 });
  });

  test('shares, period, quota, cpusets', () => {
    assert.deepEqual(res({ CpuShares: 512, CpuPeriod: 50000, CpuQuota: 25000, CpusetCpus: '0-1', CpusetMems: '0' })?.cpu, {
      shares: 512,
      cpus: '0-1',
      mems: '0',
      period: 50000,
      quota: 25000,
    });
    assert.equal(res({})?.cpu, undefined);
  });

  test('PidsLimit: 0 and -1 are unlimited', () => {
    assert.deepEqual(res({ PidsLimit: 100 })?.pids, { limit: 100 });
    assert.equal(res({ PidsLimit: 0 })?.pids, undefined);
    assert.equal(res({ PidsLimit: -1 })?.pids, undefined);
  });
});

describe('block I/O', () => {
  test('weight, and per-device limits with the numbers the caller looked up', () => {
    const b = res(
      { BlkioWeight: 300, BlkioDeviceReadBps: [{ Path: '/dev/sda', Rate: 1024 }] },
      { blkioDevices: { throttleReadBpsDevice: [{ major: 8, minor: 0, rate: 1024 }], throttleWriteBpsDevice: [] } },
    )?.blockIO;
    assert.deepEqual(b, { weight: 300, throttleReadBpsDevice: [{ major: 8, minor: 0, rate: 1024 }] });
  });

  test('a per-device limit whose device was not looked up is an error, not a silent no-limit', () => {
    assert.throws(
      () => buildSpec(specInput({ hostConfig: { BlkioDeviceWriteIOps: [{ Path: '/dev/sda', Rate: 10 }] } })),
      (e: unknown) => isBerthError(e, 'Internal') && /BlkioDeviceWriteIOps/.test(e.message),
    );
  });
});

describe('device cgroup rules', () => {
  const defaults = DEFAULT_DEVICE_CGROUP_RULES.length;

  test("the defaults, then the user's devices with their permissions, then the user's rules", () => {
    const rules = res(
      { Devices: [{ PathOnHost: '/dev/fuse', CgroupPermissions: 'rw' }], DeviceCgroupRules: ['c 189:* rmw'] },
      { devices: [{ type: 'c', path: '/dev/fuse', major: 10, minor: 229, permissions: 'rw' }] },
    )?.devices;
    assert.equal(rules?.length, defaults + 2);
    assert.deepEqual(rules?.slice(defaults), [
      { allow: true, type: 'c', major: 10, minor: 229, access: 'rw' },
      { allow: true, type: 'c', major: 189, access: 'rmw' },
    ]);
  });

  test('the user devices are created in the container', () => {
    const s = specFor({ Devices: [{ PathOnHost: '/dev/fuse' }] }, { Cmd: ['sh'] }, { devices: [{ type: 'c', path: '/dev/fuse', major: 10, minor: 229, fileMode: 0o666, permissions: 'rwm' }] });
    assert.deepEqual(s.linux?.devices?.at(-1), { type: 'c', path: '/dev/fuse', major: 10, minor: 229, fileMode: 0o666 });
  });

  test('devices nobody resolved are an error', () => {
    assert.throws(() => buildSpec(specInput({ hostConfig: { Devices: [{ PathOnHost: '/dev/fuse' }] } })), /HostConfig\.Devices: devices were not resolved/);
  });
});
