/**
 * One line of `stats`, computed from the API's stats JSON exactly as the
 * docker CLI computes it (cli/command/container/stats_helpers.go):
 *   CPU %  = (cpu delta / system delta) × online CPUs × 100, deltas against precpu_stats;
 *   memory = usage minus the page cache (v1 total_inactive_file, v2 inactive_file);
 *   MEM %  = memory / limit × 100; NET I/O summed over interfaces; BLOCK I/O by read and write ops.
 */
import { truncateId } from '../output/text.js';
import { bytesSize, humanSize } from '../output/units.js';

interface CpuStats {
  cpu_usage?: { total_usage?: number; percpu_usage?: number[] | null };
  system_cpu_usage?: number;
  online_cpus?: number;
}

export interface StatsJson {
  id?: string;
  name?: string;
  cpu_stats?: CpuStats;
  precpu_stats?: CpuStats;
  memory_stats?: { usage?: number; limit?: number; stats?: Record<string, number> };
  networks?: Record<string, { rx_bytes?: number; tx_bytes?: number }> | null;
  blkio_stats?: { io_service_bytes_recursive?: { op: string; value: number }[] | null };
  pids_stats?: { current?: number };
}

export interface StatsEntry {
  /** the name or id as the user typed it */
  container: string;
  id: string;
  name: string;
  cpuPercent: number;
  memory: number;
  memoryLimit: number;
  memoryPercent: number;
  netRx: number;
  netTx: number;
  blockRead: number;
  blockWrite: number;
  pids: number;
  /** no statistics could be read: the row shows "--" */
  invalid: boolean;
}

export function cpuPercent(s: StatsJson): number {
  const cpuDelta = (s.cpu_stats?.cpu_usage?.total_usage ?? 0) - (s.precpu_stats?.cpu_usage?.total_usage ?? 0);
  const systemDelta = (s.cpu_stats?.system_cpu_usage ?? 0) - (s.precpu_stats?.system_cpu_usage ?? 0);
  const online = s.cpu_stats?.online_cpus || (s.cpu_stats?.cpu_usage?.percpu_usage?.length ?? 0);
  return systemDelta > 0 && cpuDelta > 0 ? (cpuDelta / systemDelta) * online * 100 : 0;
}

export function memoryUsage(m: StatsJson['memory_stats'] = {}): number {
  const usage = m.usage ?? 0;
  const v1 = m.stats?.['total_inactive_file'];
  if (v1 !== undefined && v1 < usage) return usage - v1;
  const v2 = m.stats?.['inactive_file'] ?? 0;
  return v2 < usage ? usage - v2 : usage;
}

export function statsEntry(container: string, s: StatsJson): StatsEntry {
  const memory = memoryUsage(s.memory_stats);
  const limit = s.memory_stats?.limit ?? 0;
  let netRx = 0;
  let netTx = 0;
  for (const n of Object.values(s.networks ?? {})) {
    netRx += n.rx_bytes ?? 0;
    netTx += n.tx_bytes ?? 0;
  }
  let blockRead = 0;
  let blockWrite = 0;
  for (const e of s.blkio_stats?.io_service_bytes_recursive ?? []) {
    const op = e.op[0]?.toLowerCase();
    if (op === 'r') blockRead += e.value;
    else if (op === 'w') blockWrite += e.value;
  }
  return {
    container,
    id: s.id ?? container,
    name: s.name ?? '',
    cpuPercent: cpuPercent(s),
    memory,
    memoryLimit: limit,
    memoryPercent: limit !== 0 ? (memory / limit) * 100 : 0,
    netRx,
    netTx,
    blockRead,
    blockWrite,
    pids: s.pids_stats?.current ?? 0,
    invalid: false,
  };
}

export const invalidEntry = (container: string, id = container): StatsEntry => ({
  container, id, name: '', cpuPercent: 0, memory: 0, memoryLimit: 0, memoryPercent: 0, netRx: 0, netTx: 0, blockRead: 0, blockWrite: 0, pids: 0, invalid: true,
});

export const STATS_HEADERS = {
  Container: 'CONTAINER', ID: 'CONTAINER ID', Name: 'NAME', CPUPerc: 'CPU %', MemUsage: 'MEM USAGE / LIMIT', MemPerc: 'MEM %',
  NetIO: 'NET I/O', BlockIO: 'BLOCK I/O', PIDs: 'PIDS',
};

export const STATS_TABLE = 'table {{.ID}}\t{{.Name}}\t{{.CPUPerc}}\t{{.MemUsage}}\t{{.MemPerc}}\t{{.NetIO}}\t{{.BlockIO}}\t{{.PIDs}}';

/** docker's formatting of an entry: "0.52%", "1.5MiB / 7.7GiB", "1.2kB / 0B", "--" when invalid. */
export function statsRow(e: StatsEntry, trunc: boolean) {
  const dash = (s: string) => (e.invalid ? '--' : s);
  return {
    Container: e.container,
    ID: trunc ? truncateId(e.id) : e.id,
    Name: e.name.length > 1 ? e.name.replace(/^\//, '') : '--',
    CPUPerc: dash(`${e.cpuPercent.toFixed(2)}%`),
    MemUsage: e.invalid ? '-- / --' : `${bytesSize(e.memory)} / ${bytesSize(e.memoryLimit)}`,
    MemPerc: dash(`${e.memoryPercent.toFixed(2)}%`),
    NetIO: e.invalid ? '--' : `${humanSize(e.netRx)} / ${humanSize(e.netTx)}`,
    BlockIO: e.invalid ? '--' : `${humanSize(e.blockRead)} / ${humanSize(e.blockWrite)}`,
    PIDs: dash(String(e.pids)),
  };
}
