import assert from 'node:assert/strict';
import { test } from 'node:test';

import { fakeCgroupStats, fakeSample } from './fake-stats.js';
import { toDockerStats } from './to-docker-stats.js';

const meta = { id: 'abc123', name: 'web' };
const MiB = 2 ** 20;

test('a v1 sample in dockerd shape, with the previous one as precpu', () => {
  const cgroup = fakeCgroupStats({
    cpu: { usageNanos: 3e9, userNanos: 2e9, systemNanos: 1e9, throttledPeriods: 4, throttledNanos: 5000 },
    memory: { usage: 100 * MiB, limit: 512 * MiB, maxUsage: 120 * MiB, cache: 10 * MiB, limitHits: 7, oomEvents: 1 },
    pids: { current: 3, limit: 100 },
    io: { readBytes: 4096, writeBytes: 8192, readOps: 1, writeOps: 2 },
  });
  const previous = fakeSample(Date.UTC(2026, 0, 2, 3, 4, 4, 500), { systemCpuNs: 1e12, cgroupVersion: 1, cgroup: fakeCgroupStats({ cpu: { usageNanos: 1e9 } }) });
  const current = fakeSample(Date.UTC(2026, 0, 2, 3, 4, 5, 500), { systemCpuNs: 1.004e12, cgroupVersion: 1, cgroup, perCpuUsage: [1e9, 2e9] });
  const s = toDockerStats(current, previous, meta);
  assert.equal(s.read, '2026-01-02T03:04:05.5Z');
  assert.equal(s.preread, '2026-01-02T03:04:04.5Z');
  assert.equal(s.name, '/web');
  assert.equal(s.id, 'abc123');
  assert.deepEqual(s.pids_stats, { current: 3, limit: 100 });
  assert.deepEqual(s.cpu_stats, {
    cpu_usage: { total_usage: 3e9, percpu_usage: [1e9, 2e9], usage_in_kernelmode: 1e9, usage_in_usermode: 2e9 },
    system_cpu_usage: 1.004e12,
    online_cpus: 4,
    throttling_data: { periods: 0, throttled_periods: 4, throttled_time: 5000 },
  });
  assert.equal(s.precpu_stats.cpu_usage.total_usage, 1e9);
  assert.equal(s.precpu_stats.system_cpu_usage, 1e12);
  assert.deepEqual(s.memory_stats, {
    usage: 100 * MiB,
    max_usage: 120 * MiB,
    stats: { cache: 10 * MiB, total_cache: 10 * MiB },
    failcnt: 7,
    limit: 512 * MiB,
  });
  assert.deepEqual(s.blkio_stats.io_service_bytes_recursive, [
    { major: 0, minor: 0, op: 'Read', value: 4096 },
    { major: 0, minor: 0, op: 'Write', value: 8192 },
    { major: 0, minor: 0, op: 'Total', value: 12288 },
  ]);
  assert.deepEqual(s.blkio_stats.io_serviced_recursive?.map((e) => e.value), [1, 2, 3]);
  assert.deepEqual(s.blkio_stats.sectors_recursive, []);
  assert.equal(s.num_procs, 0);
  assert.deepEqual(s.storage_stats, {});
  assert.equal('networks' in s, false);
});

test('a v2 sample: no percpu, no max_usage, failcnt from OOM events, lower-case ops, null lists', () => {
  const cgroup = fakeCgroupStats({
    cpu: { usageNanos: 3e9 },
    memory: { usage: 100 * MiB, limit: 512 * MiB, maxUsage: 120 * MiB, cache: 10 * MiB, limitHits: 7, oomEvents: 1 },
    io: { readBytes: 4096, writeBytes: 0 },
  });
  const s = toDockerStats(fakeSample(0, { cgroup, cgroupVersion: 2, perCpuUsage: [1, 2] }), undefined, meta);
  assert.equal('percpu_usage' in s.cpu_stats.cpu_usage, false);
  assert.deepEqual(s.memory_stats, { usage: 100 * MiB, stats: { file: 10 * MiB }, failcnt: 1, limit: 512 * MiB });
  assert.deepEqual(s.blkio_stats.io_service_bytes_recursive, [
    { major: 0, minor: 0, op: 'read', value: 4096 },
    { major: 0, minor: 0, op: 'write', value: 0 },
  ]);
  assert.equal(s.blkio_stats.io_serviced_recursive, null);
});

test('without a previous sample precpu is zero and preread is Go zero time', () => {
  const s = toDockerStats(fakeSample(1000, { systemCpuNs: 5e9 }), undefined, { id: 'x', name: '/already-slashed' });
  assert.equal(s.preread, '0001-01-01T00:00:00Z');
  assert.deepEqual(s.precpu_stats, {
    cpu_usage: { total_usage: 0, usage_in_kernelmode: 0, usage_in_usermode: 0 },
    throttling_data: { periods: 0, throttled_periods: 0, throttled_time: 0 },
  });
  assert.equal(s.name, '/already-slashed');
});

test('zero fields are left out as Go omitempty does; no I/O on v2 is null', () => {
  const s = toDockerStats(fakeSample(0, { memoryLimitFallback: 0 }), undefined, meta);
  assert.deepEqual(s.pids_stats, {});
  // A map is left out only when empty; dockerd always fills it.
  assert.deepEqual(s.memory_stats, { stats: { file: 0 } });
  assert.equal(s.blkio_stats.io_service_bytes_recursive, null);
  assert.equal(JSON.parse(JSON.stringify(s)).cpu_stats.online_cpus, 4);
});

test('the memory limit is the host memory when unlimited or above it', () => {
  const host = 8 * 2 ** 30;
  const unlimited = toDockerStats(fakeSample(0), undefined, meta);
  assert.equal(unlimited.memory_stats.limit, host);
  const huge = toDockerStats(fakeSample(0, { cgroup: fakeCgroupStats({ memory: { limit: 2 ** 40 } }) }), undefined, meta);
  assert.equal(huge.memory_stats.limit, host);
});

test('memory.stat, when the caller has it, is passed on whole', () => {
  const memoryStat = { total_inactive_file: 30 * MiB, total_cache: 50 * MiB, rss: 40 * MiB };
  const s = toDockerStats(fakeSample(0, { cgroupVersion: 1, memoryStat }), undefined, meta);
  assert.deepEqual(s.memory_stats.stats, memoryStat);
});
