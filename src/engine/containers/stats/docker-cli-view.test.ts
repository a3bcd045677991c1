/**
 * What `docker stats` shows from our answers. The formulas are the docker
 * CLI's (cli/command/container/stats_helpers.go), written again here so that
 * the figures users see are checked, not only the fields we send.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';

import type { DockerMemoryStats, DockerStats } from './docker-stats.js';
import { fakeCgroupStats, fakeSample } from './fake-stats.js';
import { toDockerStats } from './to-docker-stats.js';

/** calculateCPUPercentUnix: container CPU time over host CPU time, times the CPUs. */
function cliCpuPercent(s: DockerStats): number {
  const cpuDelta = s.cpu_stats.cpu_usage.total_usage - s.precpu_stats.cpu_usage.total_usage;
  const systemDelta = (s.cpu_stats.system_cpu_usage ?? 0) - (s.precpu_stats.system_cpu_usage ?? 0);
  const cpus = s.cpu_stats.online_cpus ?? s.cpu_stats.cpu_usage.percpu_usage?.length ?? 0;
  return systemDelta > 0 && cpuDelta > 0 ? (cpuDelta / systemDelta) * cpus * 100 : 0;
}

/** calculateMemUsageUnixNoCache: usage minus the inactive page cache. */
function cliMemUsage(m: DockerMemoryStats): number {
  const usage = m.usage ?? 0;
  const v1 = m.stats?.['total_inactive_file'];
  if (v1 !== undefined && v1 < usage) return usage - v1;
  const v2 = m.stats?.['inactive_file'] ?? 0;
  return v2 < usage ? usage - v2 : usage;
}

const MiB = 2 ** 20;
const meta = { id: 'c', name: 'c' };

test('CPU %: 1.5 CPUs busy on a 4-CPU host over one second shows 150%', () => {
  // One second of a 4-CPU host is 4e9 ns of host CPU time (400 ticks).
  const previous = fakeSample(0, { systemCpuNs: 1_000e9, cgroup: fakeCgroupStats({ cpu: { usageNanos: 10e9 } }) });
  const current = fakeSample(1000, { systemCpuNs: 1_004e9, cgroup: fakeCgroupStats({ cpu: { usageNanos: 11.5e9 } }) });
  assert.equal(cliCpuPercent(toDockerStats(current, previous, meta)), 150);
});

test('CPU % without a previous sample compares with zero, as a first one-shot frame of dockerd does', () => {
  const current = fakeSample(1000, { systemCpuNs: 4e12, cgroup: fakeCgroupStats({ cpu: { usageNanos: 1e12 } }) });
  // Everything since boot: 1e12 of 4e12 ns on 4 CPUs.
  assert.equal(cliCpuPercent(toDockerStats(current, undefined, meta)), 100);
});

test('memory on v1: usage minus total_inactive_file when memory.stat is given', () => {
  const cgroup = fakeCgroupStats({ memory: { usage: 100 * MiB, cache: 50 * MiB } });
  const memoryStat = { total_cache: 50 * MiB, total_inactive_file: 30 * MiB, cache: 50 * MiB, inactive_file: 30 * MiB };
  const s = toDockerStats(fakeSample(0, { cgroupVersion: 1, cgroup, memoryStat }), undefined, meta);
  assert.equal(cliMemUsage(s.memory_stats), 70 * MiB);
});

test('memory on v2: usage minus inactive_file when memory.stat is given', () => {
  const cgroup = fakeCgroupStats({ memory: { usage: 100 * MiB, cache: 50 * MiB } });
  const s = toDockerStats(fakeSample(0, { cgroupVersion: 2, cgroup, memoryStat: { file: 50 * MiB, inactive_file: 30 * MiB } }), undefined, meta);
  assert.equal(cliMemUsage(s.memory_stats), 70 * MiB);
});

test('memory without memory.stat: the CLI finds no inactive_file and shows the whole usage', () => {
  const cgroup = fakeCgroupStats({ memory: { usage: 100 * MiB, cache: 50 * MiB } });
  for (const cgroupVersion of [1, 2] as const) {
    const s = toDockerStats(fakeSample(0, { cgroupVersion, cgroup }), undefined, meta);
    assert.equal(cliMemUsage(s.memory_stats), 100 * MiB);
  }
});
