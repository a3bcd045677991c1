import assert from 'node:assert/strict';
import { test } from 'node:test';

import { formatList } from '../output/go-template.js';
import { cpuPercent, invalidEntry, memoryUsage, STATS_HEADERS, STATS_TABLE, statsEntry, statsRow, type StatsJson } from './stats-calc.js';

const sample: StatsJson = {
  id: '9471605537db0123456789',
  name: '/s1',
  cpu_stats: { cpu_usage: { total_usage: 3_000_000_000 }, system_cpu_usage: 20_000_000_000, online_cpus: 2 },
  precpu_stats: { cpu_usage: { total_usage: 2_000_000_000 }, system_cpu_usage: 18_000_000_000 },
  memory_stats: { usage: 10 * 1024 * 1024, limit: 100 * 1024 * 1024, stats: { total_inactive_file: 2 * 1024 * 1024 } },
  networks: { eth0: { rx_bytes: 1500, tx_bytes: 700 }, eth1: { rx_bytes: 500, tx_bytes: 0 } },
  blkio_stats: { io_service_bytes_recursive: [{ op: 'Read', value: 4096 }, { op: 'Write', value: 8192 }, { op: 'read', value: 4096 }, { op: 'Total', value: 1 }] },
  pids_stats: { current: 3 },
};

test('CPU %: container delta over system delta, times online CPUs', () => {
  assert.equal(cpuPercent(sample), (1e9 / 2e9) * 2 * 100);
  assert.equal(cpuPercent({ ...sample, precpu_stats: sample.cpu_stats! }), 0, 'no interval yet');
  const percpu = { ...sample, cpu_stats: { ...sample.cpu_stats, online_cpus: 0, cpu_usage: { total_usage: 3e9, percpu_usage: [1, 2, 3, 4] } } };
  assert.equal(cpuPercent(percpu), 200, 'no online_cpus: the per-CPU list counts them');
});

test('memory without the page cache: cgroup v1 total_inactive_file, v2 inactive_file', () => {
  assert.equal(memoryUsage(sample.memory_stats), 8 * 1024 * 1024);
  assert.equal(memoryUsage({ usage: 1000, stats: { inactive_file: 300 } }), 700);
  assert.equal(memoryUsage({ usage: 1000, stats: { inactive_file: 3000 } }), 1000);
  assert.equal(memoryUsage({ usage: 1000 }), 1000);
});

test('a row as docker prints it', () => {
  const e = statsEntry('s1', sample);
  assert.deepEqual(statsRow(e, true), {
    Container: 's1',
    ID: '9471605537db',
    Name: 's1',
    CPUPerc: '100.00%',
    MemUsage: '8MiB / 100MiB',
    MemPerc: '8.00%',
    NetIO: '2kB / 700B',
    BlockIO: '8.19kB / 8.19kB',
    PIDs: '3',
  });
  const table = formatList(undefined, STATS_TABLE, [statsRow(e, true), statsRow(invalidEntry('gone'), true)], STATS_HEADERS).split('\n');
  assert.deepEqual(table[0]!.split(/ {3,}/), ['CONTAINER ID', 'NAME', 'CPU %', 'MEM USAGE / LIMIT', 'MEM %', 'NET I/O', 'BLOCK I/O', 'PIDS']);
  assert.deepEqual(table[2]!.split(/ {3,}/), ['gone', '--', '--', '-- / --', '--', '--', '--', '--']);
  assert.equal(formatList('{{.Container}}: {{.CPUPerc}} {{.MemPerc}}', '', [statsRow(e, true)], STATS_HEADERS), 's1: 100.00% 8.00%\n');
});
