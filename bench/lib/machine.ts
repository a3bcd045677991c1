/**
 * What a benchmark ran on, in one line for docs/benchmarks.md: numbers from
 * different machines (or from a busy one) are not comparable, so every
 * section says where and when it was measured.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import os from 'node:os';

/** v2, v1 hybrid (a cgroup2 beside the v1 hierarchies) or v1 legacy. */
export function cgroupMode(root = '/sys/fs/cgroup'): string {
  if (existsSync(`${root}/cgroup.controllers`)) return 'v2 (unified)';
  if (existsSync(`${root}/unified/cgroup.controllers`)) return 'v1 hybrid (cgroup2 at /sys/fs/cgroup/unified)';
  return 'v1 (legacy)';
}

/** First line of `cmd --version`, or "not installed". */
export function toolVersion(cmd: string): string {
  try {
    return execFileSync(cmd, ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).split('\n')[0] ?? '';
  } catch {
    return 'not installed';
  }
}

export function machineLine(): string {
  const cpu = os.cpus()[0]?.model.trim() ?? 'unknown CPU';
  const mem = (os.totalmem() / 2 ** 30).toFixed(1);
  return (
    `${os.availableParallelism()} CPUs (${cpu}), ${mem} GiB RAM, Linux ${os.release()}, ` +
    `cgroups ${cgroupMode()}, Node ${process.version}`
  );
}

export function loadLine(): string {
  return os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' / ');
}
